import type * as Phaser from "phaser";
import { WORLD_HALF } from "../../shared/constants.ts";
import { Colors } from "./palette.ts";
import { Tex } from "./Textures.ts";
import type { TadpoleView } from "./TadpoleView.ts";

const MARGIN = 12;

/**
 * A small, quiet map of the whole pond in the top-right corner: a dot per known tadpole, yours
 * brighter, and the rectangle your screen shows. HUD camera, CSS pixels.
 */
export class MiniMap {
  private readonly panel: Phaser.GameObjects.Image;
  private readonly g: Phaser.GameObjects.Graphics;
  private size = 120;
  private left = 0;
  private top = MARGIN;

  constructor(scene: Phaser.Scene, depth: number) {
    this.panel = scene.add.image(0, 0, Tex.panel).setOrigin(0).setDepth(depth).setAlpha(0.75);
    this.g = scene.add.graphics().setDepth(depth);
  }

  get objects(): Phaser.GameObjects.GameObject[] {
    return [this.panel, this.g];
  }

  layout(cssW: number, cssH: number): void {
    this.size = Math.round(Math.max(84, Math.min(150, Math.min(cssW, cssH) * 0.2)));
    this.left = cssW - this.size - MARGIN;
    this.top = MARGIN;
    this.panel.setPosition(this.left, this.top).setDisplaySize(this.size, this.size);
  }

  update(views: readonly TadpoleView[], camX: number, camY: number, viewW: number, viewH: number): void {
    const g = this.g;
    g.clear();
    const pad = 6;
    const inner = this.size - pad * 2;
    const scale = inner / (WORLD_HALF * 2);
    const ox = this.left + pad + inner / 2;
    const oy = this.top + pad + inner / 2;

    // The screen's view, as four thin bars (no path tessellation).
    const vw = Math.max(2, viewW * scale);
    const vh = Math.max(2, viewH * scale);
    const vx = Math.max(this.left + 2, ox + (camX - viewW / 2) * scale);
    const vy = Math.max(this.top + 2, oy + (camY - viewH / 2) * scale);
    const vr = Math.min(this.left + this.size - 2, vx + vw);
    const vb = Math.min(this.top + this.size - 2, vy + vh);
    g.fillStyle(Colors.mapDot, 0.28);
    g.fillRect(vx, vy, vr - vx, 1);
    g.fillRect(vx, vb - 1, vr - vx, 1);
    g.fillRect(vx, vy, 1, vb - vy);
    g.fillRect(vr - 1, vy, 1, vb - vy);

    g.fillStyle(Colors.mapDot, 0.75);
    let own: TadpoleView | undefined;
    for (let i = 0; i < views.length; i++) {
      const v = views[i];
      if (v.own) {
        own = v;
        continue;
      }
      g.fillRect(ox + v.x * scale - 1, oy + v.y * scale - 1, 2, 2);
    }
    if (own) {
      g.fillStyle(Colors.mapSelf, 1);
      g.fillRect(ox + own.x * scale - 2, oy + own.y * scale - 2, 4, 4);
    }
  }
}
