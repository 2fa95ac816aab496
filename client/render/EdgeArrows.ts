import type * as Phaser from "phaser";
import { crowdArrows, type CrowdArrow, type RadarView } from "../net/radar.ts";
import { Colors } from "./palette.ts";
import type { DrawContext, RenderLayer, ScreenSize } from "./RenderLayer.ts";
import type { TadpoleSprite } from "./TadpoleSprite.ts";

const MAX_ARROWS = 10;
/** Distance of an arrow's tip from the screen edge (CSS px). */
const INSET = 18;
const LABEL_STYLE: Phaser.Types.GameObjects.Text.TextStyle = {
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  fontSize: "10px",
  color: Colors.name,
};
/** Arrows toward far crowds (the radar), at most. */
const MAX_CROWD_ARROWS = 4;
/** Distance of a crowd arrow's tip from the screen edge: a ring inside the near arrows' (CSS px). */
const CROWD_INSET = 46;
const CROWD_LABEL_STYLE: Phaser.Types.GameObjects.Text.TextStyle = { ...LABEL_STYLE, fontSize: "11px", color: Colors.crowdText };

/** A crowd arrow as drawn this frame (CSS px on the HUD), for the test hook. */
export interface DrawnCrowdArrow {
  /** Where its tip is. */
  x: number;
  y: number;
  /** The direction it points, radians (screen and world agree: y down). */
  angle: number;
  /** How many tadpoles it stands for (its label). */
  count: number;
}

/**
 * Small arrows on the screen's rim pointing at the nearest off-screen tadpoles, each with a
 * faint name: the pond is several screens wide and this is how you find company. Further in, a
 * few warm double arrows with a count point at the crowds beyond your view, from the radar
 * (merged by direction, at most MAX_CROWD_ARROWS). Lives on the HUD camera, whose units are CSS
 * pixels.
 */
export class EdgeArrows implements RenderLayer {
  readonly space = "screen";
  readonly objects: readonly Phaser.GameObjects.GameObject[];
  private readonly g: Phaser.GameObjects.Graphics;
  private readonly labels: Phaser.GameObjects.Text[] = [];
  /** The nearest off-screen tadpoles, sorted by squared distance; reused every frame. */
  private readonly nearest: (TadpoleSprite | undefined)[] = new Array(MAX_ARROWS).fill(undefined);
  private readonly nearestD2 = new Float64Array(MAX_ARROWS);
  /** Centres of the labels placed so far this frame, to skip ones that would overlap. */
  private readonly placedX = new Float64Array(MAX_ARROWS);
  private readonly placedY = new Float64Array(MAX_ARROWS);
  private readonly crowdLabels: Phaser.GameObjects.Text[] = [];
  private readonly crowd: CrowdArrow[] = [];
  /** The crowd arrows drawn this frame. */
  readonly drawnCrowd: DrawnCrowdArrow[] = [];

  constructor(scene: Phaser.Scene, depth: number, resolution: number) {
    this.g = scene.add.graphics().setDepth(depth);
    for (let i = 0; i < MAX_ARROWS; i++) {
      const t = scene.add.text(0, 0, "", LABEL_STYLE).setOrigin(0.5).setDepth(depth).setVisible(false);
      t.setResolution(resolution);
      this.labels.push(t);
    }
    for (let i = 0; i < MAX_CROWD_ARROWS; i++) {
      const t = scene.add.text(0, 0, "", CROWD_LABEL_STYLE).setOrigin(0.5).setDepth(depth).setVisible(false);
      t.setResolution(resolution);
      this.crowdLabels.push(t);
    }
    this.objects = [this.g, ...this.labels, ...this.crowdLabels];
  }

  resize(screen: Readonly<ScreenSize>): void {
    this.setTextResolution(screen.dpr);
  }

  destroy(): void {
    for (const o of this.objects) o.destroy();
  }

  private setTextResolution(resolution: number): void {
    for (const t of this.labels) t.setResolution(resolution);
    for (const t of this.crowdLabels) t.setResolution(resolution);
  }

  /** Arrows on the screen's rim toward the nearest tadpoles off screen, and toward the far crowds (radar). */
  draw(ctx: Readonly<DrawContext>): void {
    this.drawArrows(ctx.tadpoles, ctx.camX, ctx.camY, ctx.cssWidth, ctx.cssHeight, ctx.zoom, ctx.radar);
  }

  /**
   * `views` are every known tadpole; (camX, camY) the world point at the screen centre;
   * `cssW` x `cssH` the screen; `zoom` world-to-CSS-pixel scale.
   */
  private drawArrows(views: readonly TadpoleSprite[], camX: number, camY: number, cssW: number, cssH: number, zoom: number, radar: RadarView | undefined): void {
    const g = this.g;
    g.clear();
    this.drawCrowds(radar, camX, camY, cssW, cssH, zoom);
    let count = 0;
    const nearest = this.nearest;
    const d2s = this.nearestD2;
    for (let i = 0; i < views.length; i++) {
      const v = views[i];
      if (v.own || v.onScreen) continue;
      const dx = v.x - camX;
      const dy = v.y - camY;
      const d2 = dx * dx + dy * dy;
      if (count === MAX_ARROWS && d2 >= d2s[MAX_ARROWS - 1]) continue;
      // Insertion into the small sorted list.
      let k = count < MAX_ARROWS ? count++ : MAX_ARROWS - 1;
      while (k > 0 && d2s[k - 1] > d2) {
        d2s[k] = d2s[k - 1];
        nearest[k] = nearest[k - 1];
        k--;
      }
      d2s[k] = d2;
      nearest[k] = v;
    }

    const halfW = cssW / 2;
    const halfH = cssH / 2;
    let placed = 0;
    for (let i = 0; i < MAX_ARROWS; i++) {
      const label = this.labels[i];
      const v = i < count ? nearest[i] : undefined;
      if (!v) {
        label.setVisible(false);
        continue;
      }
      const dx = (v.x - camX) * zoom;
      const dy = (v.y - camY) * zoom;
      const dist = Math.sqrt(dx * dx + dy * dy) || 1;
      const ux = dx / dist;
      const uy = dy / dist;
      // Where the ray from the centre leaves the inset screen rectangle.
      const tx = Math.abs(ux) > 1e-6 ? (halfW - INSET) / Math.abs(ux) : Infinity;
      const ty = Math.abs(uy) > 1e-6 ? (halfH - INSET) / Math.abs(uy) : Infinity;
      const t = Math.min(tx, ty);
      const px = halfW + ux * t;
      const py = halfH + uy * t;
      // Nearer tadpoles get bolder, larger arrows.
      const worldDist = dist / zoom;
      const near = Math.max(0, Math.min(1, 1 - worldDist / 2500));
      const size = 5 + 3 * near;
      const alpha = 0.25 + 0.5 * near;
      g.fillStyle(Colors.arrow, alpha);
      g.fillTriangle(
        px + ux * size, py + uy * size,
        px - ux * size * 0.8 - uy * size * 0.75, py - uy * size * 0.8 + ux * size * 0.75,
        px - ux * size * 0.8 + uy * size * 0.75, py - uy * size * 0.8 - ux * size * 0.75,
      );
      const name = v.tadpole.name;
      if (label.text !== name) label.setText(name);
      // The label sits inward from the arrow, kept on screen.
      const lx = Math.max(label.width / 2 + 4, Math.min(cssW - label.width / 2 - 4, px - ux * (12 + label.width * 0.5 * Math.abs(ux))));
      const ly = Math.max(8, Math.min(cssH - 8, py - uy * (12 + 6 * Math.abs(uy))));
      // A tadpole just past the edge is still drawn (cull margin) with its own name: its arrow
      // needs no second label. Nearer tadpoles were placed first; a farther one whose label
      // would collide keeps only its arrow.
      let clear = !v.drawn;
      for (let k = 0; k < placed; k++) {
        if (Math.abs(this.placedX[k] - lx) < 60 && Math.abs(this.placedY[k] - ly) < 14) {
          clear = false;
          break;
        }
      }
      if (!clear) {
        label.setVisible(false);
        continue;
      }
      this.placedX[placed] = lx;
      this.placedY[placed] = ly;
      placed++;
      label.setPosition(lx, ly).setAlpha(alpha * 0.9).setVisible(true);
    }
    for (let i = count; i < MAX_ARROWS; i++) nearest[i] = undefined;
  }

  /** The arrows toward far crowds: warm double arrows on an inner ring, each with its count. */
  private drawCrowds(radar: RadarView | undefined, camX: number, camY: number, cssW: number, cssH: number, zoom: number): void {
    const drawn = this.drawnCrowd;
    let shown = 0;
    const crowd = this.crowd;
    // Far cells on the screen point nowhere: only those beyond its edges get an arrow.
    if (radar === undefined) crowd.length = 0;
    else crowdArrows(radar, camX, camY, cssW / 2 / zoom, cssH / 2 / zoom, MAX_CROWD_ARROWS, crowd);
    const g = this.g;
    const halfW = cssW / 2;
    const halfH = cssH / 2;
    for (let i = 0; i < MAX_CROWD_ARROWS; i++) {
      const label = this.crowdLabels[i];
      const arrow = i < crowd.length ? crowd[i] : undefined;
      if (arrow === undefined) {
        label.setVisible(false);
        continue;
      }
      const ux = Math.cos(arrow.angle);
      const uy = Math.sin(arrow.angle);
      const tx = Math.abs(ux) > 1e-6 ? (halfW - CROWD_INSET) / Math.abs(ux) : Infinity;
      const ty = Math.abs(uy) > 1e-6 ? (halfH - CROWD_INSET) / Math.abs(uy) : Infinity;
      const t = Math.max(0, Math.min(tx, ty));
      const px = halfW + ux * t;
      const py = halfH + uy * t;
      // Bigger and bolder for bigger crowds: 1 → 7 px, 10 → 9, 100+ → 11.
      const weight = Math.min(1, Math.log10(arrow.count) / 2);
      const size = 7 + 4 * weight;
      const alpha = 0.5 + 0.35 * weight;
      g.fillStyle(Colors.crowd, alpha);
      for (let k = 0; k < 2; k++) {
        // Two chevrons, the second behind the first: "a crowd that way".
        const bx = px - ux * size * 1.1 * k;
        const by = py - uy * size * 1.1 * k;
        g.fillTriangle(
          bx + ux * size, by + uy * size,
          bx - ux * size * 0.5 - uy * size * 0.8, by - uy * size * 0.5 + ux * size * 0.8,
          bx - ux * size * 0.5 + uy * size * 0.8, by - uy * size * 0.5 - ux * size * 0.8,
        );
      }
      const text = String(arrow.count);
      if (label.text !== text) label.setText(text);
      const back = size * 2.2 + 8;
      label.setPosition(px - ux * (back + label.width * 0.5 * Math.abs(ux)), py - uy * (back + 6 * Math.abs(uy))).setAlpha(alpha).setVisible(true);
      const record = drawn[shown] ?? (drawn[shown] = { x: 0, y: 0, angle: 0, count: 0 });
      record.x = px + ux * size;
      record.y = py + uy * size;
      record.angle = arrow.angle;
      record.count = arrow.count;
      shown++;
    }
    drawn.length = shown;
  }
}
