import type * as Phaser from "phaser";
import { HEAD_RADIUS } from "./Textures.ts";
import type { DrawContext, RenderLayer } from "./RenderLayer.ts";

/** Lines kept per speaker: a fourth line pushes the oldest out. */
const MAX_LINES = 3;
const FADE_MS = 600;

/** How long a line stays: long enough to read it, a little longer for long lines. */
function lifetimeMs(text: string): number {
  return Math.min(10_000, 4_000 + text.length * 60);
}

interface Line {
  el: HTMLDivElement;
  text: string;
  expiresAt: number;
  fading: boolean;
}

/** One speaker's bubble: a DOM box with up to MAX_LINES lines, oldest on top. */
class Bubble {
  readonly el: HTMLDivElement;
  readonly lines: Line[] = [];
  private lastTransform = "";
  /** Rendered width in CSS px, measured when the lines change (not every frame). */
  private width = 0;
  /** Hidden until the first frame places it (so it never flashes at the corner). */
  private shown = false;

  constructor(root: HTMLElement, own: boolean) {
    this.el = document.createElement("div");
    this.el.className = own ? "bubble own" : "bubble";
    this.el.style.visibility = "hidden";
    root.appendChild(this.el);
  }

  push(text: string, now: number): void {
    const el = document.createElement("div");
    el.className = "bubble-line";
    // textContent, never innerHTML: chat is hostile input.
    el.textContent = text;
    this.el.appendChild(el);
    this.lines.push({ el, text, expiresAt: now + lifetimeMs(text), fading: false });
    // The latest speaker's bubble goes on top of any it overlaps.
    this.el.parentElement?.appendChild(this.el);
    while (this.lines.length > MAX_LINES) this.lines.shift()?.el.remove();
    this.width = 0;
  }

  /** Fades and drops expired lines; false once the bubble is empty. */
  expire(now: number): boolean {
    for (let i = this.lines.length - 1; i >= 0; i--) {
      const line = this.lines[i];
      if (now >= line.expiresAt) {
        line.el.remove();
        this.lines.splice(i, 1);
        this.width = 0;
      } else if (!line.fading && now >= line.expiresAt - FADE_MS) {
        line.fading = true;
        line.el.classList.add("fading");
      }
    }
    return this.lines.length > 0;
  }

  /** Pins the bubble's bottom centre at (x, y), kept inside a screen `screenW` wide. */
  place(x: number, y: number, screenW: number): void {
    if (!this.shown) {
      this.shown = true;
      this.el.style.visibility = "";
    }
    if (this.width === 0) this.width = this.el.offsetWidth;
    const half = this.width / 2 + 6;
    x = half * 2 >= screenW ? screenW / 2 : Math.max(half, Math.min(screenW - half, x));
    const transform = `translate(${Math.round(x)}px, ${Math.round(y)}px) translate(-50%, -100%)`;
    if (transform !== this.lastTransform) {
      this.lastTransform = transform;
      this.el.style.transform = transform;
    }
  }

  hide(): void {
    if (!this.shown) return;
    this.shown = false;
    this.el.style.visibility = "hidden";
  }

  get visible(): boolean {
    return this.shown;
  }

  destroy(): void {
    this.el.remove();
  }
}

/**
 * Speech bubbles over the speakers, as DOM boxes on top of the canvas: the browser wraps and
 * renders any script or emoji crisply, and text goes in through textContent only. Bubbles exist
 * only while someone has something to say, so positioning them per frame is cheap.
 */
export class ChatBubbles implements RenderLayer {
  /** DOM over the canvas, placed in CSS px: no Phaser objects. */
  readonly space = "screen";
  readonly objects: readonly Phaser.GameObjects.GameObject[] = [];
  private readonly root: HTMLDivElement;
  private readonly bubbles = new Map<string, Bubble>();
  /** This frame's context while draw() walks the bubbles (a bound walker: no closure per frame). */
  private ctx: Readonly<DrawContext> | undefined;
  private readonly placeOne = (bubble: Bubble, id: string): void => this.place(bubble, id);

  constructor(parent: HTMLElement) {
    this.root = document.createElement("div");
    this.root.className = "bubbles";
    parent.appendChild(this.root);
  }

  say(id: string, text: string, now: number, own: boolean): void {
    let bubble = this.bubbles.get(id);
    if (!bubble) {
      bubble = new Bubble(this.root, own);
      this.bubbles.set(id, bubble);
    }
    bubble.push(text, now);
  }

  remove(id: string): void {
    this.bubbles.get(id)?.destroy();
    this.bubbles.delete(id);
  }

  clear(): void {
    for (const bubble of this.bubbles.values()) bubble.destroy();
    this.bubbles.clear();
  }

  /** Expires lines and pins each bubble a little above its speaker's head. */
  draw(ctx: Readonly<DrawContext>): void {
    this.ctx = ctx;
    this.bubbles.forEach(this.placeOne);
    this.ctx = undefined;
  }

  destroy(): void {
    this.clear();
    this.root.remove();
  }

  private place(bubble: Bubble, id: string): void {
    const ctx = this.ctx!;
    if (!bubble.expire(ctx.timeMs)) {
      bubble.destroy();
      this.bubbles.delete(id);
      return;
    }
    const view = ctx.byId.get(id);
    if (!view || !view.onScreen) {
      bubble.hide();
      return;
    }
    const zoom = ctx.zoom;
    // The gap above the head, in CSS px.
    const lift = (HEAD_RADIUS + 10) * zoom;
    bubble.place((view.x - ctx.camX) * zoom + ctx.cssWidth / 2, (view.y - ctx.camY) * zoom + ctx.cssHeight / 2 - lift, ctx.cssWidth);
  }

  /** Texts of the lines in bubbles now on screen (the e2e test surface reads this). */
  visibleTexts(): string[] {
    const out: string[] = [];
    for (const bubble of this.bubbles.values()) {
      if (!bubble.visible) continue;
      for (const line of bubble.lines) out.push(line.text);
    }
    return out;
  }
}
