import { afterEach, describe, expect, it, vi } from "vitest";
import { MIN_BLIP_GAP, PondSound, SOUND_STORAGE_KEY, type PondSoundDeps } from "../../client/audio/PondSound.ts";
import { BLIP_LEVEL } from "../../client/audio/voices.ts";

/**
 * The pond's sound (client/audio/) without a browser: a stand-in AudioContext that records what
 * is built, started, resumed and suspended, bare EventTargets for the gestures and the page.
 * The browser test (tests/e2e/ui.test.ts) listens to the real thing.
 */
class FakeParam {
  target: number | undefined;
  readonly calls: string[] = [];
  constructor(public value = 1) {}
  setValueAtTime(v: number): this { this.calls.push(`set ${v}`); return this; }
  linearRampToValueAtTime(v: number): this { this.calls.push(`linear ${v}`); return this; }
  exponentialRampToValueAtTime(v: number): this { this.calls.push(`exp ${v}`); return this; }
  setTargetAtTime(v: number): this { this.target = v; this.calls.push(`target ${v}`); return this; }
  cancelScheduledValues(): this { return this; }
}

class FakeNode {
  readonly outputs: unknown[] = [];
  connect<T>(node: T): T { this.outputs.push(node); return node; }
  disconnect(): void { this.outputs.length = 0; }
}

class FakeSource extends FakeNode {
  started = false;
  stopped = false;
  loop = false;
  buffer: unknown;
  type = "sine";
  onended: (() => void) | null = null;
  readonly frequency = new FakeParam(440);
  start(): void { this.started = true; }
  stop(): void { this.stopped = true; }
}

class FakeGain extends FakeNode {
  readonly gain = new FakeParam(1);
}

class FakeContext extends EventTarget {
  state: "suspended" | "running" | "closed" = "suspended";
  currentTime = 0;
  readonly sampleRate = 8000;
  readonly destination = new FakeNode();
  resumes = 0;
  suspends = 0;
  /** Whether resume() succeeds (a browser without the player's gesture keeps it suspended). */
  allowStart = true;
  readonly gains: FakeGain[] = [];
  readonly oscillators: FakeSource[] = [];
  readonly noises: FakeSource[] = [];
  createGain(): FakeGain { const g = new FakeGain(); this.gains.push(g); return g; }
  createBuffer(_channels: number, length: number): { getChannelData(): Float32Array } {
    const data = new Float32Array(length);
    return { getChannelData: () => data };
  }
  createBufferSource(): FakeSource { const s = new FakeSource(); this.noises.push(s); return s; }
  createBiquadFilter(): FakeNode & { type: string; frequency: FakeParam; Q: FakeParam } {
    return Object.assign(new FakeNode(), { type: "lowpass", frequency: new FakeParam(350), Q: new FakeParam(1) });
  }
  createOscillator(): FakeSource { const o = new FakeSource(); this.oscillators.push(o); return o; }
  resume(): Promise<void> {
    this.resumes++;
    if (this.allowStart) this.setState("running");
    return Promise.resolve();
  }
  suspend(): Promise<void> { this.suspends++; this.setState("suspended"); return Promise.resolve(); }
  close(): Promise<void> { this.setState("closed"); return Promise.resolve(); }
  setState(state: FakeContext["state"]): void {
    if (state === this.state) return;
    this.state = state;
    this.dispatchEvent(new Event("statechange"));
  }
  /** The master gain: the first gain built, connected to the speakers. */
  get master(): FakeGain { return this.gains[0]; }
  /** Blips: oscillators that are not the water's LFOs (these run below 1 Hz). */
  get blips(): FakeSource[] { return this.oscillators.filter((o) => o.frequency.calls.length > 0); }
}

function memoryStorage(initial: Record<string, string> = {}): Pick<Storage, "getItem" | "setItem"> & { data: Record<string, string> } {
  const data = { ...initial };
  return { data, getItem: (k) => data[k] ?? null, setItem: (k, v) => { data[k] = v; } };
}

interface Rig {
  sound: PondSound;
  contexts: FakeContext[];
  gestures: EventTarget;
  page: EventTarget & { hidden: boolean };
  storage: ReturnType<typeof memoryStorage>;
  gesture(type?: string): void;
}

const sounds: PondSound[] = [];

function rig(stored?: string, deps: Partial<PondSoundDeps> = {}, setup: (ctx: FakeContext) => void = () => undefined): Rig {
  const contexts: FakeContext[] = [];
  const gestures = new EventTarget();
  const page = Object.assign(new EventTarget(), { hidden: false });
  const storage = memoryStorage(stored === undefined ? {} : { [SOUND_STORAGE_KEY]: stored });
  const sound = new PondSound({
    storage,
    gestures,
    page,
    createContext: () => {
      const ctx = new FakeContext();
      setup(ctx);
      contexts.push(ctx);
      return ctx as unknown as AudioContext;
    },
    ...deps,
  });
  sounds.push(sound);
  return { sound, contexts, gestures, page, storage, gesture: (type = "pointerdown") => gestures.dispatchEvent(new Event(type)) };
}

/** Lets resume()'s promise settle. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  for (const sound of sounds.splice(0)) sound.dispose();
  vi.useRealTimers();
});

describe("PondSound", () => {
  it("is off until asked for: no audio at all, however much the player presses and types", async () => {
    const r = rig();
    expect(r.sound.available).toBe(true);
    expect(r.sound.on).toBe(false);
    for (const type of ["pointerdown", "pointerup", "keydown", "touchend", "click"]) r.gesture(type);
    await settle();
    expect(r.contexts).toHaveLength(0);
    // A chat line does not make a sound either.
    r.sound.blip();
    expect(r.contexts).toHaveLength(0);
    expect(r.storage.data[SOUND_STORAGE_KEY]).toBeUndefined();
  });

  it("turned on (in the button's click): starts the water, fades in, remembers, tells listeners", async () => {
    const r = rig();
    const told: boolean[] = [];
    r.sound.onChange((on) => told.push(on));
    r.sound.set(true);
    await settle();
    expect(r.contexts).toHaveLength(1);
    const ctx = r.contexts[0];
    expect(ctx.resumes).toBe(1);
    expect(r.sound.playing).toBe(true);
    expect(ctx.master.outputs).toEqual([ctx.destination]);
    expect(ctx.master.gain.target).toBe(1);
    // The water: looped noise, playing.
    expect(ctx.noises.length).toBeGreaterThan(0);
    expect(ctx.noises.every((n) => n.loop && n.started)).toBe(true);
    expect(r.storage.data[SOUND_STORAGE_KEY]).toBe("on");
    expect(told).toEqual([true]);
  });

  it("a remembered \"on\" waits for the first gesture (the browser's rule), then plays, and stops listening", async () => {
    const r = rig("on");
    expect(r.sound.on).toBe(true);
    expect(r.contexts).toHaveLength(0);
    r.gesture("keydown");
    await settle();
    expect(r.contexts).toHaveLength(1);
    expect(r.sound.playing).toBe(true);
    const resumes = r.contexts[0].resumes;
    r.gesture("pointerdown");
    await settle();
    expect(r.contexts).toHaveLength(1);
    expect(r.contexts[0].resumes).toBe(resumes);
  });

  it("keeps trying at every gesture while the browser refuses to start it", async () => {
    let refuse = true;
    const r = rig("on", {}, (ctx) => { ctx.allowStart = !refuse; });
    r.gesture("keydown");
    await settle();
    expect(r.sound.playing).toBe(false);
    r.contexts[0].allowStart = true;
    refuse = false;
    r.gesture("pointerup");
    await settle();
    expect(r.contexts).toHaveLength(1);
    expect(r.sound.playing).toBe(true);
  });

  it("a blip for a chat line: one soft rising note, never two within MIN_BLIP_GAP", async () => {
    const r = rig();
    r.sound.set(true);
    await settle();
    const ctx = r.contexts[0];
    r.sound.blip();
    expect(ctx.blips).toHaveLength(1);
    const blip = ctx.blips[0];
    expect(blip.started && blip.stopped).toBe(true);
    // It rises, and it is soft.
    expect(blip.frequency.calls[0]).toMatch(/^set /);
    const [from, to] = blip.frequency.calls.map((c) => Number(c.split(" ")[1]));
    expect(to).toBeGreaterThan(from);
    expect((blip.outputs[0] as FakeGain).gain.calls).toContain(`linear ${BLIP_LEVEL}`);
    expect(BLIP_LEVEL).toBeLessThanOrEqual(0.2);
    // It goes into the master (so it fades and mutes with everything else).
    expect((blip.outputs[0] as FakeGain).outputs).toEqual([ctx.master]);
    ctx.currentTime += MIN_BLIP_GAP / 2;
    r.sound.blip();
    expect(ctx.blips).toHaveLength(1);
    ctx.currentTime += MIN_BLIP_GAP;
    r.sound.blip();
    expect(ctx.blips).toHaveLength(2);
  });

  it("turned off: fades out, then suspends the audio, remembers, and blips no more", async () => {
    vi.useFakeTimers();
    const r = rig();
    r.sound.set(true);
    await vi.advanceTimersByTimeAsync(0);
    const ctx = r.contexts[0];
    r.sound.set(false);
    expect(ctx.master.gain.target).toBe(0);
    expect(r.storage.data[SOUND_STORAGE_KEY]).toBe("off");
    await vi.advanceTimersByTimeAsync(1000);
    expect(ctx.suspends).toBe(1);
    expect(ctx.state).toBe("suspended");
    ctx.currentTime += 1;
    r.sound.blip();
    expect(ctx.blips).toHaveLength(0);
    // And on again: the same context, resumed (browsers limit how many a page may make).
    r.sound.set(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(r.contexts).toHaveLength(1);
    expect(ctx.state).toBe("running");
    expect(ctx.master.gain.target).toBe(1);
  });

  it("a hidden tab is silent; back in view, the sound comes back", async () => {
    const r = rig();
    r.sound.set(true);
    await settle();
    const ctx = r.contexts[0];
    r.page.hidden = true;
    r.page.dispatchEvent(new Event("visibilitychange"));
    await settle();
    expect(ctx.state).toBe("suspended");
    r.page.hidden = false;
    r.page.dispatchEvent(new Event("visibilitychange"));
    await settle();
    expect(ctx.state).toBe("running");
  });

  it("never throws: without Web Audio it is unavailable and stays off", () => {
    const r = rig("on", { createContext: undefined });
    expect(r.sound.available).toBe(false);
    expect(r.sound.on).toBe(false);
    expect(() => { r.sound.set(true); r.sound.blip(); r.gesture(); }).not.toThrow();
    expect(r.sound.on).toBe(false);
  });

  it("never throws: a browser that refuses a context leaves it off, and not remembered as on", () => {
    const told: boolean[] = [];
    const r = rig(undefined, { createContext: () => { throw new Error("NotAllowedError"); } });
    r.sound.onChange((on) => told.push(on));
    expect(() => r.sound.set(true)).not.toThrow();
    expect(r.sound.on).toBe(false);
    expect(told).toEqual([false]);
    expect(r.storage.data[SOUND_STORAGE_KEY]).toBe("off");
  });

  it("a remembered \"on\" that the browser refuses at the first gesture turns off, and says so (the button shows it)", () => {
    const told: boolean[] = [];
    const r = rig("on", { createContext: () => { throw new Error("NotSupportedError"); } });
    r.sound.onChange((on) => told.push(on));
    expect(r.sound.on).toBe(true);
    expect(() => r.gesture("keydown")).not.toThrow();
    expect(r.sound.on).toBe(false);
    expect(told).toEqual([false]);
    expect(r.storage.data[SOUND_STORAGE_KEY]).toBe("off");
  });

  it("never throws: storage that throws (private mode) only means the choice is not remembered", async () => {
    const broken = { getItem: () => { throw new Error("SecurityError"); }, setItem: () => { throw new Error("QuotaExceededError"); } };
    const r = rig(undefined, { storage: broken });
    expect(r.sound.on).toBe(false);
    expect(() => r.sound.set(true)).not.toThrow();
    await settle();
    expect(r.sound.playing).toBe(true);
  });
});
