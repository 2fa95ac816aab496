import { describe, expect, it } from "vitest";
import { INPUT_CUSHION, JITTER_MS, MAX_CUSHION, MIN_CUSHION } from "../../server/sim/InputCushion.ts";
import { PondSim, type InputSource, type SimSwimmer } from "../../server/sim/PondSim.ts";
import type { Steer } from "../../shared/input.ts";
import { stepTadpole } from "../../shared/movement.ts";
import { createRng } from "../../shared/rng.ts";
import type { Body } from "../../shared/state.ts";

/**
 * The adaptive input cushion (server/sim/InputCushion.ts), driven through PondSim with synthetic
 * arrival patterns: how many of a client's inputs (one sent per tick) have reached the server
 * before each tick. A stand-still is a tick in which a swimmer that is swimming did not move; a
 * guess, a tick it swam on with its last steering because its input had not come (PondSim.step).
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

interface Run { cushions: number[]; standStills: number[]; guesses: number[]; }

/**
 * Ticks the sim; before tick i, `arrivals(i)` inputs reach the queue. Records the cushion after
 * each tick and the ticks (from `from` on) in which the swimmer, already swimming, stood still
 * or swam on a guess.
 */
function drive(sim: PondSim, s: SimSwimmer, q: Queue, ticks: number, arrivals: (i: number) => number, from = 0, run: Run = { cushions: [], standStills: [], guesses: [] }): Run {
  for (let i = 0; i < ticks; i++) {
    q.push(arrivals(i));
    const { x, y, speed } = s.body;
    const guessed = sim.guessed;
    sim.step(DT);
    run.cushions.push(s.cushion);
    if (i >= from && speed > 0 && s.body.x === x && s.body.y === y) run.standStills.push(i);
    if (i >= from && sim.guessed > guessed) run.guesses.push(i);
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
  it("on a clean link settles at no cushion (one input, played at the next tick) and never stands still or guesses", () => {
    const { sim, s, q } = setup();
    expect(s.cushion).toBe(INPUT_CUSHION);        // a newcomer's guess, before anything is measured
    const run = drive(sim, s, q, 400, () => 1, 10);
    expect(run.cushions.at(-1)).toBe(MIN_CUSHION);
    expect(Math.max(...run.cushions.slice(100))).toBeLessThanOrEqual(1);
    expect(run.standStills).toEqual([]);
    expect(run.guesses).toEqual([]);
    // No cushion means no wait: the queue holds nothing after each tick.
    expect(q.size).toBe(0);
  });

  it("grows with jitter, so a jittery link soon needs no guesses; shrinks again when the link calms, without a stop", () => {
    const { sim, s, q } = setup();
    drive(sim, s, q, 200, () => 1);
    expect(s.cushion).toBe(1);
    // Inputs now 0–2 ticks late at random: the first tick of lateness a guess covers, the second is held back for.
    const late = jittery(5, 2, 600);
    const rough = drive(sim, s, q, 600, (i) => late[i], 0);
    expect(Math.max(...rough.cushions)).toBe(2);
    expect(Math.max(...rough.cushions)).toBeLessThanOrEqual(MAX_CUSHION);
    // Once grown, the cushion rides the jitter out: guesses, and the stand-stills that build the
    // cushion up, only while it was learning.
    expect(rough.guesses.length).toBeGreaterThan(0);
    expect(rough.guesses.filter((i) => i >= 100)).toEqual([]);
    expect(rough.standStills.filter((i) => i >= 100)).toEqual([]);
    // Calm again (the late inputs drain first): back to no cushion within the window.
    let backlog = late.slice(600).reduce((a, b) => a + b, 0);
    const calm = drive(sim, s, q, 400, () => { const n = 1 + backlog; backlog = 0; return n; }, 0);
    expect(calm.cushions.at(-1)).toBe(1);
    expect(calm.standStills).toEqual([]);
    expect(calm.guesses).toEqual([]);
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

  it("sizes the cushion from how unevenly inputs arrive, before any comes late; none on an even link", () => {
    // Inputs sent halfway between ticks (the client's send phase), one per 50 ms tick, each
    // delayed ±jitter ms (in order, as TCP), and one of them by `hiccup` ms more after 10 s.
    const TICK = 50;
    const timed = (jitter: number, hiccup: number, seed: number): number[] => {
      const rnd = createRng(seed);
      const times: number[] = [];
      let last = 0;
      for (let k = 0; k < 800; k++) {
        const t = k * TICK + TICK / 2 + (rnd() * 2 - 1) * jitter + (k === 200 ? hiccup : 0);
        last = Math.max(last, t);
        times.push(last);
      }
      return times;
    };
    const run = (times: number[]) => {
      const { sim, s, q } = setup();
      let next = 0;
      const out: Run = { cushions: [], standStills: [], guesses: [] };
      for (let i = 0; i < 600; i++) {
        // Tick i runs at (i + 1) x 50 ms: every input that has arrived by then is queued.
        let n = 0;
        while (next < times.length && times[next] <= (i + 1) * TICK) s.arrivals.arrived(times[next++]), n++;
        drive(sim, s, q, 1, () => n, i >= 10 ? 0 : 1, out);
      }
      return { s, out };
    };
    const even = run(timed(1, 0, 3));
    expect(even.s.arrivals.jitterMs).toBeLessThan(JITTER_MS);
    expect(even.out.cushions.at(-1)).toBe(MIN_CUSHION);
    expect(even.out.standStills).toEqual([]);
    expect(even.out.guesses).toEqual([]);
    const uneven = run(timed(15, 35, 3));
    expect(uneven.s.arrivals.jitterMs).toBeGreaterThan(JITTER_MS);
    // Less than a tick of spread past JITTER_MS is left to guesses (PondSim.step): nothing held
    // back, and the hiccup (an input 35 ms later still, past its tick) costs one guess, no stop.
    expect(Math.max(...uneven.out.cushions.slice(100))).toBe(MIN_CUSHION);   // after the newcomer's 2 s
    expect(uneven.out.guesses.length).toBeGreaterThan(0);
    expect(uneven.out.guesses.length).toBeLessThanOrEqual(3);
    expect(uneven.out.standStills).toEqual([]);
    // A spread of more than a tick past JITTER_MS holds one input back.
    const wide = run(timed(45, 0, 3));
    expect(wide.s.arrivals.jitterMs).toBeGreaterThan(JITTER_MS + TICK);
    expect(wide.out.cushions.at(-1)).toBe(2);
  });

  it("an input late for its tick does not stop the swimmer: it swims on, and is re-stepped from its inputs when the input comes", () => {
    const { sim, s, q } = setup();
    // Settled on a link whose inputs arrive 80 ms unevenly: a cushion of 2.
    drive(sim, s, q, 200, (i) => { s.arrivals.arrived(i * 50 + 25 + (i % 2 ? 40 : -40)); return 1; });
    expect(s.cushion).toBe(2);
    const corrections: number[] = [];
    sim.onGuessCorrected = (units) => corrections.push(units);
    while (q.size > 0) sim.step(DT);    // the cushion is spent (the step timer owed two steps at once, say)
    const at = { ...s.body };
    sim.step(DT);                       // nothing queued: a guess
    expect(s.body).not.toEqual(at);
    expect(s.owed).toBe(1);
    // Its own client is still told where its inputs brought it: what its prediction is compared with.
    expect(s.confirmed).toEqual(at);
    q.push(2);                          // the late input, and the next one
    const truth = { ...at };
    for (const input of q.items) stepTadpole(truth, input, DT);
    sim.step(DT);
    // As if no input had been late: the late one took the guess's place, the next one was played.
    expect(s.body).toEqual(truth);
    expect(s.confirmed).toEqual(truth);
    expect(s.owed).toBe(0);
    expect(q.size).toBe(0);
    // The player turned meanwhile (0.05 rad an input): the guess was a miss, and everyone else
    // sees the tadpole corrected by a little.
    expect(corrections).toHaveLength(1);
    expect(corrections[0]).toBeGreaterThan(0);
    expect(corrections[0]).toBeLessThan(1);
  });

  it("a catch-up step (two in one timer callback) that finds nothing queued skips the swimmer: no guess that would put the server a step ahead for good", () => {
    const { sim, s, q } = setup();
    drive(sim, s, q, 200, () => 1);     // a clean link: no cushion
    expect(s.cushion).toBe(1);
    q.push(1);
    sim.step(DT);
    const at = { ...s.body };
    sim.step(DT, true);                 // the timer owed a second step: its input is not here yet
    expect(s.body).toEqual(at);
    expect(s.playing).toBe(true);
    expect(s.owed).toBe(0);
    // The input comes with the socket reads after, and plays at the next tick as any other.
    const guessed = sim.guessed;
    const run = drive(sim, s, q, 100, () => 1);
    expect(sim.guessed - guessed, "no guess after it: the server stayed in step with the client").toBe(0);
    expect(run.standStills).toEqual([]);
  });

  it("is capped: a link that holds inputs for 300 ms at a time does not delay every input by that much", () => {
    const { sim, s, q } = setup();
    // Every 20 ticks, six inputs held and delivered together (a TCP retransmission).
    drive(sim, s, q, 600, (i) => (i % 20 < 6 ? 0 : i % 20 === 6 ? 7 : 1));
    expect(s.cushion).toBe(MAX_CUSHION);
  });
});
