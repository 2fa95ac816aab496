import { describe, expect, it } from "vitest";
import { BIRTH_TRIES, FOOD_MARGIN } from "../../server/sim/FoodField.ts";
import { compareRanked, LEADERBOARD_SIZE, topRanked, writeLeaders, type Ranked } from "../../server/sim/Leaderboard.ts";
import { Pond, type Member } from "../../server/sim/Pond.ts";
import type { InputSource } from "../../server/sim/PondSim.ts";
import { WORLD_HALF } from "../../shared/constants.ts";
import { POSITION_GRID } from "../../shared/grids.ts";
import { eatReach, FROG_LEVEL, LEGS_LEVEL, levelOf, MAX_LEVEL, MAX_MASS, sizeScale, Stage, stageOf } from "../../shared/growth.ts";
import type { Steer } from "../../shared/input.ts";
import { snap } from "../../shared/quantize.ts";
import { createRng } from "../../shared/rng.ts";
import { PondState } from "../../shared/state.ts";
import { PositionStreamDecoder } from "../../shared/stream/decoder.ts";

const DT = 0.05;

/** A queue of inputs, as the room's Colyseus input buffer hands them over. */
class Queue implements InputSource {
  readonly items: Steer[] = [];
  get size(): number { return this.items.length; }
  next(): Steer | undefined { return this.items.shift(); }
}

/**
 * Random numbers that put the next specks born exactly where asked (every birth try at the same
 * point, so the crowd rule cannot move it), then a seeded sequence.
 */
function placing(points: Array<{ x: number; y: number }>, seed = 1): () => number {
  const queue: number[] = [];
  for (const p of points) {
    for (let i = 0; i < BIRTH_TRIES; i++) queue.push((p.x / (WORLD_HALF - FOOD_MARGIN) + 1) / 2, (p.y / (WORLD_HALF - FOOD_MARGIN) + 1) / 2);
  }
  const rest = createRng(seed);
  return () => (queue.length > 0 ? queue.shift()! : rest());
}

/** A pond whose first specks are at `points`, and a member parked at (x, y) that sends no input. */
function pondWith(points: Array<{ x: number; y: number }>): { pond: Pond; member: Member } {
  const pond = new Pond(new PondState(), { viewRadius: 1200, interest: true, food: points.length, random: placing(points) });
  const member = pond.join("a", new Queue(), "Ann", 0, {});
  return { pond, member };
}

function park(member: Member, x: number, y: number): void {
  member.body.x = snap(POSITION_GRID, x);
  member.body.y = snap(POSITION_GRID, y);
  member.body.speed = 0;
}

describe("growth rules (shared/growth.ts)", () => {
  it("a level is the whole square root of the mass, up to MAX_LEVEL", () => {
    expect([0, 1, 3, 4, 8, 9, 63, 64, 143, 144, MAX_MASS, MAX_MASS * 2].map(levelOf)).toEqual([0, 1, 1, 2, 2, 3, 7, 8, 11, 12, 20, 20]);
    expect(levelOf(-5)).toBe(0);
    expect(levelOf(Number.NaN)).toBe(0);
    expect(levelOf(MAX_MASS)).toBe(MAX_LEVEL);
  });

  it("legs from level 8 (mass 64), a frog from level 12 (mass 144): the thresholds, exactly", () => {
    expect(stageOf(levelOf(63))).toBe(Stage.tadpole);
    expect(stageOf(levelOf(64))).toBe(Stage.legs);
    expect(LEGS_LEVEL).toBe(8);
    expect(stageOf(levelOf(143))).toBe(Stage.legs);
    expect(stageOf(levelOf(144))).toBe(Stage.frog);
    expect(FROG_LEVEL).toBe(12);
    expect(stageOf(MAX_LEVEL)).toBe(Stage.frog);
  });

  it("size (and so reach) grows from 1 to 2 times with the level", () => {
    expect(sizeScale(0)).toBe(1);
    expect(sizeScale(MAX_LEVEL)).toBe(2);
    expect(sizeScale(10)).toBe(1.5);
    expect(eatReach(MAX_LEVEL) - eatReach(0)).toBeCloseTo(8, 10);
  });
});

describe("eating: the server decides, at the edge of reach", () => {
  const reach = eatReach(0);

  it("eats a speck just inside its head's reach, and grows by one", () => {
    const speck = { x: 500, y: 300 };
    const { pond, member } = pondWith([speck]);
    const at = { x: snap(POSITION_GRID, speck.x), y: snap(POSITION_GRID, speck.y) };
    park(member, at.x - reach + 0.1, at.y);
    expect(Math.hypot(member.body.x - at.x, member.body.y - at.y)).toBeLessThan(reach);
    pond.step(DT);
    expect(member.mass).toBe(1);
    expect(member.tadpole.level).toBe(1);
    // Eaten, and born again elsewhere at once: the pond keeps its count.
    expect(pond.food!.count).toBe(1);
    expect(pond.food!.key(pond.sim.grid.cellAt(at.x, at.y))).toBeNull();
  });

  it("does not eat a speck just beyond reach, however long it waits there", () => {
    const speck = { x: 500, y: 300 };
    const { pond, member } = pondWith([speck]);
    const at = { x: snap(POSITION_GRID, speck.x), y: snap(POSITION_GRID, speck.y) };
    park(member, at.x - reach - 0.2, at.y);
    expect(Math.hypot(member.body.x - at.x, member.body.y - at.y)).toBeGreaterThan(reach);
    for (let i = 0; i < 40; i++) pond.step(DT);
    expect(member.mass).toBe(0);
    expect(pond.food!.key(pond.sim.grid.cellAt(at.x, at.y))).not.toBeNull();
  });

  it("a larger tadpole reaches further: the same speck, eaten at level 20 from where level 0 missed it", () => {
    const speck = { x: -700, y: 100 };
    const { pond, member } = pondWith([speck]);
    const at = { x: snap(POSITION_GRID, speck.x), y: snap(POSITION_GRID, speck.y) };
    park(member, at.x, at.y + reach + 3);
    pond.step(DT);
    expect(member.mass).toBe(0);
    pond.setMass(member, MAX_MASS - 1);
    expect(member.tadpole.level).toBe(MAX_LEVEL - 1);
    pond.step(DT);
    expect(member.mass).toBe(MAX_MASS);
  });

  it("a client flooding inputs swims no further than an honest one, so it reaches no more food", () => {
    // A lane of specks ahead of two tadpoles; one sends an input per tick, the other ten.
    const lane = Array.from({ length: 60 }, (_, i) => ({ x: -1500 + i * 25, y: 800 }));
    const lane2 = lane.map((p) => ({ x: p.x, y: -800 }));
    const pond = new Pond(new PondState(), { viewRadius: 1200, interest: true, food: lane.length * 2, random: placing([...lane, ...lane2]) });
    const honestQ = new Queue();
    const floodQ = new Queue();
    const honest = pond.join("h", honestQ, "Honest", 0, {});
    const flood = pond.join("f", floodQ, "Flood", 1, {});
    park(honest, -1530, 800);
    park(flood, -1530, -800);
    honest.body.angle = 0;
    flood.body.angle = 0;
    for (let tick = 0; tick < 200; tick++) {
      honestQ.items.push({ angle: 0, thrust: 1 });
      for (let i = 0; i < 10; i++) floodQ.items.push({ angle: 0, thrust: 1 });
      pond.step(DT);
    }
    expect(honest.mass).toBeGreaterThan(20);
    expect(flood.body.x - honest.body.x).toBeLessThanOrEqual(4 * 150 * DT); // at most the banked step credit ahead
    expect(flood.mass).toBeLessThanOrEqual(honest.mass + 1);
  });
});

describe("hunger: growth fades without food", () => {
  it("loses one mass per hunger period without food, and none while it eats", () => {
    const { pond, member } = pondWith([{ x: 1500, y: 1500 }]);
    park(member, 0, 0);
    pond.setMass(member, 10);
    member.fedTick = pond.sim.tick;
    const hunger = 100;
    pond.sim.tick += hunger - 1;
    pond.checkHunger(hunger);
    expect(member.mass).toBe(10);
    pond.sim.tick += 1;
    pond.checkHunger(hunger);
    expect(member.mass).toBe(9);
    // Three periods at once (a slow timer): three mass, and the level follows.
    pond.sim.tick += 3 * hunger;
    pond.checkHunger(hunger);
    expect(member.mass).toBe(6);
    expect(member.tadpole.level).toBe(levelOf(6));
    // Never below zero.
    pond.sim.tick += 100 * hunger;
    pond.checkHunger(hunger);
    expect(member.mass).toBe(0);
    expect(member.tadpole.level).toBe(0);
    // HUNGER 0: never.
    pond.setMass(member, 5);
    pond.sim.tick += 100 * hunger;
    pond.checkHunger(0);
    expect(member.mass).toBe(5);
  });
});

describe("the leaderboard", () => {
  const ranked = (name: string, mass: number, massTick: number): Ranked => ({ tadpole: { name }, mass, massTick });

  it("orders by mass, then by who got there first, then by name; leaves out those who never ate", () => {
    const members = [ranked("Cid", 5, 10), ranked("Ann", 9, 50), ranked("Bea", 9, 20), ranked("Dee", 0, 0), ranked("Eve", 5, 10), ranked("Fay", 1, 1)];
    const top = topRanked(members, 3, []);
    expect(top.map((r) => r.tadpole.name)).toEqual(["Bea", "Ann", "Cid"]);
    const all = topRanked(members, 10, []);
    expect(all.map((r) => r.tadpole.name)).toEqual(["Bea", "Ann", "Cid", "Eve", "Fay"]);
    expect(all.every((r, i) => i === 0 || compareRanked(all[i - 1], r) < 0)).toBe(true);
    expect(LEADERBOARD_SIZE).toBe(5);
  });

  it("keeps the best ever after its holder shrinks or leaves; a tie keeps the first", () => {
    const state = new PondState();
    writeLeaders(state, topRanked([ranked("Ann", 30, 1), ranked("Bea", 12, 2)], 5, []));
    expect(state.leaders.map((l) => [l.name, l.mass])).toEqual([["Ann", 30], ["Bea", 12]]);
    expect([state.best.name, state.best.mass]).toEqual(["Ann", 30]);
    // Ann leaves; Bea catches up to exactly Ann's best: the board changes, the best stays Ann's.
    writeLeaders(state, topRanked([ranked("Bea", 30, 9)], 5, []));
    expect(state.leaders.map((l) => [l.name, l.mass])).toEqual([["Bea", 30]]);
    expect([state.best.name, state.best.mass]).toEqual(["Ann", 30]);
    writeLeaders(state, topRanked([ranked("Bea", 31, 10)], 5, []));
    expect([state.best.name, state.best.mass]).toEqual(["Bea", 31]);
    // Nobody has eaten: an empty board, and the best stays.
    writeLeaders(state, []);
    expect(state.leaders.length).toBe(0);
    expect(state.best.mass).toBe(31);
  });

  it("the pond's board follows its members' masses", () => {
    const { pond, member } = pondWith([{ x: 1500, y: 1500 }]);
    const other = pond.join("b", new Queue(), "Bea", 1, {});
    pond.setMass(member, 3);
    pond.setMass(other, 7);
    pond.updateLeaders();
    expect(pond.state.leaders.map((l) => [l.name, l.mass])).toEqual([["Bea", 7], ["Ann", 3]]);
    pond.leave(other);
    pond.updateLeaders();
    expect(pond.state.leaders.map((l) => [l.name, l.mass])).toEqual([["Ann", 3]]);
    expect([pond.state.best.name, pond.state.best.mass]).toEqual(["Bea", 7]);
  });
});

describe("food in the position stream, from the server's FoodField", () => {
  it("a client holds exactly the specks of the cells it watches, where the server has them, and loses one the moment it is eaten", () => {
    const near = { x: 150, y: 0 };
    const far = { x: 1800, y: 1800 };
    const { pond, member } = pondWith([near, far]);
    park(member, 0, 0);
    pond.interest.sweep(member);
    const decoder = new PositionStreamDecoder();
    const send = () => {
      pond.encodeStream();
      const frame = pond.tailFor(member);
      expect(decoder.decode(frame, 0, frame.length)).toBe(true);
      pond.endStream();
    };
    send();
    const held = () => [...decoder.food.specks.values()].map((s) => ({ x: s.x, y: s.y }));
    // The near speck exactly; the far one is in a cell it does not watch.
    expect(held()).toEqual([{ x: snap(POSITION_GRID, near.x), y: snap(POSITION_GRID, near.y) }]);
    const nearId = [...decoder.food.specks.keys()][0];

    // Another tadpole eats it: the next frame takes it away (and adds its replacement if that
    // was born in a watched cell).
    const eater = pond.join("b", new Queue(), "Bea", 1, {});
    park(eater, snap(POSITION_GRID, near.x), snap(POSITION_GRID, near.y));
    pond.step(DT);
    expect(eater.mass).toBe(1);
    send();
    expect(decoder.food.specks.has(nearId)).toBe(false);
    expect(decoder.food.skipped).toBe(0);
    const watched = new Set(member.watched);
    for (const speck of decoder.food.specks.values()) expect(watched.has(pond.sim.grid.cellAt(speck.x, speck.y))).toBe(true);

    // A frame with nothing eaten carries no food section at all.
    pond.encodeStream();
    const quiet = pond.tailFor(member);
    pond.endStream();
    const before = decoder.food.specks.size;
    expect(decoder.decode(quiet, 0, quiet.length)).toBe(true);
    expect(decoder.food.specks.size).toBe(before);
  });
});

describe("food in the stream: what a decoder refuses", () => {
  const decode = (hexBytes: string) => {
    const decoder = new PositionStreamDecoder();
    const bytes = Uint8Array.from(hexBytes.split(" ").map((h) => parseInt(h, 16)));
    return { ok: decoder.decode(bytes, 0, bytes.length), decoder };
  };

  it("takes a well-formed food key", () => {
    const { ok, decoder } = decode("00 00 01 01 01 00 ff 7f ff 7f");
    expect(ok).toBe(true);
    expect([...decoder.food.specks.values()]).toEqual([{ id: 0, x: 0, y: 0, cell: 0 }]);
  });

  it("refuses an empty food section, a position code of 65535, an id past 65535, and a truncated speck", () => {
    expect(decode("00 00 00").ok).toBe(false);
    expect(decode("00 00 01 01 01 00 ff ff ff 7f").ok).toBe(false);
    expect(decode("00 00 01 01 02 ff ff 03 ff 7f ff 7f 00 ff 7f ff 7f").ok).toBe(false);
    expect(decode("00 00 01 01 01 00 ff 7f").ok).toBe(false);
  });

  it("counts an eaten speck it never held as skipped, and goes on", () => {
    const { ok, decoder } = decode("00 00 01 00 01 05 00");
    expect(ok).toBe(true);
    expect(decoder.food.skipped).toBe(1);
  });
});
