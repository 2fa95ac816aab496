import type * as Phaser from "phaser";
import { Colors } from "./palette.ts";
import type { TadpoleView } from "./TadpoleView.ts";

const MAX_ARROWS = 10;
/** Distance of an arrow's tip from the screen edge (CSS px). */
const INSET = 18;
const LABEL_STYLE: Phaser.Types.GameObjects.Text.TextStyle = {
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  fontSize: "10px",
  color: Colors.name,
};

/**
 * Small arrows on the screen's rim pointing at the nearest off-screen tadpoles, each with a
 * faint name: the pond is several screens wide and this is how you find company. Lives on the
 * HUD camera, whose units are CSS pixels.
 */
export class EdgeArrows {
  private readonly g: Phaser.GameObjects.Graphics;
  private readonly labels: Phaser.GameObjects.Text[] = [];
  /** The nearest off-screen tadpoles, sorted by squared distance; reused every frame. */
  private readonly nearest: (TadpoleView | undefined)[] = new Array(MAX_ARROWS).fill(undefined);
  private readonly nearestD2 = new Float64Array(MAX_ARROWS);
  /** Centres of the labels placed so far this frame, to skip ones that would overlap. */
  private readonly placedX = new Float64Array(MAX_ARROWS);
  private readonly placedY = new Float64Array(MAX_ARROWS);

  constructor(scene: Phaser.Scene, depth: number, resolution: number) {
    this.g = scene.add.graphics().setDepth(depth);
    for (let i = 0; i < MAX_ARROWS; i++) {
      const t = scene.add.text(0, 0, "", LABEL_STYLE).setOrigin(0.5).setDepth(depth).setVisible(false);
      t.setResolution(resolution);
      this.labels.push(t);
    }
  }

  get objects(): Phaser.GameObjects.GameObject[] {
    return [this.g, ...this.labels];
  }

  setTextResolution(resolution: number): void {
    for (const t of this.labels) t.setResolution(resolution);
  }

  /**
   * `views` are every known tadpole; (camX, camY) the world point at the screen centre;
   * `cssW` x `cssH` the screen; `zoom` world-to-CSS-pixel scale.
   */
  update(views: readonly TadpoleView[], camX: number, camY: number, cssW: number, cssH: number, zoom: number): void {
    const g = this.g;
    g.clear();
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
}
