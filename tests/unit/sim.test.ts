import { describe, expect, it } from "vitest";
import { IdPool } from "../../server/sim/IdPool.ts";
import { INPUT_CUSHION, MAX_GUESSES, MAX_STEP_CREDIT, PondSim, type InputSource } from "../../server/sim/PondSim.ts";
import { SpatialGrid, type Placed } from "../../server/sim/SpatialGrid.ts";
import type { Steer } from "../../shared/input.ts";
import { stepTadpole } from "../../shared/movement.ts";
import { createRng } from "../../shared/rng.ts";
import type { Body } from "../../shared/state.ts";

/** A queue of inputs, as the room's Colyseus input buffer hands them over. */
class Queue implements InputSource {
  readonly items: Steer[] = [];
  get size(): number { return this.items.length; }
  next(): Steer | undefined { return this.items.shift(); }
  push(n: number, steer: Steer = { angle: 0, thrust: 1 }): void { for (let i = 0; i < n; i++) this.items.push({ ...steer }); }
}

const body = (): Body => ({ x: 0, y: 0, angle: 0, speed: 0 });
const DT = 0.05;

describe("PondSim: the fixed step without sockets", () => {
  it("spawns near the centre with a fresh short id, and despawn frees it for last reuse", () => {
    const sim = new PondSim({ cellSize: 300, random: createRng(1) });
    const a = sim.spawn("a", new Queue(), body(), {});
    const b = sim.spawn("b", new Queue(), body(), {});
    expect([a.id, b.id]).toEqual([0, 1]);
    expect(Math.hypot(a.body.x, a.body.y)).toBeLessThanOrEqual(200 + 1e-9);
    sim.despawn(a);
    expect(sim.swimmers).toEqual([b]);
    expect(b.index).toBe(0);
    const c = sim.spawn("c", new Queue(), body(), {});
    expect(c.id, "a freed id waits behind every never-used one").toBe(2);
  });

  it("waits for the input cushion before it moves, then plays one input per tick", () => {
    const sim = new PondSim({ cellSize: 300, random: createRng(2) });
    const q = new Queue();
    const s = sim.spawn("a", q, body(), {});
    const start = { ...s.body };
    q.push(INPUT_CUSHION - 1);
    sim.step(DT);
    expect(s.body).toEqual(start);
    expect(q.size, "nothing played below the cushion").toBe(INPUT_CUSHION - 1);
    q.push(1);
    sim.step(DT);
    expect(q.size).toBe(INPUT_CUSHION - 1);
    const expected = { ...start };
    stepTadpole(expected, { angle: 0, thrust: 1 }, DT);
    expect(s.body).toEqual(expected);
  });

  it("swims on its last steering for at most MAX_GUESSES late ticks, then stops and refills the cushion", () => {
    const sim = new PondSim({ cellSize: 300, random: createRng(3) });
    const q = new Queue();
    const s = sim.spawn("a", q, body(), {});
    q.push(INPUT_CUSHION);
    for (let i = 0; i < INPUT_CUSHION; i++) sim.step(DT);
    const confirmed = { ...s.body };
    const expected = { ...s.body };
    for (let i = 0; i < MAX_GUESSES; i++) {
      sim.step(DT);                     // nothing queued: swims on as it was steering
      stepTadpole(expected, { angle: 0, thrust: 1 }, DT);
      expect(s.body).toEqual(expected);
    }
    expect(sim.guessed).toBe(MAX_GUESSES);
    sim.step(DT);                       // one more: its player is not late but gone
    expect(s.body).toEqual(expected);
    expect(s.playing).toBe(false);
    expect(s.confirmed, "its own client is still sent where its inputs brought it").toEqual(confirmed);
    // Inputs that never come (its player went quiet) are forgiven: the guesses stand, and its own
    // client is now told so.
    for (let i = 0; i < 30; i++) sim.step(DT);
    expect(s.owed).toBe(0);
    expect(s.body).toEqual(expected);
    expect(s.confirmed).toEqual(expected);
    // A reconnection, by contrast, goes on from the body its client last heard of: guesses undone.
    const corrections: number[] = [];
    sim.onGuessCorrected = (units) => corrections.push(units);
    q.push(INPUT_CUSHION);
    for (let i = 0; i < INPUT_CUSHION + 2; i++) sim.step(DT);   // plays what came, then guesses twice
    expect(s.owed).toBe(2);
    const heard = { ...s.confirmed };
    const fresh = new Queue();
    sim.requeue(s, fresh);
    expect(s.body).toEqual(heard);
    expect(corrections).toHaveLength(1);
    fresh.push(1);
    sim.step(DT);
    expect(s.body, "no guessing on for the new connection").toEqual(heard);
    expect(fresh.size, "one input is not a cushion: it waits").toBe(1);
  });

  it("never takes more steps than its banked credit, however many inputs arrive", () => {
    const sim = new PondSim({ cellSize: 300, random: createRng(4) });
    const q = new Queue();
    const s = sim.spawn("a", q, body(), {});
    q.push(200);
    let played = 0;
    for (let tick = 0; tick < 40; tick++) {
      const before = q.size;
      sim.step(DT);
      played += before - q.size;
    }
    // One credit per tick (plus the one it starts with, and at most MAX_STEP_CREDIT banked).
    expect(played).toBeLessThanOrEqual(40 + 1);
    expect(played, "a backlog is drained faster than one a tick").toBeGreaterThan(40 - MAX_STEP_CREDIT);
    expect(s.stepCredit).toBeLessThanOrEqual(MAX_STEP_CREDIT);
  });

  it("re-files a swimmer that crossed into another cell and says so", () => {
    const sim = new PondSim({ cellSize: 100, random: createRng(5) });
    const q = new Queue();
    const s = sim.spawn("a", q, body(), {});
    const moves: Array<[number, number]> = [];
    sim.onCellChange = (swimmer, from) => moves.push([from, swimmer.cell]);
    q.push(400, { angle: 0, thrust: 1 });
    for (let tick = 0; tick < 120; tick++) sim.step(DT);
    expect(moves.length).toBeGreaterThan(2);
    for (const [from, to] of moves) expect(to).not.toBe(from);
    expect(s.cell).toBe(sim.grid.cellAt(s.body.x, s.body.y));
    expect(sim.grid.cells[s.cell]).toContain(s);
  });
});

describe("SpatialGrid", () => {
  it("finds exactly the things within a radius, wherever they are", () => {
    const rng = createRng(6);
    const grid = new SpatialGrid<Placed>(250);
    const things: Placed[] = [];
    for (let i = 0; i < 500; i++) {
      const t: Placed = { body: { x: (rng() - 0.5) * 4000, y: (rng() - 0.5) * 4000 }, cell: -1, slot: 0 };
      things.push(t);
      grid.insert(t);
    }
    for (const t of things.slice(0, 100)) grid.remove(t);
    const kept = things.slice(100);
    for (let q = 0; q < 50; q++) {
      const x = (rng() - 0.5) * 4400;
      const y = (rng() - 0.5) * 4400;
      const r = 50 + rng() * 900;
      const found = new Set<Placed>();
      grid.forEachNear(x, y, r, (t) => found.add(t));
      const truth = kept.filter((t) => Math.hypot(t.body.x - x, t.body.y - y) <= r);
      expect(found.size).toBe(truth.length);
      for (const t of truth) expect(found.has(t)).toBe(true);
    }
  });

  it("measures the distance to a cell's nearest point", () => {
    const grid = new SpatialGrid<Placed>(100);
    const cell = grid.cellAt(50, 50);
    expect(grid.distance2ToCell(cell, 50, 50)).toBe(0);
    expect(grid.distance2ToCell(cell, 130, 50)).toBeCloseTo(900, 6);
    expect(grid.distance2ToCell(cell, -30, -40)).toBeCloseTo(900 + 1600, 6);
  });
});

describe("IdPool", () => {
  it("hands out every id once, refuses when empty and refuses a double return", () => {
    const pool = new IdPool(3);
    expect([pool.take(), pool.take(), pool.take(), pool.take()]).toEqual([0, 1, 2, -1]);
    pool.give(1);
    expect(pool.take()).toBe(1);
    pool.give(0); pool.give(1); pool.give(2);
    expect(() => pool.give(2)).toThrow();
  });
});
