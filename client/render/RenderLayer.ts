import type * as Phaser from "phaser";
import type { FoodHoldings } from "../../shared/stream/food.ts";
import type { RadarView } from "../net/radar.ts";
import type { TadpoleSprite } from "./TadpoleSprite.ts";

/**
 * The contract between PondScene and what it draws around the tadpoles (water, specks, food,
 * arrows, the mini-map, chat bubbles). The scene registers each layer once (PondScene.create:
 * `this.addLayer(new Water(this))`) and each frame hands every layer the same DrawContext,
 * refilled in place: adding an effect is one file that implements RenderLayer plus that one line.
 */
export interface RenderLayer {
  /** Where its objects live: "world" (pond units, under the following camera) or "screen" (CSS px, the HUD). */
  readonly space: "world" | "screen";
  /** Its Phaser objects, made up front: the other camera is told to ignore them. */
  readonly objects: readonly Phaser.GameObjects.GameObject[];
  /** Draws this frame. Read `ctx` now; it is refilled next frame (never keep it). Allocates nothing. */
  draw(ctx: Readonly<DrawContext>): void;
  /** The window changed size (and once at start). */
  resize?(screen: Readonly<ScreenSize>): void;
  destroy(): void;
}

/** The screen in CSS pixels and the world units it shows at the base zoom. */
export interface ScreenSize {
  cssWidth: number;
  cssHeight: number;
  worldWidth: number;
  worldHeight: number;
  dpr: number;
}

/** One render frame, as every layer sees it: one object the scene refills, never reallocates. */
export interface DrawContext {
  /** Seconds since the last frame (capped: a background tab must not fling tails). */
  dt: number;
  /** The scene clock: ms (performance.now()'s clock) and s. */
  timeMs: number;
  seconds: number;
  /** Reduced motion: hold drifting things still. */
  still: boolean;
  /** World point at the screen centre, and CSS px per world unit. */
  camX: number;
  camY: number;
  zoom: number;
  /** The screen, CSS px, and what it shows, world units. */
  cssWidth: number;
  cssHeight: number;
  worldWidth: number;
  worldHeight: number;
  /** Every tadpole known (ours too), placed and culled for this frame; and the same by session id. */
  tadpoles: readonly TadpoleSprite[];
  byId: ReadonlyMap<string, TadpoleSprite>;
  /** The whole pond, coarsely (once a second); undefined while not in a pond. */
  radar: RadarView | undefined;
  /** The food specks the server sent; undefined while not in a pond. */
  food: FoodHoldings | undefined;
}
