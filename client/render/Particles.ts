import type * as Phaser from "phaser";
import { Depth } from "./Depth.ts";
import { ZOOM_WIDEST } from "./FollowCamera.ts";
import type { DrawContext, RenderLayer, ScreenSize } from "./RenderLayer.ts";
import { moteTexture } from "./Textures.ts";

interface LayerSpec {
  /** How far the layer moves per unit of camera movement: <1 seems deeper, >1 seems nearer. */
  parallax: number;
  /** Specks per million square world units of screen. */
  density: number;
  alpha: number;
  /** Display size of a speck in world units. */
  size: number;
  depth: number;
}

const LAYERS: readonly LayerSpec[] = [
  { parallax: 0.3, density: 90, alpha: 0.5, size: 5, depth: Depth.motesFar },
  { parallax: 0.6, density: 45, alpha: 0.55, size: 7, depth: Depth.motesMid },
  { parallax: 1.4, density: 10, alpha: 0.28, size: 14, depth: Depth.motesNear },
];

/** Extra margin around the screen so specks wrap out of sight. */
const MARGIN = 40;

/** One layer: a Blitter (one draw for all its specks) and the specks' motion parameters. */
class SpeckLayer {
  readonly blitter: Phaser.GameObjects.Blitter;
  private bobs: Phaser.GameObjects.Bob[] = [];
  private base = new Float32Array(0);
  private tileW = 1;
  private tileH = 1;

  constructor(scene: Phaser.Scene, readonly spec: LayerSpec) {
    // A Blitter ignores its own scale, so each layer gets a texture drawn at its speck size.
    this.blitter = scene.add.blitter(0, 0, moteTexture(scene, spec.size)).setDepth(spec.depth);
  }

  /** Re-seeds the specks for a screen of this world size. */
  layout(worldW: number, worldH: number): void {
    this.tileW = worldW + MARGIN * 2;
    this.tileH = worldH + MARGIN * 2;
    const count = Math.max(8, Math.round((this.tileW * this.tileH * this.spec.density) / 1e6));
    this.blitter.clear();
    this.bobs = [];
    // Per speck: x, y, drift vx, vy, wobble phase, twinkle phase.
    this.base = new Float32Array(count * 6);
    for (let i = 0; i < count; i++) {
      const b = i * 6;
      this.base[b] = Math.random() * this.tileW;
      this.base[b + 1] = Math.random() * this.tileH;
      this.base[b + 2] = (Math.random() - 0.5) * 8;
      this.base[b + 3] = (Math.random() - 0.5) * 6 - 2;
      this.base[b + 4] = Math.random() * Math.PI * 2;
      this.base[b + 5] = Math.random() * Math.PI * 2;
      this.bobs.push(this.blitter.create(0, 0));
    }
  }

  /**
   * Places every speck for a camera centred on (camX, camY); `t` in seconds. The tile laid out
   * for the widest view stays centred on the camera whatever its zoom, so zooming scales the
   * specks about the centre like everything else. `still` (reduced motion): no drift, wobble,
   * twinkle or parallax; the specks sit still in the water.
   */
  update(camX: number, camY: number, t: number, still: boolean): void {
    const { parallax, alpha, size } = this.spec;
    const tw = this.tileW;
    const th = this.tileH;
    const left = camX - tw / 2;
    const top = camY - th / 2;
    const half = size / 2;
    const base = this.base;
    for (let i = 0; i < this.bobs.length; i++) {
      const b = i * 6;
      let u: number;
      let v: number;
      const bob = this.bobs[i];
      if (still) {
        // Where it was seeded, fixed in the world (the camera moves past it like past the tadpoles).
        u = base[b] - camX;
        v = base[b + 1] - camY;
        bob.alpha = alpha * 0.6;
      } else {
        const wobble = base[b + 4] + t * 0.5;
        u = base[b] + base[b + 2] * t + Math.sin(wobble) * 6 - camX * parallax;
        v = base[b + 1] + base[b + 3] * t + Math.cos(wobble * 0.8) * 5 - camY * parallax;
        bob.alpha = alpha * (0.6 + 0.4 * Math.sin(base[b + 5] + t * 0.9));
      }
      u -= Math.floor(u / tw) * tw;
      v -= Math.floor(v / th) * th;
      bob.x = left + u - half;
      bob.y = top + v - half;
    }
  }
}

/**
 * Soft specks drifting in the water, in layers that move at different rates as the camera
 * moves: the parallax is what makes the flat pond read as deep water. The nearest layer is
 * drawn over the tadpoles. With reduced motion they hold still: no drift, twinkle or parallax.
 */
export class Particles implements RenderLayer {
  readonly space = "world";
  readonly objects: readonly Phaser.GameObjects.GameObject[];
  private readonly layers: SpeckLayer[];

  constructor(scene: Phaser.Scene) {
    this.layers = LAYERS.map((spec) => new SpeckLayer(scene, spec));
    this.objects = this.layers.map((l) => l.blitter);
  }

  /** The specks cover the widest view the breathing camera shows. */
  resize(screen: Readonly<ScreenSize>): void {
    this.layout(screen.worldWidth / ZOOM_WIDEST, screen.worldHeight / ZOOM_WIDEST);
  }

  draw(ctx: Readonly<DrawContext>): void {
    this.update(ctx.camX, ctx.camY, ctx.seconds, ctx.still);
  }

  destroy(): void {
    for (const layer of this.layers) layer.blitter.destroy();
  }

  /** Lays the specks out for the widest view the camera shows (world units). */
  layout(worldW: number, worldH: number): void {
    for (const layer of this.layers) layer.layout(worldW, worldH);
  }

  /** Places the specks for this frame; `still` (reduced motion) holds them still. */
  update(camX: number, camY: number, t: number, still: boolean): void {
    for (let i = 0; i < this.layers.length; i++) this.layers[i].update(camX, camY, t, still);
  }
}
