import type * as Phaser from "phaser";
import { WORLD_HALF } from "../../shared/constants.ts";
import { Depth } from "./Depth.ts";
import type { DrawContext, RenderLayer } from "./RenderLayer.ts";

/**
 * Seconds for one full turn of the water's hue: the original added 0.08° every 30 ms frame
 * (2.67°/s), a turn in 135 s.
 */
export const HUE_TURN_SECONDS = 360 / (0.08 / 0.03);
/** The hue is written to the page in steps this big (degrees): ~3 style changes a second, each invisible. */
const HUE_STEP = 1;
/** The CSS custom property the water gradient (style.css, #game) takes its hue from. */
export const HUE_PROPERTY = "--water-hue";

/**
 * The pond's walls: a faint line on the wall and dark bands beyond it, so players see where the
 * water ends. The water's own colour (a radial gradient) and the vignette are CSS behind and over
 * the transparent canvas (style.css): the browser composites them for free, where full-screen
 * quads would cost a phone's GPU two extra screens of fill per frame.
 *
 * The water's hue drifts, as in the original: one slow turn of the colour wheel every 135 s,
 * from a phase of its own for every player (a random one each visit). Saturation and lightness
 * stay those of a dark pond (style.css). With reduced motion the hue holds still.
 */
export class Water implements RenderLayer {
  readonly space = "world";
  readonly objects: readonly Phaser.GameObjects.GameObject[];
  private readonly edge: Phaser.GameObjects.Graphics;
  private readonly surface: HTMLElement | null;
  /** The hue at time 0, degrees. */
  private readonly phase = Math.random() * 360;
  /** Seconds of drift so far (only counted while drifting, so a pause resumes where it held). */
  private drifted = 0;
  private applied = Number.NaN;

  constructor(scene: Phaser.Scene) {
    this.edge = scene.add.graphics().setDepth(Depth.pondEdge);
    this.objects = [this.edge];
    this.drawEdge();
    // The element whose CSS background is the water: the game's parent (#game).
    this.surface = scene.game.canvas.parentElement;
    this.apply(this.phase);
  }

  /** The hue now shown, degrees in [0, 360). */
  get hue(): number {
    return this.applied;
  }

  /** Advances the drift by the frame's step; reduced motion holds the hue where it is. */
  draw(ctx: Readonly<DrawContext>): void {
    if (ctx.still) return;
    this.drifted = (this.drifted + ctx.dt) % HUE_TURN_SECONDS;
    this.apply(this.phase + (this.drifted / HUE_TURN_SECONDS) * 360);
  }

  destroy(): void {
    this.edge.destroy();
  }

  private apply(hue: number): void {
    const stepped = (Math.round(hue / HUE_STEP) * HUE_STEP) % 360;
    if (stepped === this.applied) return;
    this.applied = stepped;
    this.surface?.style.setProperty(HUE_PROPERTY, String(stepped));
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
