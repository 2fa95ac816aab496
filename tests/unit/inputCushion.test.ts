import { describe, expect, it } from "vitest";
import { INPUT_CUSHION, MAX_CUSHION, MIN_CUSHION } from "../../server/sim/InputCushion.ts";
import { PondSim, type InputSource, type SimSwimmer } from "../../server/sim/PondSim.ts";
import type { Steer } from "../../shared/input.ts";
import { createRng } from "../../shared/rng.ts";
import type { Body } from "../../shared/state.ts";

/**
 * The adaptive input cushion (server/sim/InputCushion.ts), driven through PondSim with synthetic
 * arrival patterns: how many of a client's inputs (one sent per tick) have reached the server
 * before each tick. A stand-still is a tick in which a swimmer that is swimming did not move.
 */

/** A client swimming in circles (so it never meets the pond's edge), one input per tick sent. */
class Queue implements InputSource {
  readonly items: Steer[] = [];
  private sent = 0;
  get size(): number { return this.items.length; }
  next(): Steer | undefined { return this.items.shift(); }
  push(n: number): void {
    for (let i = 0; i < n; i++) this.items.push({ angle: (this.sent++ * 0.05) % (2 * Math.PI), thrust: 1 });
  }
}

const DT = 0.05;

interface Run { cushions: number[]; standStills: number[]; }

/**
 * Ticks the sim; before tick i, `arrivals(i)` inputs reach the queue. Records the cushion after
 * each tick and the ticks (from `from` on) in which the swimmer, already swimming, stood still.
 */
function drive(sim: PondSim, s: SimSwimmer, q: Queue, ticks: number, arrivals: (i: number) => number, from = 0, run: Run = { cushions: [], standStills: [] }): Run {
  for (let i = 0; i < ticks; i++) {
    q.push(arrivals(i));
    const { x, y, speed } = s.body;
    sim.step(DT);
    run.cushions.push(s.cushion);
    if (i >= from && speed > 0 && s.body.x === x && s.body.y === y) run.standStills.push(i);
  }
  return run;
}

/** Arrivals of a link that delays each input by 0…`spread` ticks at random, in order (TCP never reorders). */
function jittery(seed: number, spread: number, ticks: number): number[] {
  const rnd = createRng(seed);
  const counts = new Array<number>(ticks + spread + 1).fill(0);
  let last = 0;
  for (let i = 0; i < ticks; i++) {
    // Sent at tick i, here at i + delay, never before the one sent before it.
    last = Math.max(last, i + Math.floor(rnd() * (spread + 1)));
    counts[last]++;
  }
  return counts;
}

function setup(): { sim: PondSim; s: SimSwimmer; q: Queue } {
  const sim = new PondSim({ cellSize: 300, random: createRng(1) });
  const q = new Queue();
  const body: Body = { x: 0, y: 0, angle: 0, speed: 0 };
  const s = sim.spawn("a", q, body, {});
  return { sim, s, q };
}

describe("adaptive input cushion", () => {
  it("on a clean link settles at no cushion (one input, played at the next tick) and never stands still", () => {
    const { sim, s, q } = setup();
    expect(s.cushion).toBe(INPUT_CUSHION);        // a newcomer's guess, before anything is measured
    const run = drive(sim, s, q, 400, () => 1, 10);
    expect(run.cushions.at(-1)).toBe(MIN_CUSHION);
    expect(Math.max(...run.cushions.slice(100))).toBeLessThanOrEqual(1);
    expect(run.standStills).toEqual([]);
    // No cushion means no wait: the queue holds nothing after each tick.
    expect(q.size).toBe(0);
  });

  it("grows with jitter, so a jittery link stops standing still; shrinks again when the link calms, without a stop", () => {
    const { sim, s, q } = setup();
    drive(sim, s, q, 200, () => 1);
    expect(s.cushion).toBe(1);
    // Inputs now 0–2 ticks late at random.
    const late = jittery(5, 2, 600);
    const rough = drive(sim, s, q, 600, (i) => late[i], 0);
    expect(Math.max(...rough.cushions)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...rough.cushions)).toBeLessThanOrEqual(MAX_CUSHION);
    // Once grown, the cushion rides the jitter out: stand-stills only while it was learning.
    const learnt = rough.standStills.filter((i) => i >= 100);
    expect(rough.standStills.length).toBeGreaterThan(0);
    expect(learnt).toEqual([]);
    // Calm again (the late inputs drain first): back to no cushion within the window.
    let backlog = late.slice(600).reduce((a, b) => a + b, 0);
    const calm = drive(sim, s, q, 400, () => { const n = 1 + backlog; backlog = 0; return n; }, 0);
    expect(calm.cushions.at(-1)).toBe(1);
    expect(calm.standStills).toEqual([]);
    // The held-back inputs were played off (two a tick, a few times), not kept as latency.
    expect(q.size).toBe(0);
  });

  it("does not take a client clock a little slower than the server's for jitter", () => {
    const { sim, s, q } = setup();
    // One input fewer every 3 s (a 1.7 % slower clock): each is a stand-still nothing can prevent,
    // but no reason to hold every other input back.
    const run = drive(sim, s, q, 1200, (i) => (i % 60 === 59 ? 0 : 1), 10);
    expect(Math.max(...run.cushions.slice(100))).toBe(1);
    expect(run.standStills.length).toBeLessThanOrEqual(20);
  });

  it("does not take a client that stopped sending (a hidden tab) for jitter", () => {
    const { sim, s, q } = setup();
    drive(sim, s, q, 200, () => 1);
    drive(sim, s, q, 200, () => 0);
    const back = drive(sim, s, q, 200, () => 1, 5);
    expect(Math.max(...back.cushions)).toBe(1);
    expect(back.standStills).toEqual([]);
  });

  it("is capped: a link that holds inputs for 300 ms at a time does not delay every input by that much", () => {
    const { sim, s, q } = setup();
    // Every 20 ticks, six inputs held and delivered together (a TCP retransmission).
    drive(sim, s, q, 600, (i) => (i % 20 < 6 ? 0 : i % 20 === 6 ? 7 : 1));
    expect(s.cushion).toBe(MAX_CUSHION);
  });
});
