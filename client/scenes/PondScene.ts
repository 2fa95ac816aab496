import * as Phaser from "phaser";
import { MAX_SPEED } from "../../shared/constants.ts";
import type { Pose } from "../../shared/pose.ts";
import type { ChatBroadcast } from "../../shared/protocol.ts";
import type { PondTadpole } from "../net/tadpoles.ts";
import type { NetStats, PondConnection } from "../net/PondConnection.ts";
import type { PondFeed } from "../net/PondFeed.ts";
import type { Steering } from "../input/Steering.ts";
import { ChatBubbles } from "../render/ChatBubble.ts";
import { Depth } from "../render/Depth.ts";
import { EdgeArrows } from "../render/EdgeArrows.ts";
import { FollowCamera } from "../render/FollowCamera.ts";
import { FoodLayer } from "../render/FoodLayer.ts";
import { MiniMap } from "../render/MiniMap.ts";
import { MotionPreference } from "../render/motion.ts";
import { Particles } from "../render/Particles.ts";
import type { DrawContext, RenderLayer, ScreenSize } from "../render/RenderLayer.ts";
import { TadpoleSprite } from "../render/TadpoleSprite.ts";
import { createTextures } from "../render/Textures.ts";
import { Viewport } from "../render/Viewport.ts";
import { Water } from "../render/Water.ts";

/** Extra world units around the screen inside which a tadpole still counts as on screen. */
const CULL_MARGIN = 60;
/** `?perf=1`: time each update as performance.measure("pond:update") for bench:client. */
const PERF_MARKS = new URLSearchParams(location.search).get("perf") === "1";
/** Longest frame step the animation integrates (s): a background tab must not fling tails. */
const MAX_DT = 0.1;

/** The figures the scene counts for the network overlay. */
export interface SceneStats {
  fps: number;
  tadpoles: number;
  onScreen: number;
}

/** Where the scene's own figures go (the network overlay, a DOM widget: the scene only feeds it numbers). */
export interface StatsDisplay {
  readonly shown: boolean;
  update(now: number, net: NetStats | undefined, scene: SceneStats): void;
}

export interface PondSceneDeps {
  steering: Steering;
  stats: StatsDisplay;
  /** Parent for DOM overlays drawn over the canvas (the chat bubbles). */
  overlay: HTMLElement;
  /** The page's pond events: the connection to draw, and the tadpoles coming and going. */
  feed: PondFeed;
  /** Called once the scene can take tadpoles: start joining then. */
  onReady(): void;
}

/**
 * The pond: draws every tadpole the connection knows, follows yours with a lazy camera that
 * breathes with your speed (render/FollowCamera.ts) and feeds your steering to the net layer.
 * Per frame, in order: steer from input, `connection.frame()` (sends due inputs, advances
 * prediction), read each pose, cull, then draw every render layer (render/RenderLayer.ts).
 */
export class PondScene extends Phaser.Scene {
  private readonly viewport = new Viewport();
  private hud!: Phaser.Cameras.Scene2D.Camera;
  /** Everything drawn around the tadpoles, in drawing order; the typed fields are read by the test hook. */
  private readonly layers: RenderLayer[] = [];
  private water!: Water;
  private food!: FoodLayer;
  private arrows!: EdgeArrows;
  private minimap!: MiniMap;
  private bubbles!: ChatBubbles;

  private connection: PondConnection | undefined;
  /** Tadpole sprites in a flat array for allocation-free iteration, and by session id for lookups. */
  private readonly tadpoles: TadpoleSprite[] = [];
  private readonly byId = new Map<string, TadpoleSprite>();
  private own: TadpoleSprite | undefined;
  /** One scratch pose reused for every tadpole, every frame. */
  private readonly pose: Pose = { x: 0, y: 0, angle: 0, speed: 0 };

  private readonly camera = new FollowCamera();
  private readonly motion = new MotionPreference();
  /** World point at the screen centre, and CSS px per world unit (base zoom x breathing), this frame. */
  private camX = 0;
  private camY = 0;
  private zoom = 1;
  /** Handed to every layer each frame, refilled in place. */
  private readonly drawContext: DrawContext = {
    dt: 0, timeMs: 0, seconds: 0, still: false, camX: 0, camY: 0, zoom: 1,
    cssWidth: 0, cssHeight: 0, worldWidth: 0, worldHeight: 0,
    tadpoles: this.tadpoles, byId: this.byId, radar: undefined, food: undefined,
  };
  private readonly screen: ScreenSize = { cssWidth: 0, cssHeight: 0, worldWidth: 0, worldHeight: 0, dpr: 1 };
  private readonly sceneStats: SceneStats = { fps: 0, tadpoles: 0, onScreen: 0 };

  constructor(private readonly deps: PondSceneDeps) {
    super({ key: "pond" });
  }

  create(): void {
    createTextures(this);
    this.viewport.measure();
    this.hud = this.cameras.add(0, 0, this.viewport.pixelWidth, this.viewport.pixelHeight, false, "hud");
    // HUD units are CSS pixels: zoom by the DPR about the top-left corner.
    this.hud.setOrigin(0, 0);

    // The render layers, in drawing order: a new effect is one more line here.
    this.water = this.addLayer(new Water(this));
    this.addLayer(new Particles(this));
    this.food = this.addLayer(new FoodLayer(this));
    this.arrows = this.addLayer(new EdgeArrows(this, Depth.hud, this.viewport.dpr));
    this.minimap = this.addLayer(new MiniMap(this, Depth.hud));
    this.bubbles = this.addLayer(new ChatBubbles(this.deps.overlay));

    const feed = this.deps.feed;
    const unsubscribe = [
      feed.on("connection", (connection) => this.setConnection(connection)),
      feed.on("add", (id, tadpole) => this.addTadpole(id, tadpole)),
      feed.on("remove", (id) => this.removeTadpole(id)),
    ];
    this.layout();
    const unwatch = this.viewport.watch(() => this.layout());
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => {
      for (const off of unsubscribe) off();
      unwatch();
      this.motion.dispose();
      for (const layer of this.layers.splice(0)) layer.destroy();
    });
    this.deps.onReady();
  }

  /** Registers a render layer: drawn every frame, and shown by the camera of its space only. */
  private addLayer<L extends RenderLayer>(layer: L): L {
    (layer.space === "world" ? this.hud : this.cameras.main).ignore([...layer.objects]);
    this.layers.push(layer);
    return layer;
  }

  /** Sizes the canvas in device pixels and re-fits everything to the window. */
  private layout(): void {
    const v = this.viewport;
    const scale = this.scale;
    // The canvas holds DPR x CSS pixels and is shown at CSS size (style.css pins it to the
    // window), so nothing is upscaled by the browser.
    scale.setZoom(1 / v.dpr);
    scale.resize(v.pixelWidth, v.pixelHeight);
    const main = this.cameras.main;
    this.zoom = v.viewZoom * this.camera.zoom;
    main.setSize(v.pixelWidth, v.pixelHeight).setZoom(v.dpr * this.zoom);
    this.hud.setSize(v.pixelWidth, v.pixelHeight).setZoom(v.dpr);
    const screen = this.screen;
    screen.cssWidth = v.cssWidth;
    screen.cssHeight = v.cssHeight;
    screen.worldWidth = v.worldWidth;
    screen.worldHeight = v.worldHeight;
    screen.dpr = v.dpr;
    for (const layer of this.layers) layer.resize?.(screen);
    for (const tadpole of this.tadpoles) tadpole.setTextResolution(v.dpr);
  }

  // --- What the feed reports --------------------------------------------------------------

  private setConnection(connection: PondConnection | undefined): void {
    this.connection = connection;
    if (!connection) this.clearTadpoles();
  }

  private addTadpole(id: string, tadpole: PondTadpole): void {
    if (this.byId.has(id)) this.removeTadpole(id);
    const sprite = new TadpoleSprite(this, id, tadpole, this.viewport.dpr);
    sprite.forEachObject((o) => this.hud.ignore(o));
    sprite.onLimbs = (limbs) => this.hud.ignore(limbs);
    this.tadpoles.push(sprite);
    this.byId.set(id, sprite);
  }

  private removeTadpole(id: string): void {
    const sprite = this.byId.get(id);
    if (!sprite) return;
    this.byId.delete(id);
    const i = this.tadpoles.indexOf(sprite);
    // Swap-remove: order does not matter, depth does the layering.
    if (i >= 0) {
      this.tadpoles[i] = this.tadpoles[this.tadpoles.length - 1];
      this.tadpoles.pop();
    }
    if (sprite === this.own) this.own = undefined;
    sprite.destroy();
    this.bubbles.remove(id);
  }

  private clearTadpoles(): void {
    for (const sprite of this.tadpoles) sprite.destroy();
    this.tadpoles.length = 0;
    this.byId.clear();
    this.own = undefined;
    this.bubbles.clear();
  }

  /** Puts a chat line in a bubble over its speaker (the page decides which lines: mutes). */
  showChat(line: ChatBroadcast): void {
    const own = line.id === this.connection?.sessionId;
    // performance.now() shares its clock with the frame time passed to update().
    this.bubbles.say(line.id, line.text, performance.now(), own);
  }

  /** Takes down what tadpole `id` has said (it was just muted). */
  dropChat(id: string): void {
    this.bubbles.remove(id);
  }

  // --- The render frame ---------------------------------------------------------------------

  override update(time: number, delta: number): void {
    if (!PERF_MARKS) return this.render(time, delta);
    const start = performance.now();
    this.render(time, delta);
    performance.measure("pond:update", { start });
  }

  private render(time: number, delta: number): void {
    const dt = Math.min(MAX_DT, Math.max(0, delta / 1000));
    const v = this.viewport;
    const connection = this.connection;

    if (connection) {
      // Steer from where your tadpole was drawn last frame, then let the net layer send the
      // inputs due and advance prediction BEFORE any pose is read.
      const own = this.own;
      const ownScreenX = own ? (own.x - this.camX) * this.zoom + v.cssWidth / 2 : v.cssWidth / 2;
      const ownScreenY = own ? (own.y - this.camY) * this.zoom + v.cssHeight / 2 : v.cssHeight / 2;
      connection.frame(time, this.deps.steering.compute(ownScreenX, ownScreenY, own ? own.angle : 0));
      if (!own) this.adoptOwn(connection.sessionId);
    }

    // Poses first (all tadpoles: arrows and the mini-map need the off-screen ones too).
    const pose = this.pose;
    const tadpoles = this.tadpoles;
    for (let i = 0; i < tadpoles.length; i++) {
      const sprite = tadpoles[i];
      if (connection) connection.pose(sprite.tadpole, pose);
      sprite.place(pose.x, pose.y, pose.angle, pose.speed);
    }

    this.followCamera(dt);

    // What the screen shows this frame, in world units.
    const zoom = this.zoom;
    const ctx = this.drawContext;
    ctx.dt = dt;
    ctx.timeMs = time;
    ctx.seconds = time / 1000;
    ctx.still = this.motion.reduced;
    ctx.camX = this.camX;
    ctx.camY = this.camY;
    ctx.zoom = zoom;
    ctx.cssWidth = v.cssWidth;
    ctx.cssHeight = v.cssHeight;
    ctx.worldWidth = v.cssWidth / zoom;
    ctx.worldHeight = v.cssHeight / zoom;
    // The radar (once a second, the whole pond) adds the crowds beyond your view to arrows and map.
    ctx.radar = connection?.radar;
    ctx.food = connection?.stream.food;

    const onScreen = this.cull(ctx);
    for (let i = 0; i < this.layers.length; i++) this.layers[i].draw(ctx);

    const stats = this.deps.stats;
    if (stats.shown) {
      const c = this.sceneStats;
      c.fps = this.game.loop.actualFps;
      c.tadpoles = tadpoles.length;
      c.onScreen = onScreen;
      stats.update(time, connection?.stats(), c);
    }
  }

  /** Marks which tadpoles are on screen, shows those near it and draws them. Returns how many are on screen. */
  private cull(ctx: Readonly<DrawContext>): number {
    const halfW = ctx.worldWidth / 2;
    const halfH = ctx.worldHeight / 2;
    // Names keep their on-screen size whatever the zoom.
    const labelScale = 1 / ctx.zoom;
    const tadpoles = this.tadpoles;
    let onScreen = 0;
    for (let i = 0; i < tadpoles.length; i++) {
      const sprite = tadpoles[i];
      const dx = Math.abs(sprite.x - ctx.camX);
      const dy = Math.abs(sprite.y - ctx.camY);
      sprite.onScreen = dx < halfW && dy < halfH;
      const drawn = dx < halfW + CULL_MARGIN && dy < halfH + CULL_MARGIN;
      if (drawn !== sprite.drawn) {
        sprite.drawn = drawn;
        sprite.setVisible(drawn);
      }
      if (drawn) sprite.draw(ctx.dt, ctx.seconds, labelScale);
      if (sprite.onScreen) onScreen++;
    }
    return onScreen;
  }

  private adoptOwn(sessionId: string): void {
    const sprite = this.byId.get(sessionId);
    if (!sprite) return;
    this.own = sprite;
    sprite.makeOwn(this, this.hud);
    this.camera.reset();
  }

  /** Eases the camera after your tadpole (and its zoom toward your speed's), then applies it. */
  private followCamera(dt: number): void {
    const own = this.own;
    const v = this.viewport;
    const camera = this.camera;
    if (own) {
      camera.update(dt, own.x, own.y, own.speed / MAX_SPEED, this.motion.reduced, v.viewZoom, v.cssWidth / 2, v.cssHeight / 2);
    }
    this.camX = camera.x;
    this.camY = camera.y;
    this.zoom = v.viewZoom * camera.zoom;
    const main = this.cameras.main;
    if (main.zoom !== v.dpr * this.zoom) main.setZoom(v.dpr * this.zoom);
    main.centerOn(this.camX, this.camY);
  }

  // --- Read-only reports for the e2e test hook ----------------------------------------------

  get sessionId(): string | undefined {
    return this.connection?.sessionId;
  }

  get ownPose(): Pose | undefined {
    const own = this.own;
    return own ? { x: own.x, y: own.y, angle: own.angle, speed: own.speed } : undefined;
  }

  get tadpoleCount(): number {
    return this.tadpoles.length;
  }

  /** The camera: world point at the screen centre and zoom (CSS px per world unit), as drawn. */
  get cameraShown(): { x: number; y: number; zoom: number; baseZoom: number; reducedMotion: boolean } {
    return { x: this.camX, y: this.camY, zoom: this.zoom, baseZoom: this.viewport.viewZoom, reducedMotion: this.motion.reduced };
  }

  /** The water's hue now shown, degrees. */
  get waterHue(): number {
    return this.water.hue;
  }

  names(): string[] {
    return this.tadpoles.map((s) => s.tadpole.name);
  }

  /** The radar as last received: the grid and, per cell, the tadpoles beyond our view. */
  radarReport(): { received: number; cols: number; total: number; farTotal: number; far: Array<{ cell: number; count: number }> } {
    const radar = this.connection?.radar;
    if (!radar) return { received: 0, cols: 0, total: 0, farTotal: 0, far: [] };
    return {
      received: radar.received,
      cols: radar.cols,
      total: radar.total,
      farTotal: radar.farTotal,
      far: radar.farCells.map((cell) => ({ cell, count: radar.far[cell] })),
    };
  }

  /** The arrows toward far crowds drawn this frame (CSS px). */
  crowdArrows(): Array<{ x: number; y: number; angle: number; count: number }> {
    return this.arrows.drawnCrowd.map((a) => ({ ...a }));
  }

  /** Where the mini-map is drawn (CSS px). */
  get miniMapArea(): { left: number; top: number; size: number; pad: number } {
    return this.minimap.area;
  }

  /** Tadpole `id` as drawn this frame: where, how fast, the alpha its head is drawn with, and whether the pond has it idle. */
  look(id: string): { x: number; y: number; speed: number; alpha: number; drawn: boolean; idle: boolean; level: number; size: number; stage: string } | undefined {
    const sprite = this.byId.get(id);
    if (!sprite) return undefined;
    return {
      x: sprite.x, y: sprite.y, speed: sprite.speed, alpha: sprite.alpha, drawn: sprite.drawn, idle: sprite.tadpole.idle,
      level: sprite.tadpole.level, size: sprite.drawnSize, stage: sprite.drawnStage,
    };
  }

  /** The food drawn now: how many specks, and where (world units). */
  foodReport(): { count: number; specks: Array<{ id: number; x: number; y: number }> } {
    return { count: this.food.count, specks: this.food.positions() };
  }

  bubbleTexts(): string[] {
    return this.bubbles.visibleTexts();
  }
}
