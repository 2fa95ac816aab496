import { describe, expect, it } from "vitest";
import { Playout, WindowMin, targetDelayMs } from "../../client/net/playout.ts";
import type { RemoteBody, RemotePose } from "../../client/net/remote.ts";
import { angleDelta, wrapAngle } from "../../shared/angle.ts";
import { stepTadpole } from "../../shared/movement.ts";
import { createRng } from "../../shared/rng.ts";
import { FakeLink } from "./support/fakeLink.ts";
import { StreamLink } from "./support/streamLink.ts";

const FRAME = 1000 / 60;
const TICK = 50;

interface Scenario {
  /** Server state at server time t (ms). */
  at(t: number): { x: number; y: number; angle: number; speed: number };
  /** Local arrival time of the patch stamped `t` (before TCP ordering is applied). */
  arrival(t: number): number;
  seconds: number;
}

/**
 * Plays a scenario: the server patches every 50 ms; patches reach the client in order (a late
 * one holds back the ones behind it, as TCP does); the client draws at 60 fps. Returns, per frame,
 * the drawn pose, the render instant and the newest server time received.
 */
function play(link: FakeLink, s: Scenario) {
  const patches: Array<{ t: number; arrive: number }> = [];
  let floor = -Infinity;
  for (let t = TICK; t <= s.seconds * 1000; t += TICK) {
    floor = Math.max(floor, s.arrival(t));
    patches.push({ t, arrive: floor });
  }
  const frames: Array<{ now: number; x: number; y: number; angle: number; render: number; newest: number }> = [];
  let next = 0;
  for (let now = 0; now <= s.seconds * 1000; now += FRAME) {
    while (next < patches.length && patches[next].arrive <= now) {
      const p = patches[next++];
      Object.assign(link.serverTadpole, s.at(p.t));
      link.patch(p.t, p.arrive);
    }
    if (!link.clientTadpole) continue;
    const pose = link.frame(now);
    frames.push({ now, x: pose.x, y: pose.y, angle: pose.angle, render: link.view.renderTime, newest: link.lastServerTime() });
  }
  return frames;
}

/** Straight along +x at `speed` units/s. */
const straight = (speed = 200) => (t: number) => ({ x: -500 + (speed * t) / 1000, y: 40, angle: 0, speed });

// The same behaviour whether positions arrive through the position stream's codec (wire units)
// or are written exactly into plain objects.
describe.each(["stream", "plain"] as const)("remote interpolation (%s bodies)", (bodies) => {
  it("plays a steady stream back evenly, about two patch intervals behind", () => {
    const link = new FakeLink({ bodies });
    const frames = play(link, { at: straight(), arrival: (t) => t + 80, seconds: 4 }).slice(60);
    const steps = frames.slice(1).map((f, i) => f.x - frames[i].x);
    for (const d of steps) expect(d).toBeCloseTo(200 / 60, 1);
    for (const f of frames) {
      expect(Math.abs(f.x - straight()(f.render).x)).toBeLessThan(0.2);
      expect(f.render).toBeLessThanOrEqual(f.newest);
    }
    const delay = link.view.playout.delayMs(frames.at(-1)!.now);
    expect(delay).toBeGreaterThan(95);
    expect(delay).toBeLessThan(105);
  });

  it("turns the heading the short way round across 0/2π", () => {
    const link = new FakeLink({ bodies });
    // Turning at 2 rad/s from 4.9 rad: about 0.7 s in, the wire heading jumps 6.2x → 0.0x.
    const circling = (t: number) => {
      const a = (4.9 + (2 * t) / 1000) % (Math.PI * 2);
      return { x: 100 * Math.cos(a), y: 100 * Math.sin(a), angle: a, speed: 200 };
    };
    const frames = play(link, { at: circling, arrival: (t) => t + 60, seconds: 3 }).slice(30);
    let crossed = 0;
    for (let i = 1; i < frames.length; i++) {
      const turn = angleDelta(frames[i - 1].angle, frames[i].angle);
      expect(turn).toBeGreaterThanOrEqual(-1e-9);
      expect(turn).toBeLessThan(0.06);          // 2 rad/s is 0.033 rad a frame
      expect(frames[i].angle).toBeGreaterThanOrEqual(0);
      expect(frames[i].angle).toBeLessThan(Math.PI * 2);
      if (frames[i].angle < frames[i - 1].angle) crossed++;
    }
    expect(crossed).toBeGreaterThanOrEqual(1);
  });

  it("swims on through a retransmission gap instead of stopping, converges without a jump or a step back, and lengthens the delay", () => {
    const link = new FakeLink({ bodies });
    // Patch 1500 is retransmitted (+220 ms); the ones behind it wait (head-of-line).
    const arrival = (t: number) => t + 80 + (t === 1500 ? 220 : 0);
    // Below MAX_SPEED, so the speed the stream carries is the path's own.
    const frames = play(link, { at: straight(120), arrival, seconds: 7 });
    const normal = 120 / 60;
    let extrapolated = 0, stood = 0;
    for (let i = 1; i < frames.length; i++) {
      const f = frames[i];
      const step = f.x - frames[i - 1].x;
      expect(step).toBeGreaterThanOrEqual(-1e-9);       // never backward
      expect(step).toBeLessThan(normal * 1.5);          // catching up is playing a little fast, never a jump
      const past = f.render - f.newest;
      expect(past).toBeLessThanOrEqual(150 + 1e-6);     // never more than the cap past the data
      if (past > 0 && f.now > 500) {
        extrapolated++;
        // Through the gap it keeps swimming (a little slower: the timeline lengthens the delay)...
        if (step < normal * 0.5) stood++;
        // ...on the path: a straight swimmer is carried on exactly by the shared step.
        expect(Math.abs(f.x - straight(120)(f.render).x)).toBeLessThan(0.2);
      }
      if (f.now > 500) expect(Math.abs(f.x - straight(120)(f.render).x)).toBeLessThan(0.2);
    }
    expect(extrapolated).toBeGreaterThan(6);            // the gap was real: over 100 ms past the data
    expect(stood).toBe(0);                              // and nobody stopped in it
    // The stall it saw is then nearly covered: the delay grew toward its 220 ms of lateness + a
    // patch (less the 0.5 % of the time it may leave the view dry), and eases back as that one stall
    // is spread over a longer window.
    const delayAt = (t: number) => { const f = frames.find((g) => g.now >= t)!; return f.now - 80 - f.render; };
    expect(delayAt(200)).toBeLessThan(105);
    expect(delayAt(3500)).toBeGreaterThan(230);
    expect(link.view.playout.delayMs(frames.at(-1)!.now)).toBeGreaterThan(150);
  });

  it("does not step backward when the late data shows the tadpole slowed down", () => {
    const link = new FakeLink({ bodies });
    // Coasting from 1400 ms (drag 1.6/s): extrapolating at constant speed overshoots a little.
    const coast = (t: number) => {
      if (t <= 1400) return straight()(t);
      const s = (t - 1400) / 1000;
      const x0 = straight()(1400).x;
      return { x: x0 + (200 / 1.6) * (1 - Math.exp(-1.6 * s)), y: 40, angle: 0, speed: 200 * Math.exp(-1.6 * s) };
    };
    const arrival = (t: number) => t + 80 + (t === 1450 ? 300 : 0);
    const frames = play(link, { at: coast, arrival, seconds: 4 });
    for (let i = 1; i < frames.length; i++) expect(frames[i].x - frames[i - 1].x).toBeGreaterThanOrEqual(-1e-9);
    const last = frames.at(-1)!;
    expect(Math.abs(last.x - coast(last.render).x)).toBeLessThan(0.5);
  });

  it("never steps backward along the true motion on a bad link (random swimming, 5 % retransmits)", () => {
    // A swimmer on the real movement step with random steering (sharp turns, stops, slow
    // glides, server ticks without its input), and a downlink where each patch has a 5 %
    // chance of a 300 ms retransmission.
    const rnd = createRng(11);
    const body = { x: 0, y: 0, angle: 0, speed: 0 };
    const steer = { angle: 0, thrust: 1 };
    const history = new Map<number, { x: number; y: number; angle: number; speed: number }>();
    let owed = 0;
    for (let t = TICK; t <= 30_000; t += TICK) {
      if (rnd() < 0.3) steer.angle = rnd() * Math.PI * 2;
      if (rnd() < 0.05) steer.thrust = steer.thrust > 0 ? 0 : 1;
      // As on the server: an input that arrives late means no step this tick, two the next.
      owed++;
      if (rnd() < 0.15) { history.set(t, { ...body }); continue; }
      for (; owed > 0; owed--) stepTadpole(body, steer, TICK / 1000);
      history.set(t, { ...body });
    }
    const late = new Set<number>();
    for (let t = TICK; t <= 30_000; t += TICK) if (rnd() < 0.05) late.add(t);
    const truth = (t: number) => {
      const a = Math.max(TICK, Math.floor(t / TICK) * TICK);
      const p = history.get(a)!, q = history.get(a + TICK) ?? p;
      const u = (t - a) / TICK;
      return { x: p.x + (q.x - p.x) * u, y: p.y + (q.y - p.y) * u };
    };
    // The delay held short of what the stalls ask, so the view runs dry often: every stall is
    // crossed by extrapolation and converged from.
    const link = new FakeLink({ bodies, maxDelayMs: 120 });
    const frames = play(link, { at: (t) => history.get(t)!, arrival: (t) => t + 150 + (late.has(t) ? 300 : 0), seconds: 30 });
    let backward = 0, starved = 0;
    for (let i = 1; i < frames.length; i++) {
      const f = frames[i], g = frames[i - 1];
      if (f.render > f.newest) starved++;
      if (!(g.render > TICK)) continue;
      const a = truth(g.render), b = truth(f.render);
      const tx = b.x - a.x, ty = b.y - a.y, tl = Math.hypot(tx, ty);
      if (tl > 0.05 && ((f.x - g.x) * tx + (f.y - g.y) * ty) / tl < -0.01) backward++;
    }
    expect(starved).toBeGreaterThan(100);          // the link really did run dry, often
    expect(backward).toBe(0);
  });

  it("shows a teleport at once instead of gliding across the pond", () => {
    const link = new FakeLink({ bodies });
    const jump = (t: number) => (t < 1500 ? straight()(t) : { ...straight()(t), x: straight()(t).x + 1000 });
    const frames = play(link, { at: jump, arrival: (t) => t + 80, seconds: 3 });
    const steps = frames.slice(1).map((f, i) => f.x - frames[i].x);
    const big = steps.filter((d) => d > 50);
    expect(big).toHaveLength(1);
    expect(big[0]).toBeGreaterThan(950);
  });
});

type Path = (t: number) => RemoteBody;

interface StreamScenario {
  /** Each tadpole's server state at server time t. */
  paths: Record<string, Path>;
  seconds: number;
  /** Local arrival of the patch stamped t (default t + 80; in order, as TCP delivers). */
  arrival?(t: number): number;
  /** Patches never delivered (the socket was down). */
  lost?(t: number): boolean;
  /** Tadpoles that come into view later, at this local time (the others: with the first patch). */
  joins?: Record<string, number>;
  /** Called at the start of every frame. */
  before?(now: number): void;
}

interface StreamFrame {
  now: number;
  render: number;
  newest: number;
  poses: Map<string, RemotePose>;
}

/** Plays a scenario through StreamLink (plain bodies written in place before each patch), 60 fps. */
function stream(link: StreamLink, s: StreamScenario): StreamFrame[] {
  const arrival = s.arrival ?? ((t: number) => t + 80);
  const patches: Array<{ t: number; arrive: number }> = [];
  let floor = -Infinity;
  for (let t = TICK; t <= s.seconds * 1000; t += TICK) {
    if (s.lost?.(t)) continue;
    floor = Math.max(floor, arrival(t));
    patches.push({ t, arrive: floor });
  }
  const frames: StreamFrame[] = [];
  let next = 0;
  for (let now = 0; now <= s.seconds * 1000; now += FRAME) {
    s.before?.(now);
    while (next < patches.length && patches[next].arrive <= now) {
      const p = patches[next++];
      const values: Record<string, RemoteBody> = {};
      for (const id in s.paths) {
        const joinsAt = s.joins?.[id];
        // As onAdd during the decode: in view before the patch is announced.
        if (joinsAt === undefined && !link.bodies.has(id)) link.add(id, s.paths[id](p.t));
        if (link.bodies.has(id)) values[id] = s.paths[id](p.t);
      }
      link.patch(p.t, p.arrive, values);
    }
    for (const id in s.joins) {
      if (now >= s.joins[id] && !link.bodies.has(id)) link.add(id, s.paths[id](link.lastServerTime()));
    }
    if (link.bodies.size === 0) continue;
    link.frame(now);
    const poses = new Map<string, RemotePose>();
    for (const id of link.bodies.keys()) poses.set(id, link.pose(id));
    frames.push({ now, render: link.view.renderTime, newest: link.lastServerTime(), poses });
  }
  return frames;
}

/** Frames in which `id` stepped backward along +x (the direction every path here swims). */
const backwardSteps = (frames: StreamFrame[], id: string) =>
  frames.filter((f, i) => i > 0 && frames[i - 1].poses.has(id) && f.poses.get(id)!.x < frames[i - 1].poses.get(id)!.x - 1e-9).length;

describe("remote samples (RemoteView's own buffer)", () => {
  it("follows a tadpole that rests and then swims off: it is sampled at every patch, so no crawl", () => {
    const path: Path = (t) => (t <= 1000 ? { x: 0, y: 0, angle: 0, speed: 0 } : { x: 0.2 * (t - 1000), y: 0, angle: 0, speed: 200 });
    const link = new StreamLink();
    const frames = stream(link, { paths: { a: path }, seconds: 3 }).filter((f) => f.now > 500);
    for (const f of frames) expect(Math.abs(f.poses.get("a")!.x - path(f.render).x)).toBeLessThan(1e-6);
  });

  it.each([
    ["arrives on time", (t: number) => t + 80],
    ["arrives while the view is extrapolating", (t: number) => t + 80 + (t === 1500 ? 300 : 0)],
  ])("shows a teleport at once and carries nothing across it (it %s)", (_, arrival) => {
    const path: Path = (t) => ({ x: -500 + 0.2 * t + (t >= 1500 ? 1000 : 0), y: 40, angle: 0, speed: 200 });
    const link = new StreamLink();
    const frames = stream(link, { paths: { a: path }, seconds: 3, arrival });
    const steps = frames.slice(1).map((f, i) => f.poses.get("a")!.x - frames[i].poses.get("a")!.x);
    const big = steps.filter((d) => Math.abs(d) > 50);
    expect(big).toHaveLength(1);
    expect(big[0]).toBeGreaterThan(950);
    const jumped = steps.findIndex((d) => d > 50) + 1;
    // In the first frame after the teleport's patch arrived.
    expect(frames[jumped].now).toBeLessThan(arrival(1500) + FRAME);
    // From there on: the new path exactly (held at the teleport's place until the render instant
    // reaches it); no correction offset brought over from before.
    for (const f of frames.slice(jumped)) {
      if (f.render > f.newest) continue;
      expect(Math.abs(f.poses.get("a")!.x - path(Math.max(f.render, 1500)).x)).toBeLessThan(1e-6);
    }
  });

  it("turns the heading the short way round when the stream's angles wrap at ±π", () => {
    // Turning at 2 rad/s from 1.5 rad, the heading as [−π, π): 3.1x → −3.1x about 0.8 s in.
    const heading = (t: number) => wrapAngle(1.5 + (2 * t) / 1000);
    const path: Path = (t) => ({ x: 100 * Math.cos(heading(t)), y: 100 * Math.sin(heading(t)), angle: heading(t), speed: 200 });
    const link = new StreamLink();
    const frames = stream(link, { paths: { a: path }, seconds: 3 }).slice(30);
    let seam = 0;
    for (let i = 1; i < frames.length; i++) {
      const a = frames[i].poses.get("a")!.angle, b = frames[i - 1].poses.get("a")!.angle;
      const turn = angleDelta(b, a);
      expect(turn).toBeGreaterThanOrEqual(-1e-9);
      expect(turn).toBeLessThan(0.06);
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThan(Math.PI * 2);
      if (frames[i].render <= frames[i].newest) expect(Math.abs(angleDelta(a, heading(frames[i].render)))).toBeLessThan(1e-6);
      if (b < Math.PI && a >= Math.PI) seam++;
    }
    expect(seam).toBeGreaterThanOrEqual(1);
  });

  it("takes a tadpole that comes into view between patches: its first sample at once, then its true path", () => {
    const a: Path = (t) => ({ x: -500 + 0.2 * t, y: 40, angle: 0, speed: 200 });
    const b: Path = (t) => ({ x: 0.15 * t, y: 100, angle: 0, speed: 150 });
    const link = new StreamLink();
    // At local 1040 the newest patch is 950 (arrived at 1030): b's first sample is stamped 950.
    const frames = stream(link, { paths: { a, b }, seconds: 3, joins: { b: 1040 } });
    const first = frames.findIndex((f) => f.poses.has("b"));
    expect(frames[first].newest).toBe(950);
    expect(frames[first].poses.get("b")).toEqual(b(950));
    const seen = frames.slice(first);
    for (const f of seen) {
      if (f.render > f.newest) continue;
      expect(Math.abs(f.poses.get("b")!.x - b(Math.max(f.render, 950)).x)).toBeLessThan(1e-6);
      if (f.now > 500) expect(Math.abs(f.poses.get("a")!.x - a(f.render).x)).toBeLessThan(1e-6);
    }
    expect(backwardSteps(seen, "b")).toBe(0);
    expect(backwardSteps(frames, "a")).toBe(0);
  });

  it("shows the oldest sample while the render instant is before it (never extrapolated backward)", () => {
    const b: Path = (t) => ({ x: 0.15 * t, y: 100, angle: 1, speed: 150 });
    const link = new StreamLink({ fixedDelayMs: 300 });
    const frames = stream(link, { paths: { a: b, b }, seconds: 2, joins: { b: 1040 } });
    const seen = frames.filter((f) => f.poses.has("b"));
    const before = seen.filter((f) => f.render < 950);
    expect(before.length).toBeGreaterThan(10);        // 300 ms of delay: ~17 frames
    for (const f of before) expect(f.poses.get("b")).toEqual(b(950));
    const after = seen.filter((f) => f.render >= 950 && f.render <= f.newest);
    expect(after.length).toBeGreaterThan(30);
    for (const f of after) expect(Math.abs(f.poses.get("b")!.x - b(f.render).x)).toBeLessThan(1e-6);
    expect(backwardSteps(seen, "b")).toBe(0);
  });

  it("reset() (a reconnect) forgets the timeline, the samples and any correction in flight", () => {
    const a: Path = (t) => ({ x: -500 + 0.2 * t, y: 40, angle: 0, speed: 200 });
    const link = new StreamLink();
    let reset = false;
    // The socket drops after patch 2000: the view extrapolates and waits; the SDK reconnects at
    // local 2400 (reset), and patches flow again from server time 2450.
    const frames = stream(link, {
      paths: { a },
      seconds: 4,
      lost: (t) => t > 2000 && t < 2450,
      before: (now) => { if (now >= 2400 && !reset) { link.view.reset(); reset = true; } },
    });
    const afterReset = frames.filter((f) => f.now >= 2400);
    const beforeReset = frames[frames.length - afterReset.length - 1];
    const lastDrawn = beforeReset.poses.get("a")!;
    // Swimming on past the last patch (2000), on its path (the shared step at its speed, capped).
    expect(lastDrawn.x).toBeGreaterThan(a(2100).x);
    expect(lastDrawn.y).toBeCloseTo(40, 2);
    const waiting = afterReset.filter((f) => f.now < 2530);
    expect(waiting.length).toBeGreaterThan(3);
    for (const f of waiting) {
      expect(Number.isNaN(f.render)).toBe(true);
      expect(f.poses.get("a")).toEqual(lastDrawn);          // nothing new: it stays where it was drawn
    }
    const resumed = afterReset.filter((f) => f.now >= 2530);
    // The first state after the gap is shown at once, not glided to from before it; then the
    // path exactly, with no offset left over from the extrapolation the drop interrupted.
    expect(resumed[0].poses.get("a")!.x).toBeCloseTo(a(2450).x, 9);
    for (const f of resumed) {
      if (f.render > f.newest) continue;
      expect(Math.abs(f.poses.get("a")!.x - a(Math.max(f.render, 2450)).x)).toBeLessThan(1e-6);
    }
    expect(backwardSteps(frames, "a")).toBe(0);
  });
});

describe("render timeline (playout)", () => {
  it("aims at two patch intervals on a clean link and grows with jitter", () => {
    expect(targetDelayMs(50, 0)).toBe(100);
    expect(targetDelayMs(50, 10)).toBe(100);
    expect(targetDelayMs(50, 40)).toBeCloseTo(50 + 2.5 * 40 + 10);
    expect(targetDelayMs(33.3, 0)).toBeCloseTo(66.6);
    expect(targetDelayMs(50, 1000)).toBe(400);
    expect(targetDelayMs(50, 40, { fixedDelayMs: 70 })).toBe(70);
  });

  it("changes the delay slowly, never runs backward, and settles where it aims", () => {
    const p = new Playout();
    let jitter = 0;
    let prevRender = NaN;
    const delays: Array<{ now: number; delay: number }> = [];
    for (let now = 0; now < 20_000; now += FRAME) {
      // Patches every 50 ms, 70 ms one-way, on a clock 5 s ahead of ours.
      if (Math.floor(now / 50) !== Math.floor((now - FRAME) / 50)) p.onPatch(now, now + 5000 - 70);
      if (now > 5000 && now < 12_000) jitter = 40;
      else if (now >= 12_000) jitter = 0;
      const render = p.update(now, now, 50, jitter);
      if (!Number.isNaN(prevRender)) {
        const advance = render - prevRender;
        expect(advance).toBeGreaterThanOrEqual(FRAME * 0.95 - 1e-9);
        expect(advance).toBeLessThanOrEqual(FRAME * 1.05 + 1e-9);
      }
      prevRender = render;
      delays.push({ now, delay: p.delayMs(now) });
    }
    const at = (t: number) => delays.find((d) => d.now >= t)!.delay;
    expect(at(4900)).toBeCloseTo(100, 0);
    expect(at(11_900)).toBeGreaterThan(155);
    expect(at(11_900)).toBeLessThan(165);
    // Back down slowly (4 s time constant at most 5 % speed-up): still well above 100 after 1 s.
    expect(at(13_000)).toBeGreaterThan(130);
    expect(at(19_900)).toBeLessThan(110);
  });

  it("skips an idle gap (no patches because nothing changed) instead of fast-forwarding through it", () => {
    // Extrapolation capped at 100 ms, so the gap is mostly crossed by the skip this tests.
    const p = new Playout({ maxExtrapolateMs: 100 });
    let render = NaN;
    let biggest = 0;
    for (let now = 0; now < 3000; now += FRAME) {
      // Patches every 50 ms until 1000, none until 1800 (idle), then again; always on time.
      const t = Math.floor(now / 50) * 50;
      if (t !== Math.floor((now - FRAME) / 50) * 50 && (t <= 1000 || t >= 1800)) p.onPatch(now, t - 59);
      const before = render;
      render = p.update(now, now, 50, 0);
      if (now > 1700 && now < 1900) biggest = Math.max(biggest, render - before);
      // The first patch after the gap (server time 1741) moves the instant straight to the
      // usual two patch intervals behind it: no 25 %-fast crawl through 800 ms of nothing.
      if (now > 1820 && now < 1900) expect(render).toBeGreaterThan(1741 - 100 - 1);
    }
    expect(biggest).toBeGreaterThan(500);
    expect(p.delayMs(3000)).toBeCloseTo(100, 0);
  });

  it("keeps a sliding-window minimum", () => {
    const w = new WindowMin(1000, 8);
    expect(Number.isNaN(w.min(0))).toBe(true);
    w.push(50, 0);
    w.push(30, 100);
    w.push(40, 200);
    expect(w.min(300)).toBe(30);
    expect(w.min(1150)).toBe(40);        // the 30 from t=100 expired
    // More rising samples than its capacity (8): the oldest are forgotten first.
    for (let i = 0; i < 20; i++) w.push(60 + i, 2000 + i);
    expect(w.min(2020)).toBe(72);
    w.push(10, 2021);
    expect(w.min(2021)).toBe(10);
  });
});
