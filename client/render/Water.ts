import type * as Phaser from "phaser";
import { WORLD_HALF } from "../../shared/constants.ts";
import { Depth } from "./Depth.ts";

/**
 * The pond's walls: a faint line on the wall and dark bands beyond it, so players see where the
 * water ends. The water's own colour (a radial gradient) and the vignette are CSS behind and over
 * the transparent canvas (style.css): the browser composites them for free, where full-screen
 * quads would cost a phone's GPU two extra screens of fill per frame.
 */
export class Water {
  private readonly edge: Phaser.GameObjects.Graphics;

  constructor(scene: Phaser.Scene) {
    this.edge = scene.add.graphics().setDepth(Depth.pondEdge);
    this.drawEdge();
  }

  get objects(): Phaser.GameObjects.GameObject[] {
    return [this.edge];
  }

  /**
   * Bands of growing darkness outside the walls. Only rectangles: the Graphics command list is
   * replayed every frame, and rectangles cost no path tessellation.
   */
  private drawEdge(): void {
    const g = this.edge;
    const h = WORLD_HALF;
    const far = 4000;
    g.fillStyle(0x7fb4e6, 0.18);
    g.fillRect(-h - 1, -h - 1, 2 * h + 2, 2);
    g.fillRect(-h - 1, h - 1, 2 * h + 2, 2);
    g.fillRect(-h - 1, -h - 1, 2, 2 * h + 2);
    g.fillRect(h - 1, -h - 1, 2, 2 * h + 2);
    const steps = 6;
    for (let i = 0; i < steps; i++) {
      const inset = i * 14;
      g.fillStyle(0x01040a, 0.14 + i * 0.03);
      const x0 = -h - inset;
      const size = 2 * (h + inset);
      // Four strips around the square grown by `inset`, reaching far out.
      g.fillRect(x0 - far, x0 - far, size + 2 * far, far);
      g.fillRect(x0 - far, x0 + size, size + 2 * far, far);
      g.fillRect(x0 - far, x0, far, size);
      g.fillRect(x0 + size, x0, far, size);
    }
  }
}
