import { describe, expect, it } from "vitest";
import { MAX_SPEED, WORLD_HALF } from "../../shared/constants.ts";
import { ANGLE_GRID, POSITION_GRID, SPEED_GRID } from "../../shared/grids.ts";
import type { Steer } from "../../shared/input.ts";
import { stepTadpole } from "../../shared/movement.ts";
import { snap } from "../../shared/quantize.ts";
import { createRng, type Rng } from "../../shared/rng.ts";
import type { Body } from "../../shared/state.ts";
import { Wander } from "../../kit/player/wander.ts";
import { PositionStreamDecoder, type DecodedEntity } from "../../shared/stream/decoder.ts";
import { PositionStreamEncoder } from "../../shared/stream/encoder.ts";
import { StreamFrameWriter } from "../../shared/stream/frame.ts";

/**
 * A random crowd swims for 400 ticks across an 8 × 8 grid of cells while several clients watch
 * changing sets of cells; after every frame each client must hold exactly the tadpoles of its
 * cells, each exactly where the server has it (positions travel as the codes of the schema's
 * own grid) and with its heading and speed within half a wire step.
 */

const SEED = Number(process.env.STREAM_SEED ?? 424242);
const DT = 1 / 20;
const TICKS = 400;
const CROWD = 300;
const COLS = 8;
const CELL_SIZE = (WORLD_HALF * 2) / COLS;
const CELLS = COLS * COLS;

const HEADING_TOLERANCE = Math.PI / 1024 + 1e-9; // half of 2π/1024
const SPEED_TOLERANCE = MAX_SPEED / 510 + 1e-9; // half of MAX_SPEED/255

/** straight: full thrust, fixed heading; bot: the bots' Wander steering (the typical swimmer);
 * wander: a new random target heading and thrust about once a second; jittery: random every tick. */
type Mode = "straight" | "bot" | "wander" | "jittery" | "idle";
interface Swimmer { id: number; body: Body; steer: Steer; mode: Mode; cell: number; bot: Wander | null }

function column(v: number): number {
  const c = Math.floor((v + WORLD_HALF) / CELL_SIZE);
  return c < 0 ? 0 : c >= COLS ? COLS - 1 : c;
}

function cellOf(body: Body): number {
  return column(body.x) + COLS * column(body.y);
}

function randomBody(rng: Rng): Body {
  return {
    x: snap(POSITION_GRID, (rng() * 2 - 1) * WORLD_HALF),
    y: snap(POSITION_GRID, (rng() * 2 - 1) * WORLD_HALF),
    angle: snap(ANGLE_GRID, rng() * Math.PI * 2),
    speed: snap(SPEED_GRID, rng() * MAX_SPEED),
  };
}

function turnBy(a: number, b: number): number {
  const d = Math.abs(a - b) % (Math.PI * 2);
  return Math.min(d, Math.PI * 2 - d);
}

function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** The cells within `radius` cells of `center` (a square window). */
function windowAround(center: number, radius: number): Set<number> {
  const cx = center % COLS;
  const cy = Math.floor(center / COLS);
  const cells = new Set<number>();
  for (let y = cy - radius; y <= cy + radius; y++) {
    for (let x = cx - radius; x <= cx + radius; x++) if (x >= 0 && y >= 0 && x < COLS && y < COLS) cells.add(x + COLS * y);
  }
  return cells;
}

interface Client {
  name: string;
  decoder: PositionStreamDecoder;
  writer: StreamFrameWriter;
  /** Cells watched after the last frame; null before joining or right after a reset. */
  watched: Set<number> | null;
  /** Ids announced by onEnter and not yet by onLeave. */
  announced: Map<number, DecodedEntity>;
  selfId: number | null;
  joinAt: number;
  resetAt: number;
  shuffleBlocks: boolean;
  /** Chooses the cells to watch this tick. */
  choose: (tick: number) => Set<number>;
}

function makeClient(name: string, options: Partial<Client> & Pick<Client, "choose">): Client {
  const client: Client = {
    name, decoder: new PositionStreamDecoder(), writer: new StreamFrameWriter(), watched: null,
    announced: new Map(), selfId: null, joinAt: 1, resetAt: -1, shuffleBlocks: false, ...options,
  };
  client.decoder.onEnter = (e) => {
    if (client.announced.has(e.id)) throw new Error(`${name}: ${e.id} entered twice`);
    client.announced.set(e.id, e);
  };
  client.decoder.onLeave = (e) => {
    if (client.announced.get(e.id) !== e) throw new Error(`${name}: ${e.id} left without entering`);
    client.announced.delete(e.id);
  };
  return client;
}

/** Walks a block body and reports each record's id, flags and byte length; returns the size of its record count. */
function records(block: Uint8Array, each: (id: number, flags: number, bytes: number) => void): number {
  let pos = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = block[pos++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
  };
  const n = varint();
  const countBytes = pos;
  let id = -1;
  for (let i = 0; i < n; i++) {
    const start = pos;
    id += 1 + varint();
    const flags = block[pos++];
    pos += [0, 1, 2, flags & 0x40 ? 8 : 6][flags & 3] + [0, 1, 2, 0][(flags >> 2) & 3] + ((flags >> 4) & 1);
    each(id, flags, pos - start);
  }
  expect(pos).toBe(block.length);
  return countBytes;
}

describe("position stream round trip with a random crowd", () => {
  it(`holds exactly the watched tadpoles, where the server has them (seed ${SEED})`, () => {
    console.info(`streamRoundTrip seed=${SEED} (set STREAM_SEED to replay)`);
    const rng = createRng(SEED);
    const encoder = new PositionStreamEncoder(CELLS);
    const swimmers = new Map<number, Swimmer>();
    const justFreed: number[] = []; // removed this tick: re-addable only after the next encodeTick
    let reusable: number[] = [];

    const spawn = (id: number): void => {
      const r = rng();
      const mode: Mode = r < 0.25 ? "straight" : r < 0.65 ? "bot" : r < 0.8 ? "wander" : r < 0.9 ? "jittery" : "idle";
      const body = randomBody(rng);
      const steer = { angle: rng() * Math.PI * 2, thrust: mode === "idle" ? 0 : mode === "straight" ? 1 : rng() };
      if (mode === "straight") body.angle = snap(ANGLE_GRID, steer.angle);
      const bot = mode === "bot" ? new Wander(rng, undefined, body.angle) : null;
      const swimmer: Swimmer = { id, body, steer, mode, cell: cellOf(body), bot };
      swimmers.set(id, swimmer);
      encoder.add(id, swimmer.cell, body);
    };
    // Servers hand out small ids (records then cost one gap byte); a few come from anywhere in 0..65535.
    const freshId = (): number => {
      for (;;) {
        const id = Math.floor(rng() * (rng() < 0.05 ? 65536 : CROWD * 1.5));
        if (!swimmers.has(id) && !justFreed.includes(id)) return id;
      }
    };

    // The extreme ids, then random ones.
    spawn(0);
    spawn(65535);
    while (swimmers.size < CROWD) spawn(freshId());
    const [ownA, ownB] = [...swimmers.keys()].slice(2, 4);
    const protectedIds = new Set([0, 65535, ownA, ownB]);

    let roamer = Math.floor(rng() * CELLS);
    let subset = new Set<number>();
    const clients: Client[] = [
      makeClient("follower", { selfId: ownA, choose: () => windowAround(swimmers.get(ownA)!.cell, 1) }),
      makeClient("roamer", {
        shuffleBlocks: true,
        choose: () => {
          if (rng() < 0.1) {
            const near = [...windowAround(roamer, 1)];
            roamer = near[Math.floor(rng() * near.length)];
          }
          if (rng() < 0.01) roamer = Math.floor(rng() * CELLS);
          return windowAround(roamer, 2);
        },
      }),
      makeClient("late joiner", { selfId: ownB, joinAt: 150, shuffleBlocks: true, choose: () => windowAround(swimmers.get(ownB)!.cell, 2) }),
      makeClient("reconnecting", { resetAt: 250, choose: () => windowAround(27, 2) }),
      makeClient("whole pond, then subsets", {
        shuffleBlocks: true,
        choose: (tick) => {
          if (tick < 100) return new Set(Array.from({ length: CELLS }, (_, c) => c));
          if (tick % 30 === 0 || subset.size === 0) subset = new Set(Array.from({ length: CELLS }, (_, c) => c).filter(() => rng() < 0.3));
          return subset;
        },
      }),
    ];

    const stats = {
      records: 0, recordBytes: 0, headerBytes: 0, entityTicks: 0, enters: 0, leaves: 0,
      updates: 0, updateBytes: 0, nibbles: 0, int8: 0, absolute: 0, headingAbsolute: 0,
      straightTicks: 0, straightSilent: 0,
    };
    const framesDecoded = new Map<string, number>();
    const tally = () => ({ ticks: 0, records: 0, bytes: 0, heading: 0, speed: 0, int8: 0 });
    const byMode: Record<Mode, ReturnType<typeof tally>> = { straight: tally(), bot: tally(), wander: tally(), jittery: tally(), idle: tally() };

    for (let tick = 1; tick <= TICKS; tick++) {
      // Removals and spawns, with ids reused one tick after their removal.
      if (rng() < 0.3) {
        const victims = [...swimmers.keys()].filter((id) => !protectedIds.has(id));
        const id = victims[Math.floor(rng() * victims.length)];
        encoder.remove(id);
        swimmers.delete(id);
        justFreed.push(id);
      }
      if (rng() < 0.3) {
        const reused = reusable.length > 0 && rng() < 0.5 ? reusable.pop()! : -1;
        spawn(reused >= 0 && !swimmers.has(reused) ? reused : freshId());
      }

      // Teleports: anywhere, or a short hop that keeps the cell (an absolute record).
      if (rng() < 0.2) {
        const s = [...swimmers.values()][Math.floor(rng() * swimmers.size)];
        if (rng() < 0.5) Object.assign(s.body, randomBody(rng));
        else {
          s.body.x = snap(POSITION_GRID, Math.max(-WORLD_HALF, Math.min(WORLD_HALF, s.body.x + (rng() < 0.5 ? -1 : 1) * (20 + rng() * 80))));
          s.body.angle = snap(ANGLE_GRID, s.body.angle + Math.PI);
        }
      }

      for (const s of swimmers.values()) {
        if (s.mode === "wander" && rng() < 0.05) s.steer = { angle: rng() * Math.PI * 2, thrust: rng() };
        if (s.mode === "jittery") s.steer = { angle: s.body.angle + (rng() - 0.5), thrust: rng() };
        s.bot?.update(DT, s.body.x, s.body.y, s.steer);
        stepTadpole(s.body, s.steer, DT);
        const cell = cellOf(s.body);
        if (cell !== s.cell) {
          encoder.setCell(s.id, cell);
          s.cell = cell;
        }
      }

      encoder.encodeTick();
      reusable.push(...justFreed);
      justFreed.length = 0;
      if (reusable.length > 20) reusable = reusable.slice(-20);

      // What this tick cost, from the blocks every client shares.
      const silentStraight = new Set([...swimmers.values()].filter((s) => s.mode === "straight" && s.body.speed === MAX_SPEED).map((s) => s.id));
      stats.straightTicks += silentStraight.size;
      const modeOf = new Map([...swimmers.values()].map((s) => [s.id, s.mode]));
      for (const s of swimmers.values()) byMode[s.mode].ticks++;
      stats.entityTicks += swimmers.size;
      for (let cell = 0; cell < CELLS; cell++) {
        const block = encoder.delta(cell);
        if (block === null) continue;
        // The block's head (written per frame: one byte for a neighbouring cell) and its record count.
        stats.headerBytes += 1 + records(block, (id, flags, bytes) => {
          stats.records++;
          stats.recordBytes += bytes;
          silentStraight.delete(id);
          if (flags === 0x20) stats.leaves++;
          else if ((flags & 0xbf) === 0x1b) stats.enters++;
          else {
            stats.updates++;
            stats.updateBytes += bytes;
            const m = modeOf.get(id)!;
            byMode[m].records++;
            byMode[m].bytes += bytes;
            if (flags & 0x0c) byMode[m].heading++;
            if (flags & 0x10) byMode[m].speed++;
            if ((flags & 3) === 2) byMode[m].int8++;
            if ((flags & 3) === 1) stats.nibbles++;
            if ((flags & 3) === 2) stats.int8++;
            if ((flags & 3) === 3) stats.absolute++;
            if ((flags & 12) === 8) stats.headingAbsolute++;
          }
        });
      }
      stats.straightSilent += silentStraight.size;

      for (const client of clients) {
        if (tick < client.joinAt) continue;
        if (tick === client.resetAt) {
          client.decoder.reset();
          expect(client.decoder.entities.size).toBe(0);
          expect(client.announced.size).toBe(0);
          expect(client.decoder.self).toBeNull();
          client.watched = null;
        }
        const before = new Map(client.decoder.entities);
        const next = client.choose(tick);
        const ops: (() => void)[] = [];
        for (const cell of next) {
          if (client.watched?.has(cell)) {
            const body = encoder.delta(cell);
            if (body !== null) ops.push(() => client.writer.delta(cell, body));
          } else {
            ops.push(() => client.writer.key(cell, encoder.key(cell)));
          }
        }
        for (const cell of client.watched ?? []) if (!next.has(cell)) ops.push(() => client.writer.drop(cell));
        if (client.shuffleBlocks) shuffle(rng, ops);
        const self = client.selfId === null ? null : swimmers.get(client.selfId)!.body;
        client.writer.begin(self);
        for (const op of ops) op();
        const frame = client.writer.finish();
        expect(client.decoder.decode(frame, 0, frame.length)).toBe(true);
        client.watched = next;
        framesDecoded.set(client.name, (framesDecoded.get(client.name) ?? 0) + 1);

        // Exactly the tadpoles of the watched cells, each close to the truth.
        const expected = [...swimmers.values()].filter((s) => next.has(s.cell));
        const held = client.decoder.entities;
        if (held.size !== expected.length) {
          throw new Error(`${client.name} tick ${tick}: holds ${held.size}, expected ${expected.length}`);
        }
        for (const s of expected) {
          const e = held.get(s.id);
          if (e === undefined) throw new Error(`${client.name} tick ${tick}: missing ${s.id}`);
          expect(e.id).toBe(s.id);
          if (e.x !== s.body.x || e.y !== s.body.y
            || turnBy(e.angle, s.body.angle) > HEADING_TOLERANCE || Math.abs(e.speed - s.body.speed) > SPEED_TOLERANCE) {
            throw new Error(`${client.name} tick ${tick} id ${s.id}: decoded ${JSON.stringify(e)}, true ${JSON.stringify(s.body)}`);
          }
          // Objects are stable while known, and events agree with the map.
          const old = before.get(s.id);
          if (old !== undefined && old !== e) throw new Error(`${client.name} tick ${tick}: ${s.id} changed object`);
          if (client.announced.get(s.id) !== e) throw new Error(`${client.name} tick ${tick}: ${s.id} not announced`);
        }
        expect(client.announced.size).toBe(held.size);

        // The own body is exact.
        if (self !== null) {
          const got = client.decoder.self!;
          for (const k of ["x", "y", "angle", "speed"] as const) {
            if (!Object.is(got[k], self[k])) throw new Error(`${client.name} tick ${tick}: self.${k} ${got[k]} != ${self[k]}`);
          }
        } else {
          expect(client.decoder.self).toBeNull();
        }
        expect(client.decoder.errors).toBe(0);
        expect(client.decoder.skipped).toBe(0);
      }
    }

    expect(framesDecoded.get("late joiner")).toBe(TICKS - 150 + 1);
    expect(framesDecoded.get("follower")).toBe(TICKS);
    // The scenario really exercised every position kind and absolute headings.
    expect(stats.nibbles).toBeGreaterThan(0);
    expect(stats.int8).toBeGreaterThan(0);
    expect(stats.absolute).toBeGreaterThan(0);
    expect(stats.headingAbsolute).toBeGreaterThan(0);
    expect(stats.leaves).toBeGreaterThan(0);

    const perRecord = stats.recordBytes / stats.records;
    const perUpdate = stats.updateBytes / stats.updates;
    const perEntityTick = (stats.recordBytes + stats.headerBytes) / stats.entityTicks;
    const silentShare = stats.straightSilent / stats.straightTicks;
    console.info(
      `stream size: ${stats.records} records, ${perRecord.toFixed(2)} B/record `
      + `(${perUpdate.toFixed(2)} B per update record; ${stats.enters} enters at 11-15 B, ${stats.leaves} leaves), `
      + `${perEntityTick.toFixed(2)} B/entity-tick with block headers; `
      + `update kinds: ${stats.nibbles} nibbles, ${stats.int8} int8, ${stats.absolute} absolute; `
      + `straight swimmers at full speed silent ${(silentShare * 100).toFixed(0)}% of ticks`,
    );
    for (const [mode, m] of Object.entries(byMode)) {
      const share = (k: number): string => `${((100 * k) / m.records).toFixed(0)}%`;
      console.info(`  ${mode}: ${(m.bytes / m.records).toFixed(2)} B per update record (heading in ${share(m.heading)}, `
        + `speed in ${share(m.speed)}, int8 position in ${share(m.int8)}), ${(m.bytes / m.ticks).toFixed(2)} B per tick, `
        + `a record in ${((100 * m.records) / m.ticks).toFixed(0)}% of ticks`);
    }
    // Closed-loop residuals keep ordinary swimmers small: without nibbles, or with absolute
    // positions, or without "keep going" these bounds break. A straight swimmer at full speed moves
    // the same whole number of grid codes every tick, so it is almost always silent (format v1, in
    // 1/8 units, had it flicker: 2.35 B per tick, silent 33 % of ticks; overall 4.38 B per entity-tick).
    expect(byMode.straight.bytes / byMode.straight.ticks).toBeLessThan(0.5);
    expect(silentShare).toBeGreaterThan(0.9);
    expect(byMode.bot.bytes / byMode.bot.ticks).toBeLessThan(4.5);
    expect(perUpdate).toBeLessThan(5.5);
    expect(perEntityTick).toBeLessThan(3.8);
  });
});
