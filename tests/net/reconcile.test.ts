import { describe, expect, it } from "vitest";
import { OwnView } from "../../client/net/own.ts";
import { angleDelta } from "../../shared/angle.ts";
import { MAX_SPEED } from "../../shared/constants.ts";
import type { Steer } from "../../shared/input.ts";
import { stepTadpole } from "../../shared/movement.ts";
import type { Body } from "../../shared/state.ts";
import { FakePond } from "./support/fakePond.ts";

const FRAME = 1000 / 60;

/** Steering that exercises everything: straight, sharp turns, across the 0/2π seam, stops. */
function script(frame: number): Steer {
  const s = frame / 60;
  if (s < 1) return { angle: 0.3, thrust: 1 };
  if (s < 2) return { angle: 6.1, thrust: 1 };          // turn across 0 the short way
  if (s < 2.5) return { angle: 3, thrust: 0.5 };
  if (s < 4) return { angle: 3, thrust: 0 };            // coast, stop
  return { angle: s * 1.7, thrust: 1 };                  // continuous turning
}

/** Runs the fake pond for `frames` frames at 60 fps; calls `onFrame` with each drawn pose. */
function run(pond: FakePond, frames: number, onFrame?: (i: number, pose: Body) => void, nudgeAt?: Map<number, (t: Body) => void>) {
  let acked = 0;
  const mismatches: number[] = [];
  for (let i = 0; i < frames; i++) {
    const now = i * FRAME;
    const steps = Math.floor(now / 50) - Math.floor((now - FRAME) / 50);
    const pose = pond.frame(now, script(i), i === 0 ? 0 : steps);
    onFrame?.(i, pose);
    if (pond.input.lastProcessed > acked) {
      acked = pond.input.lastProcessed;
      const p = pond.predicted.get(acked)!;
      const d = pond.decoded;
      if (p.x !== d.x || p.y !== d.y || p.angle !== d.angle || p.speed !== d.speed) mismatches.push(acked);
    }
    if (i > 0 && steps > 0) pond.serverTick(nudgeAt?.get(pond.tick + 1));
  }
  return { acked, mismatches };
}

describe("own tadpole: prediction with the SDK reconciler and the shared step", () => {
  it("reproduces the server's state exactly at every acknowledged input (no corrections)", () => {
    const pond = new FakePond(3, 2);
    const { acked, mismatches } = run(pond, 60 * 6);
    expect(acked).toBeGreaterThan(100);
    expect(mismatches).toEqual([]);
    expect(pond.corrections).toBe(0);
    expect(pond.view.offset).toEqual({ x: 0, y: 0 });
  });

  it("detects a client whose step differs from the server's (the check can fail)", () => {
    const skewed = (s: Body, c: Steer, dt: number) => stepTadpole(s, c, dt * 1.01);
    const pond = new FakePond(3, 2, skewed as never);
    const { mismatches } = run(pond, 60 * 3);
    expect(mismatches.length).toBeGreaterThan(10);
    expect(pond.corrections).toBeGreaterThan(10);
  });

  it("smooths a small server-side correction and pops a teleport", () => {
    // The same run twice, the second with the server pushing the tadpole: tick 40, 6 units
    // sideways; tick 100, 900 units. Frame by frame, the pushed run may differ from the clean
    // one only by a fade (a smoothed 6-unit correction over 100 ms is ~1 unit a frame at most),
    // except for the one frame that shows the teleport.
    const frameSteps = (nudges?: Map<number, (t: Body) => void>) => {
      const pond = new FakePond(2, 2);
      const poses: Body[] = [];
      run(pond, 60 * 7, (_i, pose) => poses.push({ ...pose }), nudges);
      return { pond, steps: poses.slice(1).map((p, i) => Math.hypot(p.x - poses[i].x, p.y - poses[i].y)) };
    };
    const clean = frameSteps();
    const pushed = frameSteps(new Map([
      [40, (t: Body) => { t.y += 6; }],
      [100, (t: Body) => { t.x += 900; }],
    ]));
    expect(clean.pond.corrections).toBe(0);
    expect(pushed.pond.corrections).toBeGreaterThanOrEqual(2);
    const teleport = pushed.steps.findIndex((d) => d > 500);
    expect(teleport).toBeGreaterThan(0);
    const extra = pushed.steps.map((d, i) => Math.abs(d - clean.steps[i]));
    expect(Math.max(...extra.slice(0, teleport))).toBeLessThan(1.5);
    // The small correction did show (the check is not vacuous): some frames differ.
    expect(Math.max(...extra.slice(0, teleport))).toBeGreaterThan(0.05);
    // The teleport is shown at once: one frame covers (almost) all of it, no glide.
    expect(pushed.steps[teleport]).toBeGreaterThan(880);
    expect(Math.max(...extra.slice(teleport + 1))).toBeLessThan(1.5);
  });
});

/** The SDK Predict's input pacing: elapsed frame time → whole fixed steps due. */
function pacer(stepMs = 50) {
  let acc = 0;
  let last = NaN;
  return (now: number) => {
    acc += Number.isNaN(last) ? 0 : now - last;
    last = now;
    const steps = Math.floor(acc / stepMs);
    acc -= steps * stepMs;
    return steps;
  };
}

describe("own tadpole: drawn pose", () => {
  const rest: Body = { x: 0, y: 0, angle: 0, speed: 0 };

  it("moves in the very frame thrust first becomes 1, whether or not an input is due", () => {
    for (const stepsThisFrame of [0, 1]) {
      const view = new OwnView();
      const state = { ...rest };
      let pose = view.present(0, state, { angle: 0, thrust: 0 }, 0, 50);
      const still = { ...pose };
      pose = view.present(FRAME, state, { angle: 0, thrust: 0 }, 0, 50);
      expect(pose).toEqual(still);
      // Thrust goes to 1. If a step is due the reconciler has just stepped the sent input.
      if (stepsThisFrame) stepTadpole(state, { angle: 0, thrust: 1 }, 0.05);
      pose = view.present(2 * FRAME, state, { angle: 0, thrust: 1 }, stepsThisFrame, 50);
      expect(pose.x).toBeGreaterThan(still.x);
      expect(pose.speed).toBeGreaterThan(0);
    }
  });

  it("is continuous across a step: approaching the next step as the frame clock runs", () => {
    const view = new OwnView();
    // Full speed: the step keeps it there, so evenly spaced frames should move evenly.
    const state: Body = { x: 0, y: 0, angle: 0, speed: MAX_SPEED };
    const steer = { angle: 0, thrust: 1 };
    const xs: number[] = [];
    const due = pacer();
    let now = 0;
    for (let i = 0; i < 30; i++) {
      now += FRAME;
      const steps = due(now);
      if (steps) stepTadpole(state, steer, 0.05);
      xs.push(view.present(now, state, steer, steps, 50).x);
    }
    const dx = xs.slice(1).map((x, i) => x - xs[i]);
    for (const d of dx) expect(d).toBeGreaterThan(0);
    // Evenly spaced positions (no step-rate staircase): MAX_SPEED / 60 units a frame.
    for (const d of dx) expect(d).toBeCloseTo(MAX_SPEED / 60, 1);
  });

  it("turns the short way round across 0/2π", () => {
    const view = new OwnView();
    const state: Body = { x: 0, y: 0, angle: 6.2, speed: 150 };
    const steer = { angle: 0.4, thrust: 1 };
    const due = pacer();
    let now = 0;
    let last = 6.2;
    for (let i = 0; i < 12; i++) {
      now += FRAME;
      const steps = due(now);
      if (steps) stepTadpole(state, steer, 0.05);
      const a = view.present(now, state, steer, steps, 50).angle;
      const turn = angleDelta(last, a);
      expect(turn).toBeGreaterThanOrEqual(-1e-9);
      expect(turn).toBeLessThan(0.2);
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThan(Math.PI * 2);
      last = a;
    }
    expect(Math.abs(angleDelta(last, 0.4))).toBeLessThan(0.5);
  });

  it("fades a correction that crosses 0/2π the short way", () => {
    const view = new OwnView({ smoothMs: 100 });
    const before: Body = { x: 0, y: 0, angle: 6.25, speed: 0 };
    view.capture(before, 0);
    const after: Body = { x: 0, y: 0, angle: 0.05, speed: 0 };
    view.reconciled(after, 1);
    const first = view.present(0, after, { angle: 0.05, thrust: 0 }, 0, 50).angle;
    expect(Math.abs(angleDelta(first, 6.25))).toBeLessThan(1e-9);
    const later = view.present(50, after, { angle: 0.05, thrust: 0 }, 0, 50).angle;
    const delta = angleDelta(first, later);
    expect(delta).toBeGreaterThan(0);
    expect(delta).toBeLessThan(0.2);
  });
});
