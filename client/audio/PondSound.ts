import { playBlip, startWater, type Voice } from "./voices.ts";

/** Where the player's choice is remembered: "on" or "off". */
export const SOUND_STORAGE_KEY = "tadpole-pond.sound";

/** Blips closer together than this (s) are one: a chatty crowd must not rattle. */
export const MIN_BLIP_GAP = 0.15;
/** The blip's starting pitch, Hz, varied by ±8 % each time so repeats do not sound mechanical. */
const BLIP_PITCH = 520;
/** Time constants of the fades, s: in gently, out quickly. */
const FADE_IN = 0.25;
const FADE_OUT = 0.06;
/** After fading out, the context is suspended (no audio thread work) this much later, ms. */
const SUSPEND_AFTER_MS = 400;

/**
 * The input events a browser counts as the player's own gesture, which lets a page start
 * audio (Chromium's user activation: key presses, mouse presses, the end of a touch).
 */
const GESTURES = ["pointerdown", "pointerup", "keydown", "touchend", "click"] as const;

type Store = Pick<Storage, "getItem" | "setItem">;

export interface PondSoundDeps {
  /** Where the choice is remembered (default localStorage; undefined or throwing: this visit only). */
  storage?: Store;
  /** Makes the AudioContext (default: the browser's); undefined where there is no Web Audio. */
  createContext?: (() => AudioContext) | undefined;
  /** Where the player's gestures arrive (default window). */
  gestures?: EventTarget;
  /** The page, for its visibility (default document). */
  page?: EventTarget & { readonly hidden: boolean };
}

function localStorageOrNothing(): Store | undefined {
  try {
    return typeof localStorage === "undefined" ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

/** The browser's AudioContext (or Safari's older prefixed one), if it has Web Audio at all. */
export function browserAudioContext(): (() => AudioContext) | undefined {
  if (typeof window === "undefined") return undefined;
  const Ctor = window.AudioContext ?? (window as Window & { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  return typeof Ctor === "function" ? () => new Ctor() : undefined;
}

/**
 * The pond's sound: soft water, and a blip when a chat line arrives from a tadpole on screen.
 * Off until the player turns it on, on every device (docs/feel.md, "Sound"); the choice is
 * remembered. No AudioContext exists until then, so a player who never asks for sound never
 * has an audio thread running. Browsers start audio only from a gesture: turning it on is one
 * (the button's click), and when a remembered "on" comes back with a later visit the water
 * starts with the player's first key or press. A hidden tab is silent (suspended).
 * Never throws: without Web Audio (or if the browser refuses a context) it simply stays off.
 */
export class PondSound {
  /** Whether this browser can play the pond's sound at all (the button is offered only then). */
  readonly available: boolean;
  private enabled: boolean;
  private ctx: AudioContext | undefined;
  private master: GainNode | undefined;
  private water: Voice | undefined;
  private lastBlip = -Infinity;
  private suspendTimer: ReturnType<typeof setTimeout> | undefined;
  private armed = false;
  private readonly listeners = new Set<(on: boolean) => void>();
  private readonly storage: Store | undefined;
  private readonly createContext: (() => AudioContext) | undefined;
  private readonly gestures: EventTarget | undefined;
  private readonly page: (EventTarget & { readonly hidden: boolean }) | undefined;
  private readonly onGesture = (): void => this.wake();
  private readonly onVisibility = (): void => this.visibilityChanged();

  constructor(deps: PondSoundDeps = {}) {
    this.storage = "storage" in deps ? deps.storage : localStorageOrNothing();
    this.createContext = "createContext" in deps ? deps.createContext : browserAudioContext();
    this.gestures = deps.gestures ?? (typeof window === "undefined" ? undefined : window);
    this.page = deps.page ?? (typeof document === "undefined" ? undefined : document);
    this.available = this.createContext !== undefined;
    let stored: string | null = null;
    try {
      stored = this.storage?.getItem(SOUND_STORAGE_KEY) ?? null;
    } catch {
      stored = null;
    }
    this.enabled = this.available && stored === "on";
    this.page?.addEventListener("visibilitychange", this.onVisibility);
    // A remembered "on": the water starts with the first gesture (the browser wants one).
    if (this.enabled) this.arm();
  }

  /** Whether the player has sound on (it may still wait for a gesture to start). */
  get on(): boolean {
    return this.enabled;
  }

  /** Whether sound is coming out now: on, and the browser's audio running. */
  get playing(): boolean {
    return this.enabled && this.ctx?.state === "running";
  }

  /** Calls `listener` whenever sound is turned on or off; returns a function that stops it. */
  onChange(listener: (on: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Turns sound on or off, and remembers it. Call it from the player's gesture (a click): that
   * is what lets the browser start the audio.
   */
  set(on: boolean): void {
    if (!this.available || on === this.enabled) return;
    this.enabled = on;
    try {
      this.storage?.setItem(SOUND_STORAGE_KEY, on ? "on" : "off");
    } catch {
      // Not remembering is fine: the choice holds for this visit.
    }
    if (on) this.wake();
    else this.sleep();
    // A wake() that found Web Audio refusing has turned it off again and said so.
    if (this.enabled === on) this.notify();
  }

  toggle(): void {
    this.set(!this.enabled);
  }

  /** A chat line arrived from a tadpole on screen: one soft blip, if sound is on. */
  blip(): void {
    const ctx = this.ctx;
    if (!this.playing || !ctx || !this.master) return;
    const now = ctx.currentTime;
    if (now - this.lastBlip < MIN_BLIP_GAP) return;
    this.lastBlip = now;
    try {
      playBlip(ctx, this.master, now + 0.005, BLIP_PITCH * (1 + (Math.random() - 0.5) * 0.16));
    } catch {
      // A blip is never worth an error.
    }
  }

  /** Stops listening and closes the audio (the page is going away, or a test is done). */
  dispose(): void {
    this.disarm();
    this.page?.removeEventListener("visibilitychange", this.onVisibility);
    clearTimeout(this.suspendTimer);
    this.water?.stop();
    this.water = undefined;
    void this.ctx?.close().catch(() => undefined);
    this.ctx = undefined;
    this.master = undefined;
    this.listeners.clear();
  }

  /** Sound is on: make sure the context exists and runs, and fade the master in. */
  private wake(): void {
    if (!this.enabled) return;
    clearTimeout(this.suspendTimer);
    this.suspendTimer = undefined;
    if (!this.ctx && !this.build()) {
      // The browser would not give us audio: off, and not remembered as on.
      this.enabled = false;
      this.disarm();
      try {
        this.storage?.setItem(SOUND_STORAGE_KEY, "off");
      } catch {
        // Fine.
      }
      this.notify();
      return;
    }
    const ctx = this.ctx!;
    this.fadeTo(1, FADE_IN);
    if (this.page?.hidden) return;
    if (ctx.state === "running") {
      this.disarm();
      return;
    }
    // Until it runs, every gesture tries again (a browser may want a "better" one).
    this.arm();
    try {
      void ctx.resume().then(() => {
        if (ctx.state === "running" && this.enabled) this.disarm();
      }, () => undefined);
    } catch {
      // Stays armed.
    }
  }

  /** Sound is off: fade out, then suspend the context (kept for the next time). */
  private sleep(): void {
    this.disarm();
    const ctx = this.ctx;
    if (!ctx) return;
    this.fadeTo(0, FADE_OUT);
    clearTimeout(this.suspendTimer);
    this.suspendTimer = setTimeout(() => {
      this.suspendTimer = undefined;
      if (!this.enabled && ctx.state === "running") void ctx.suspend().catch(() => undefined);
    }, SUSPEND_AFTER_MS);
  }

  /** Creates the context, the master gain and the water; false if the browser refused. */
  private build(): boolean {
    try {
      const ctx = this.createContext!();
      const master = ctx.createGain();
      master.gain.value = 0;
      master.connect(ctx.destination);
      // The system may stop our audio (a phone call, another app): the next gesture restarts it.
      ctx.addEventListener?.("statechange", () => {
        if (this.enabled && ctx === this.ctx && ctx.state !== "running" && !this.page?.hidden) this.arm();
      });
      this.ctx = ctx;
      this.master = master;
      this.water = startWater(ctx, master);
      return true;
    } catch {
      void this.ctx?.close().catch(() => undefined);
      this.ctx = undefined;
      this.master = undefined;
      this.water = undefined;
      return false;
    }
  }

  private notify(): void {
    for (const listener of this.listeners) listener(this.enabled);
  }

  private fadeTo(level: number, timeConstant: number): void {
    const ctx = this.ctx;
    const gain = this.master?.gain;
    if (!ctx || !gain) return;
    const now = ctx.currentTime;
    gain.cancelScheduledValues(now);
    gain.setValueAtTime(gain.value, now);
    gain.setTargetAtTime(level, now, timeConstant);
  }

  private visibilityChanged(): void {
    const ctx = this.ctx;
    if (!ctx) return;
    if (this.page?.hidden) {
      if (ctx.state === "running") void ctx.suspend().catch(() => undefined);
    } else if (this.enabled) {
      this.wake();
    }
  }

  private arm(): void {
    if (this.armed || !this.gestures) return;
    this.armed = true;
    for (const type of GESTURES) this.gestures.addEventListener(type, this.onGesture, { capture: true, passive: true });
  }

  private disarm(): void {
    if (!this.armed || !this.gestures) return;
    this.armed = false;
    for (const type of GESTURES) this.gestures.removeEventListener(type, this.onGesture, { capture: true });
  }
}
