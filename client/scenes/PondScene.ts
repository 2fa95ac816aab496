import * as Phaser from "phaser";
import { MAX_SPEED } from "../../shared/constants.ts";
import type { ChatBroadcast } from "../../shared/protocol.ts";
import type { PondTadpole } from "../net/tadpoles.ts";
import type { PondConnection, Pose } from "../net/PondConnection.ts";
import type { Steering } from "../input/Steering.ts";
import { ChatBubbles } from "../render/ChatBubble.ts";
import { Depth } from "../render/Depth.ts";
import { EdgeArrows } from "../render/EdgeArrows.ts";
import { FollowCamera, ZOOM_WIDEST } from "../render/FollowCamera.ts";
import { FoodLayer } from "../render/FoodLayer.ts";
import { MiniMap } from "../render/MiniMap.ts";
import { MotionPreference } from "../render/motion.ts";
import { Particles } from "../render/Particles.ts";
import { TadpoleView } from "../render/TadpoleView.ts";
import { createTextures, HEAD_RADIUS } from "../render/Textures.ts";
import { Viewport } from "../render/Viewport.ts";
import { Water } from "../render/Water.ts";
import type { ClientStats, StatsOverlay } from "../ui/StatsOverlay.ts";

/** Extra world units around the screen inside which a tadpole still counts as on screen. */
const CULL_MARGIN = 60;
/** `?perf=1`: time each update as performance.measure("pond:update") for bench:client. */
const PERF_MARKS = new URLSearchParams(location.search).get("perf") === "1";
/** Longest frame step the animation integrates (s): a background tab must not fling tails. */
const MAX_DT = 0.1;

export interface PondSceneDeps {
  steering: Steering;
  stats: StatsOverlay;
  /** Parent for DOM overlays drawn over the canvas (the chat bubbles). */
  overlay: HTMLElement;
  /** Called once the scene can take tadpoles: start joining then. */
  onReady(): void;
  /** Called every frame with your tadpole's current name (for the name field). */
  onOwnName(name: string): void;
}


/**
 * The pond: draws every tadpole the connection knows, follows yours with a lazy camera that
 * breathes with your speed (render/FollowCamera.ts) and feeds your steering to the net layer.
 * Per frame, in order: steer from input, `connection.frame()` (sends due inputs, advances
 * prediction), then read each pose and draw.
 */
export class PondScene extends Phaser.Scene {
  private readonly viewport = new Viewport();
  private hud!: Phaser.Cameras.Scene2D.Camera;
  private water!: Water;
  private particles!: Particles;
  private food!: FoodLayer;
  private arrows!: EdgeArrows;
  private minimap!: MiniMap;
  private bubbles!: ChatBubbles;

  private connection: PondConnection | undefined;
  /** Views in a flat array for allocation-free iteration, and by id for lookups. */
  private readonly views: TadpoleView[] = [];
  private readonly byId = new Map<string, TadpoleView>();
  private own: TadpoleView | undefined;
  /** One scratch pose reused for every tadpole, every frame. */
  private readonly pose: Pose = { x: 0, y: 0, angle: 0, speed: 0 };

  private readonly camera = new FollowCamera();
  private readonly motion = new MotionPreference();
  /** World point at the screen centre, and CSS px per world unit (base zoom x breathing), this frame. */
  private camX = 0;
  private camY = 0;
  private zoom = 1;
  private onScreenCount = 0;
  /**
   * The own name last handed to onOwnName: it is reported when the server's copy changes, not
   * every frame, so the old name still in the state while a rename travels is never re-reported
   * as if the player had chosen it.
   */
  private reportedName: string | undefined;
  private readonly clientStats: ClientStats = { fps: 0, tadpoles: 0, onScreen: 0 };

  constructor(private readonly deps: PondSceneDeps) {
    super({ key: "pond" });
  }

  create(): void {
    createTextures(this);
    this.viewport.measure();
    const main = this.cameras.main;
    this.hud = this.cameras.add(0, 0, this.viewport.pixelWidth, this.viewport.pixelHeight, false, "hud");
    // HUD units are CSS pixels: zoom by the DPR about the top-left corner.
    this.hud.setOrigin(0, 0);

    this.water = new Water(this);
    this.particles = new Particles(this);
    this.food = new FoodLayer(this);
    this.food.attach(this.connection?.stream.food);
    this.hud.ignore([...this.water.objects, ...this.particles.objects, this.food.blitter]);
    this.arrows = new EdgeArrows(this, Depth.hud, this.viewport.dpr);
    this.minimap = new MiniMap(this, Depth.hud);
    main.ignore([...this.arrows.objects, ...this.minimap.objects]);
    this.bubbles = new ChatBubbles(this.deps.overlay);

    this.layout();
    const unwatch = this.viewport.watch(() => this.layout());
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => {
      unwatch();
      this.motion.dispose();
    });
    this.deps.onReady();
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
    // The specks cover the widest view the breathing camera shows.
    this.particles.layout(v.worldWidth / ZOOM_WIDEST, v.worldHeight / ZOOM_WIDEST);
    this.minimap.layout(v.cssWidth, v.cssHeight);
    this.arrows.setTextResolution(v.dpr);
    for (const view of this.views) view.setTextResolution(v.dpr);
  }

  // --- What the session reports ---------------------------------------------------------

  setConnection(connection: PondConnection | undefined): void {
    this.connection = connection;
    // Before create() runs there is no layer yet; create() attaches it then.
    this.food?.attach(connection?.stream.food);
    if (!connection) this.clearTadpoles();
  }

  addTadpole(id: string, tadpole: PondTadpole): void {
    if (this.byId.has(id)) this.removeTadpole(id);
    const view = new TadpoleView(this, id, tadpole, this.viewport.dpr);
    view.forEachObject((o) => this.hud.ignore(o));
    view.onLimbs = (limbs) => this.hud.ignore(limbs);
    this.views.push(view);
    this.byId.set(id, view);
  }

  removeTadpole(id: string): void {
    const view = this.byId.get(id);
    if (!view) return;
    this.byId.delete(id);
    const i = this.views.indexOf(view);
    // Swap-remove: order does not matter, depth does the layering.
    if (i >= 0) {
      this.views[i] = this.views[this.views.length - 1];
      this.views.pop();
    }
    if (view === this.own) this.own = undefined;
    view.destroy();
    this.bubbles.remove(id);
  }

  clearTadpoles(): void {
    for (const view of this.views) view.destroy();
    this.views.length = 0;
    this.byId.clear();
    this.own = undefined;
    this.bubbles.clear();
  }

  showChat(line: ChatBroadcast): void {
    const own = line.id === this.connection?.sessionId;
    // performance.now() shares its clock with the frame time passed to update().
    this.bubbles.say(line.id, line.text, performance.now(), own);
  }

  /** Takes down what tadpole `id` has said (it was just muted). */
  dropChat(id: string): void {
    this.bubbles.remove(id);
  }

  // --- The frame ------------------------------------------------------------------------

  override update(time: number, delta: number): void {
    if (!PERF_MARKS) return this.frame(time, delta);
    const start = performance.now();
    this.frame(time, delta);
    performance.measure("pond:update", { start });
  }

  private frame(time: number, delta: number): void {
    const dt = Math.min(MAX_DT, Math.max(0, delta / 1000));
    const seconds = time / 1000;
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
    for (let i = 0; i < this.views.length; i++) {
      const view = this.views[i];
      if (connection) connection.pose(view.tadpole, pose);
      view.place(pose.x, pose.y, pose.angle, pose.speed);
    }

    this.followCamera(dt);
    const still = this.motion.reduced;
    this.water.update(dt, still);

    // What the screen shows this frame, in world units.
    const zoom = this.zoom;
    const worldW = v.cssWidth / zoom;
    const worldH = v.cssHeight / zoom;
    const halfW = worldW / 2;
    const halfH = worldH / 2;
    // Names keep their on-screen size whatever the zoom.
    const labelScale = 1 / zoom;
    let onScreen = 0;
    for (let i = 0; i < this.views.length; i++) {
      const view = this.views[i];
      const dx = Math.abs(view.x - this.camX);
      const dy = Math.abs(view.y - this.camY);
      view.onScreen = dx < halfW && dy < halfH;
      const drawn = dx < halfW + CULL_MARGIN && dy < halfH + CULL_MARGIN;
      if (drawn !== view.drawn) {
        view.drawn = drawn;
        view.setVisible(drawn);
      }
      if (drawn) view.draw(dt, seconds, labelScale);
      if (view.onScreen) onScreen++;
    }
    this.onScreenCount = onScreen;

    this.particles.update(this.camX, this.camY, seconds, still);
    this.food.update(seconds, still);
    // The radar (once a second, the whole pond) adds the crowds beyond your view to both.
    const radar = connection?.radar;
    this.arrows.update(this.views, this.camX, this.camY, v.cssWidth, v.cssHeight, zoom, radar);
    this.minimap.update(this.views, this.camX, this.camY, worldW, worldH, radar);
    this.bubbles.update(time, this.byId, this.camX, this.camY, v.cssWidth, v.cssHeight, zoom, (HEAD_RADIUS + 10) * zoom);
    const ownName = this.own?.tadpole.name;
    if (ownName !== undefined && ownName !== this.reportedName) {
      this.reportedName = ownName;
      this.deps.onOwnName(ownName);
    }
    const stats = this.deps.stats;
    if (stats.shown) {
      const c = this.clientStats;
      c.fps = this.game.loop.actualFps;
      c.tadpoles = this.views.length;
      c.onScreen = onScreen;
      stats.update(time, connection?.stats(), c);
    }
  }

  private adoptOwn(sessionId: string): void {
    const view = this.byId.get(sessionId);
    if (!view) return;
    this.own = view;
    this.reportedName = undefined;
    view.makeOwn(this, this.hud);
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

  // --- Read-only views for the e2e test hook --------------------------------------------

  get sessionId(): string | undefined {
    return this.connection?.sessionId;
  }

  get ownPose(): { x: number; y: number; angle: number; speed: number } | undefined {
    const own = this.own;
    return own ? { x: own.x, y: own.y, angle: own.angle, speed: own.speed } : undefined;
  }

  get tadpoleCount(): number {
    return this.views.length;
  }

  get visibleCount(): number {
    return this.onScreenCount;
  }

  /** The camera: world point at the screen centre and zoom (CSS px per world unit), as drawn. */
  get cameraView(): { x: number; y: number; zoom: number; baseZoom: number; reducedMotion: boolean } {
    return { x: this.camX, y: this.camY, zoom: this.zoom, baseZoom: this.viewport.viewZoom, reducedMotion: this.motion.reduced };
  }

  /** The water's hue now shown, degrees. */
  get waterHue(): number {
    return this.water.hue;
  }

  names(): string[] {
    return this.views.map((v) => v.tadpole.name);
  }

  /** The radar as last received: the grid and, per cell, the tadpoles beyond our view. */
  radarView(): { received: number; cols: number; total: number; farTotal: number; far: Array<{ cell: number; count: number }> } {
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
    const view = this.byId.get(id);
    if (!view) return undefined;
    return {
      x: view.x, y: view.y, speed: view.speed, alpha: view.alpha, drawn: view.drawn, idle: view.tadpole.idle,
      level: view.tadpole.level, size: view.drawnSize, stage: view.drawnStage,
    };
  }

  /** The food drawn now: how many specks, and where (world units). */
  foodView(): { count: number; specks: Array<{ id: number; x: number; y: number }> } {
    return { count: this.food.count, specks: this.food.positions() };
  }

  bubbleTexts(): string[] {
    return this.bubbles.visibleTexts();
  }
}
