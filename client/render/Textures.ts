import type * as Phaser from "phaser";

/**
 * Every texture the pond uses is drawn once at boot with the Canvas 2D API: no image files to
 * load, and soft edges come from the canvas' own anti-aliasing and gradients, which stay smooth
 * when the GPU scales them (tails and heads are drawn larger than shown, for high-DPI screens).
 */
export const Tex = {
  head: "head",
  halo: "halo",
  tail: "tail",
  panel: "panel",
} as const;

/** World size of the head texture's square, and the head disc's radius inside it (world units). */
export const HEAD_TEXTURE_WORLD = 40;
export const HEAD_RADIUS = 8;
/** Tail texture: drawn TAIL_TEXTURE_SCALE times larger than its world width. */
export const TAIL_TEXTURE_SCALE = 4;
export const TAIL_WIDTH = 12;

function canvas(width: number, height: number): [HTMLCanvasElement, CanvasRenderingContext2D] {
  const c = document.createElement("canvas");
  c.width = width;
  c.height = height;
  const ctx = c.getContext("2d");
  if (!ctx) throw new Error("Canvas 2D is unavailable");
  return [c, ctx];
}

function add(scene: Phaser.Scene, key: string, c: HTMLCanvasElement): void {
  if (scene.textures.exists(key)) scene.textures.remove(key);
  scene.textures.addCanvas(key, c);
}

/** A white disc with a soft glow: tinted per tadpole. */
function head(scene: Phaser.Scene): void {
  const size = 128;
  const [c, ctx] = canvas(size, size);
  const mid = size / 2;
  const r = (HEAD_RADIUS / HEAD_TEXTURE_WORLD) * size;
  const glow = ctx.createRadialGradient(mid, mid, r * 0.8, mid, mid, mid);
  glow.addColorStop(0, "rgba(255,255,255,0.30)");
  glow.addColorStop(0.35, "rgba(255,255,255,0.10)");
  glow.addColorStop(1, "rgba(255,255,255,0)");
  ctx.fillStyle = glow;
  ctx.fillRect(0, 0, size, size);
  // A faint highlight toward the front-top makes the head read as a rounded body.
  const body = ctx.createRadialGradient(mid + r * 0.25, mid - r * 0.25, r * 0.1, mid, mid, r);
  body.addColorStop(0, "#ffffff");
  body.addColorStop(1, "#e6eef7");
  ctx.fillStyle = body;
  ctx.beginPath();
  ctx.arc(mid, mid, r, 0, Math.PI * 2);
  ctx.fill();
  add(scene, Tex.head, c);
}

/** A thin soft ring: marks your own tadpole without shouting. */
function halo(scene: Phaser.Scene): void {
  const size = 128;
  const [c, ctx] = canvas(size, size);
  const mid = size / 2;
  const ring = ctx.createRadialGradient(mid, mid, mid * 0.55, mid, mid, mid);
  ring.addColorStop(0, "rgba(255,255,255,0)");
  ring.addColorStop(0.55, "rgba(255,255,255,0.55)");
  ring.addColorStop(0.7, "rgba(255,255,255,0.18)");
  ring.addColorStop(1, "rgba(255,255,255,0)");
  ctx.fillStyle = ring;
  ctx.fillRect(0, 0, size, size);
  add(scene, Tex.halo, c);
}

/** A tapering strip, wide and opaque at the head end (left), thin and faint at the tip. */
function tail(scene: Phaser.Scene): void {
  const w = 256;
  const h = TAIL_WIDTH * TAIL_TEXTURE_SCALE;
  const [c, ctx] = canvas(w, h);
  const mid = h / 2;
  const half = (u: number): number => (h / 2 - 2) * Math.pow(1 - u, 0.85) + 1.2;
  ctx.beginPath();
  ctx.moveTo(0, mid - half(0));
  for (let x = 0; x <= w; x += 4) ctx.lineTo(x, mid - half(x / w));
  for (let x = w; x >= 0; x -= 4) ctx.lineTo(x, mid + half(x / w));
  ctx.closePath();
  const fade = ctx.createLinearGradient(0, 0, w, 0);
  fade.addColorStop(0, "rgba(255,255,255,1)");
  fade.addColorStop(0.55, "rgba(255,255,255,0.8)");
  fade.addColorStop(1, "rgba(255,255,255,0.25)");
  ctx.fillStyle = fade;
  ctx.fill();
  add(scene, Tex.tail, c);
}

/** A disc fading out from its centre through `stops` ([offset, colour]), `px` texels across, cached by `key`. */
function radialTexture(scene: Phaser.Scene, key: string, px: number, stops: ReadonlyArray<readonly [number, string]>): string {
  if (scene.textures.exists(key)) return key;
  const [c, ctx] = canvas(px, px);
  const mid = px / 2;
  const g = ctx.createRadialGradient(mid, mid, 0, mid, mid, mid);
  for (const [offset, colour] of stops) g.addColorStop(offset, colour);
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, px, px);
  add(scene, key, c);
  return key;
}

/**
 * A soft speck of light for the drifting particles, `size` world units across. Blitters cannot
 * scale, so each speck size has its own texture (drawn at 2x for high-DPI screens would need
 * scaling too; specks are blurry by nature, so 1 texel per unit is enough).
 */
export function moteTexture(scene: Phaser.Scene, size: number): string {
  return radialTexture(scene, `mote-${size}`, Math.max(2, Math.ceil(size)), [
    [0, "rgba(205,232,255,0.95)"],
    [0.3, "rgba(170,210,255,0.45)"],
    [1, "rgba(150,200,255,0)"],
  ]);
}

/**
 * A speck of food (a water flea), `size` world units across (one texel a unit, as the motes): a
 * warm, bright core in a faint glow, unlike the cold motes.
 */
export function speckTexture(scene: Phaser.Scene, size: number): string {
  return radialTexture(scene, `speck-${size}`, Math.max(3, Math.ceil(size)), [
    [0, "rgba(255,250,210,1)"],
    [0.25, "rgba(236,246,160,0.9)"],
    [0.5, "rgba(200,235,130,0.25)"],
    [1, "rgba(170,220,110,0)"],
  ]);
}

/** The mini-map's backdrop: a dark glassy rounded square. */
function panel(scene: Phaser.Scene): void {
  const size = 128;
  const [c, ctx] = canvas(size, size);
  ctx.beginPath();
  ctx.roundRect(2, 2, size - 4, size - 4, 14);
  ctx.fillStyle = "rgba(4,14,30,0.55)";
  ctx.fill();
  ctx.lineWidth = 2;
  ctx.strokeStyle = "rgba(160,200,240,0.22)";
  ctx.stroke();
  add(scene, Tex.panel, c);
}

export function createTextures(scene: Phaser.Scene): void {
  head(scene);
  halo(scene);
  tail(scene);
  panel(scene);
}
