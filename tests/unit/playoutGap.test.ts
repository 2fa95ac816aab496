import { describe, expect, it } from "vitest";
import { DeadReckoning } from "../../client/net/deadReckon.ts";
import { LateWindow, Playout } from "../../client/net/playout.ts";
import { angleDelta } from "../../shared/angle.ts";
import type { Steer } from "../../shared/input.ts";
import { stepTadpole } from "../../shared/movement.ts";
import { createRng } from "../../shared/rng.ts";
import type { Body } from "../../shared/state.ts";
import { FakeLink } from "../net/support/fakeLink.ts";

/**
 * Netcode II's playout of other tadpoles: through a gap in the stream (swim on with the shared
 * movement step, then converge onto the truth, never a step back) and the delay that adapts to
 * the stalls the link actually has.
 */

const FRAME = 1000 / 60;
const TICK = 50;

/** A server-side swimmer on the real step with `steer(t)` (ms), its state at every tick. */
function swim(seconds: number, steer: (t: number) => Steer): Map<number, Body> {
  const body: Body = { x: -300, y: 0, angle: 0, speed: 0 };
  const path = new Map<number, Body>();
  for (let t = TICK; t <= seconds * 1000; t += TICK) {
    stepTadpole(body, steer(t), TICK / 1000);
    path.set(t, { ...body });
  }
  return path;
}

/** Where the swimmer truly was at server time t (linear between ticks, as the truth client sees it). */
function truthAt(path: Map<number, Body>, t: number): { x: number; y: number } {
  const a = Math.max(TICK, Math.floor(t / TICK) * TICK);
  const p = path.get(a)!, q = path.get(a + TICK) ?? p;
  const u = Math.min(1, Math.max(0, (t - a) / TICK));
  return { x: p.x + (q.x - p.x) * u, y: p.y + (q.y - p.y) * u };
}

interface Frame { now: number; x: number; y: number; angle: number; render: number; newest: number; }

/** Patches every 50 ms, in order (a late one holds back those behind it, as on TCP); frames at 60 fps. */
function play(link: FakeLink, path: Map<number, Body>, arrival: (t: number) => number, seconds: number): Frame[] {
  const patches: Array<{ t: number; arrive: number }> = [];
  let floor = -Infinity;
  for (let t = TICK; t <= seconds * 1000; t += TICK) {
    floor = Math.max(floor, arrival(t));
    patches.push({ t, arrive: floor });
  }
  const frames: Frame[] = [];
  let next = 0;
  for (let now = 0; now <= seconds * 1000; now += FRAME) {
    while (next < patches.length && patches[next].arrive <= now) {
      const p = patches[next++];
      Object.assign(link.serverTadpole, path.get(p.t));
      link.patch(p.t, p.arrive);
    }
    if (!link.clientTadpole) continue;
    const pose = link.frame(now);
    frames.push({ now, x: pose.x, y: pose.y, angle: pose.angle, render: link.view.renderTime, newest: link.lastServerTime() });
  }
  return frames;
}

/** Frames where the drawn tadpole stepped backward along its true motion. */
function backward(frames: Frame[], path: Map<number, Body>): number {
  let n = 0;
  for (let i = 1; i < frames.length; i++) {
    const f = frames[i], g = frames[i - 1];
    if (!(g.render > TICK)) continue;
    const a = truthAt(path, g.render), b = truthAt(path, f.render);
    const tx = b.x - a.x, ty = b.y - a.y, tl = Math.hypot(tx, ty);
    if (tl > 0.05 && ((f.x - g.x) * tx + (f.y - g.y) * ty) / tl < -0.01) n++;
  }
  return n;
}

describe("through a gap: swim on, then converge", () => {
  it("carries a turning tadpole on along its turn (the shared step, steering read off the last two samples)", () => {
    // Two samples one step apart, from a body steering toward 2.0 rad at 0.8 thrust...
    const steer: Steer = { angle: 2.0, thrust: 0.8 };
    const body: Body = { x: 10, y: 20, angle: 0.2, speed: 60 };
    stepTadpole(body, steer, TICK / 1000);
    const prev = { ...body };
    stepTadpole(body, steer, TICK / 1000);
    const reckon = new DeadReckoning();
    reckon.start(100, body.x, body.y, body.angle, body.speed, 50, prev.angle, prev.speed, TICK);
    // ...are carried on as the server would have moved it, had the steering stayed.
    const truth = { ...body };
    const out: Body = { x: 0, y: 0, angle: 0, speed: 0 };
    for (let k = 1; k <= 4; k++) {
      stepTadpole(truth, steer, TICK / 1000);
      reckon.at(k * TICK, out);
      expect(Math.hypot(out.x - truth.x, out.y - truth.y)).toBeLessThan(0.05);
      expect(Math.abs(angleDelta(out.angle, truth.angle))).toBeLessThan(0.002);
    }
    // Between steps: on the way from one to the next.
    const mid = reckon.at(4 * TICK + TICK / 2, { x: 0, y: 0, angle: 0, speed: 0 });
    expect(mid.x).not.toBe(out.x);
  });

  it("keeps a circling tadpole swimming through a 300 ms stall, converges without a jump, never steps back", () => {
    // Circling (the wanted heading turns 1.6 rad/s); a patch at 2000 retransmitted +300 ms, with
    // the delay held at two patch intervals so the view really runs dry.
    const path = swim(5, (t) => ({ angle: (0.5 + 1.6 * t / 1000) % (2 * Math.PI), thrust: 1 }));
    for (const bodies of ["stream", "plain"] as const) {
      const link = new FakeLink({ bodies, maxDelayMs: 100 });
      const frames = play(link, path, (t) => t + 60 + (t === 2000 ? 300 : 0), 5);
      const dry = frames.filter((f) => f.render > f.newest && f.now > 1000);
      expect(dry.length).toBeGreaterThan(6);
      let errorInGap = 0, biggestStep = 0, stood = 0;
      for (let i = 1; i < frames.length; i++) {
        const f = frames[i], g = frames[i - 1];
        if (f.now < 1000) continue;
        const step = Math.hypot(f.x - g.x, f.y - g.y);
        biggestStep = Math.max(biggestStep, step);
        const past = f.render - f.newest;
        if (past > 0 && past < 150) {
          if (step < 0.5) stood++;
          const t = truthAt(path, f.render);
          errorInGap = Math.max(errorInGap, Math.hypot(f.x - t.x, f.y - t.y));
        }
      }
      expect(stood).toBe(0);                       // no stop within the cap
      // Carried on along its turn, the guess stays close to where it truly went (straight on
      // along the last heading it would drift ~5 units off in 150 ms).
      expect(errorInGap).toBeLessThan(2);
      expect(biggestStep).toBeLessThan(150 / 60 * 1.5);   // no snap: at most a little fast
      expect(backward(frames, path)).toBe(0);
      // Converged: on the true path again a second after the stall.
      for (const f of frames.filter((h) => h.now > 3500)) {
        const t = truthAt(path, f.render);
        expect(Math.hypot(f.x - t.x, f.y - t.y)).toBeLessThan(0.1);
      }
    }
  });

  it("never steps backward through many stalls of a zigzagging swimmer, and its guesses stay near the truth", () => {
    // Heading flips ±1.1 rad every 0.9 s; 5 % of patches retransmitted +300 ms (some back to back).
    const path = swim(30, (t) => ({ angle: (Math.floor(t / 900) % 2 === 0 ? 1.1 : -1.1 + 2 * Math.PI) % (2 * Math.PI), thrust: 1 }));
    const rnd = createRng(3);
    const late = new Set<number>();
    for (let t = TICK; t <= 30_000; t += TICK) if (rnd() < 0.05) late.add(t);
    const link = new FakeLink({ bodies: "stream" });
    const frames = play(link, path, (t) => t + 150 + (late.has(t) ? 300 : 0), 30);
    expect(backward(frames, path)).toBe(0);
    // The adaptive delay learns the stalls: after the first seconds the view rarely runs dry.
    const settled = frames.filter((f) => f.now > 8000);
    const starved = settled.filter((f) => f.render > f.newest).length;
    expect(starved / settled.length).toBeLessThan(0.02);
  });
});

describe("the delay adapts to the stalls it sees", () => {
  it("asks for the least extra delay that would have left the view dry at most a given share of the time (here 1 %)", () => {
    const floor = 100;
    const w = new LateWindow(10_000, 0.01, 1000);
    let t = 0;
    /** A patch `late` ms after the freshest path, one interval after the last. */
    const patch = (late: number) => { t += TICK; w.push(floor + late, t + late, floor, TICK); };
    // The first patches after a join are skipped (a burst behind the handshake).
    for (let i = 0; i < 3; i++) patch(900);
    expect(w.value).toBe(0);
    // Ten seconds of a clean link: next to nothing to wait for (its 3 ms of jitter).
    for (let i = 0; i < 200; i++) patch(i % 4);
    expect(w.value).toBeLessThan(3);
    // One 300 ms retransmission and the six patches held behind it (arriving with it). It is
    // counted once: over 10 s, 1 % is 100 ms of dry view, so 200 ms of extra delay would do.
    patch(300);
    for (let k = 1; k <= 6; k++) patch(300 - k * TICK);
    expect(w.value).toBeGreaterThan(195);
    expect(w.value).toBeLessThan(205);
    // A stall a second: nearly all of each must be covered.
    for (let s = 0; s < 10; s++) {
      patch(320);
      for (let k = 1; k <= 6; k++) patch(320 - k * TICK);
      for (let i = 0; i < 13; i++) patch(i % 4);
    }
    expect(w.value).toBeGreaterThan(300);
    expect(w.value).toBeLessThanOrEqual(320);
    // A sleeping tab's 5 s is not the link's lateness.
    const before = w.value;
    patch(5000);
    expect(w.value).toBe(before);
    // Ten seconds on, the stalls are forgotten (1 ms of lateness a patch is what is left).
    for (let i = 0; i < 220; i++) patch(1);
    expect(w.value).toBeLessThanOrEqual(1);
  });

  it("stays at two patch intervals on a clean link; grows to cover 300 ms retransmissions within a few seconds; falls back when they stop", () => {
    const p = new Playout();
    const rnd = createRng(9);
    const delays: Array<{ now: number; delay: number }> = [];
    let prevRender = NaN;
    let held = -Infinity;   // TCP: nothing arrives before the retransmitted frame
    let serverT = 0;
    const pending: Array<{ t: number; arrive: number }> = [];
    for (let now = 0; now < 46_000; now += FRAME) {
      while (serverT + TICK + 70 <= now) {
        serverT += TICK;
        // Lossy from 10 s to 20 s: 5 % of patches retransmitted (+300 ms).
        const lossy = serverT > 10_000 && serverT < 20_000 && rnd() < 0.05;
        const arrive = Math.max(held, serverT + 70 + (lossy ? 300 : 0));
        held = arrive;
        pending.push({ t: serverT, arrive });
      }
      while (pending.length > 0 && pending[0].arrive <= now) p.onPatch(now, pending.shift()!.t);
      const render = p.update(now, now, TICK, 0);
      if (!Number.isNaN(prevRender)) expect(render).toBeGreaterThanOrEqual(prevRender);   // never backward
      prevRender = render;
      delays.push({ now, delay: p.delayMs(now) });
    }
    const at = (t: number) => delays.find((d) => d.now >= t)!.delay;
    expect(at(9_900)).toBeCloseTo(100, 0);
    // A first stall lengthens it at once (the late patches behind it rank high), and once four
    // or five have been seen in the window (2 % of its patches) it covers a retransmission
    // (300 ms + a patch): here within 7 s of the first.
    expect(at(12_500)).toBeGreaterThan(140);
    expect(at(18_500)).toBeGreaterThan(340);
    expect(at(19_900)).toBeGreaterThan(340);
    expect(Math.max(...delays.map((d) => d.delay))).toBeLessThanOrEqual(400 + 1);   // the ceiling
    // Calm again: once the stalls have left the 10 s window, back toward two patch intervals
    // (as slowly as any fall: a 4 s time constant).
    expect(at(45_900)).toBeLessThan(120);
  });
});
