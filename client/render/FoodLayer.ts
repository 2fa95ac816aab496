import type * as Phaser from "phaser";
import { SPECK_RADIUS } from "../../shared/growth.ts";
import type { FoodHoldings, HeldSpeck } from "../../shared/stream/food.ts";
import { Depth } from "./Depth.ts";
import type { DrawContext, RenderLayer } from "./RenderLayer.ts";
import { speckTexture } from "./Textures.ts";

/** Drawn size of a speck's texture (world units): its glow reaches a little past its radius. */
const SPECK_SIZE = SPECK_RADIUS * 3.5;
/** How far a speck wanders around where it really is (world units): alive, but where you'd reach for it. */
const WANDER = 1.5;

/**
 * The food the server sent (the watched cells' specks, shared/stream/food.ts): one Blitter (one
 * draw call for all of them), a bob per speck made when it arrives and freed when it is eaten or
 * its cell leaves view. Each wanders a little and pulses, on its own phase, so the pond's water
 * fleas look alive; with reduced motion they hold still.
 */
export class FoodLayer implements RenderLayer {
  readonly space = "world";
  readonly objects: readonly Phaser.GameObjects.GameObject[];
  private readonly blitter: Phaser.GameObjects.Blitter;
  /** Specks and their bobs in flat arrays (swap-remove), for allocation-free frames. */
  private readonly specks: HeldSpeck[] = [];
  private readonly bobs: Phaser.GameObjects.Bob[] = [];
  private readonly index = new Map<number, number>();
  private food: FoodHoldings | undefined;

  constructor(scene: Phaser.Scene) {
    this.blitter = scene.add.blitter(0, 0, speckTexture(scene, SPECK_SIZE)).setDepth(Depth.food);
    this.objects = [this.blitter];
  }

  /** How many specks are drawn now (tests read it). */
  get count(): number {
    return this.specks.length;
  }

  /** Where each drawn speck is, in world units (tests read it). */
  positions(): Array<{ id: number; x: number; y: number }> {
    return this.specks.map((s) => ({ id: s.id, x: s.x, y: s.y }));
  }

  /** Draws the specks of `food` from now on (undefined: none, between ponds). */
  private attach(food: FoodHoldings | undefined): void {
    if (food === this.food) return;
    if (this.food) {
      this.food.onAdd = undefined;
      this.food.onRemove = undefined;
    }
    this.blitter.clear();
    this.specks.length = 0;
    this.bobs.length = 0;
    this.index.clear();
    this.food = food;
    if (!food) return;
    for (const speck of food.specks.values()) this.add(speck);
    food.onAdd = (speck) => this.add(speck);
    food.onRemove = (speck) => this.remove(speck);
  }

  /** Follows the pond's food (a new pond brings new holdings) and places every speck for this frame. */
  draw(ctx: Readonly<DrawContext>): void {
    if (ctx.food !== this.food) this.attach(ctx.food);
    const t = ctx.seconds;
    const still = ctx.still;
    const half = SPECK_SIZE / 2;
    for (let i = 0; i < this.specks.length; i++) {
      const speck = this.specks[i];
      const bob = this.bobs[i];
      const phase = speck.id * 2.399; // the golden angle: neighbours' phases differ
      if (still) {
        bob.x = speck.x - half;
        bob.y = speck.y - half;
        bob.alpha = 0.8;
        continue;
      }
      bob.x = speck.x - half + Math.sin(t * 1.3 + phase) * WANDER;
      bob.y = speck.y - half + Math.cos(t * 1.1 + phase * 1.7) * WANDER;
      bob.alpha = 0.6 + 0.3 * Math.sin(t * 2.1 + phase);
    }
  }

  destroy(): void {
    this.attach(undefined);
    this.blitter.destroy();
  }

  private add(speck: HeldSpeck): void {
    if (this.index.has(speck.id)) this.remove(speck);
    this.index.set(speck.id, this.specks.length);
    this.specks.push(speck);
    this.bobs.push(this.blitter.create(speck.x - SPECK_SIZE / 2, speck.y - SPECK_SIZE / 2));
  }

  private remove(speck: HeldSpeck): void {
    const i = this.index.get(speck.id);
    if (i === undefined) return;
    this.index.delete(speck.id);
    this.bobs[i].destroy();
    const last = this.specks.length - 1;
    if (i !== last) {
      this.specks[i] = this.specks[last];
      this.bobs[i] = this.bobs[last];
      this.index.set(this.specks[i].id, i);
    }
    this.specks.pop();
    this.bobs.pop();
  }
}
