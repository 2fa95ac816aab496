import type * as Phaser from "phaser";
import { WORLD_HALF } from "../../shared/constants.ts";
import type { RadarView } from "../net/radar.ts";
import { Colors } from "./palette.ts";
import type { DrawContext, RenderLayer, ScreenSize } from "./RenderLayer.ts";
import { Tex } from "./Textures.ts";
import type { TadpoleSprite } from "./TadpoleSprite.ts";

const MARGIN = 12;
/** Inset of the map's drawing inside its panel, CSS px. */
const PAD = 6;

/** How strongly a radar cell of `count` far tadpoles is shaded: a lone tadpole shows, a crowd stands out. */
export function crowdAlpha(count: number): number {
  return Math.min(0.85, 0.45 + 0.1 * Math.log2(count));
}

/**
 * A small, quiet map of the whole pond in the top-right corner: a dot per known tadpole, yours
 * brighter, and the rectangle your screen shows; under them, in a warm shade, the radar's cells
 * of tadpoles beyond your view (the whole pond, once a second). HUD camera, CSS pixels.
 */
export class MiniMap implements RenderLayer {
  readonly space = "screen";
  readonly objects: readonly Phaser.GameObjects.GameObject[];
  private readonly panel: Phaser.GameObjects.Image;
  private readonly g: Phaser.GameObjects.Graphics;
  private size = 120;
  private left = 0;
  private top = MARGIN;

  constructor(scene: Phaser.Scene, depth: number) {
    this.panel = scene.add.image(0, 0, Tex.panel).setOrigin(0).setDepth(depth).setAlpha(0.75);
    this.g = scene.add.graphics().setDepth(depth);
    this.objects = [this.panel, this.g];
  }

  resize(screen: Readonly<ScreenSize>): void {
    const cssW = screen.cssWidth;
    const cssH = screen.cssHeight;
    this.size = Math.round(Math.max(84, Math.min(150, Math.min(cssW, cssH) * 0.2)));
    this.left = cssW - this.size - MARGIN;
    this.top = MARGIN;
    this.panel.setPosition(this.left, this.top).setDisplaySize(this.size, this.size);
  }

  /** Where the map is drawn (CSS px): its panel's corner and side, and the inset of the pond inside it. */
  get area(): { left: number; top: number; size: number; pad: number } {
    return { left: this.left, top: this.top, size: this.size, pad: PAD };
  }

  destroy(): void {
    this.panel.destroy();
    this.g.destroy();
  }

  /** The pond's square, the crowd beyond the view (radar), the screen's view and a dot per tadpole known. */
  draw(ctx: Readonly<DrawContext>): void {
    this.drawMap(ctx.tadpoles, ctx.camX, ctx.camY, ctx.worldWidth, ctx.worldHeight, ctx.radar);
  }

  private drawMap(views: readonly TadpoleSprite[], camX: number, camY: number, viewW: number, viewH: number, radar: RadarView | undefined): void {
    const g = this.g;
    g.clear();
    const pad = PAD;
    const inner = this.size - pad * 2;
    const scale = inner / (WORLD_HALF * 2);
    const ox = this.left + pad + inner / 2;
    const oy = this.top + pad + inner / 2;

    // The crowd beyond your view, from the radar: a shaded square per cell with anyone in it.
    if (radar !== undefined && radar.farCells.length > 0) {
      const cols = radar.cols;
      const side = inner / cols;
      const x0 = this.left + pad;
      const y0 = this.top + pad;
      for (const cell of radar.farCells) {
        const gx = cell % cols;
        const gy = (cell - gx) / cols;
        g.fillStyle(Colors.crowd, crowdAlpha(radar.far[cell]));
        g.fillRect(x0 + gx * side, y0 + gy * side, side, side);
      }
    }

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
    let own: TadpoleSprite | undefined;
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
