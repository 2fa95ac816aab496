import { describe, expect, it } from "vitest";
import { MAX_SPEED } from "../../shared/constants.ts";
import { createRng, type Rng } from "../../shared/rng.ts";
import { PositionStreamDecoder, type DecodedEntity } from "../../shared/stream/decoder.ts";
import { PositionStreamEncoder } from "../../shared/stream/encoder.ts";
import type { Pose } from "../../shared/pose.ts";
import { StreamFrameWriter } from "../../shared/stream/frame.ts";

/**
 * Hostile input: garbage, truncated and mutated frames never throw, malformed ones return false,
 * the decoder stays consistent, and valid frames afterwards still decode (a resync restores the
 * exact state).
 */

const SEED = Number(process.env.STREAM_SEED ?? 99173);
const CELLS = 16;

interface Stream {
  frames: Uint8Array[];
  /** Key blocks of every cell after the last tick, as one frame: what a reconnect receives. */
  resync: Uint8Array;
}

/** A small valid stream: 60 swimmers over 4 × 4 cells, a client watching a changing set. */
function validStream(rng: Rng): Stream {
  const encoder = new PositionStreamEncoder(CELLS);
  const writer = new StreamFrameWriter();
  const bodies = new Map<number, { body: Pose; cell: number; vx: number; vy: number }>();
  for (let id = 0; id < 60; id++) {
    const body = { x: rng() * 400 - 200, y: rng() * 400 - 200, angle: rng() * 7, speed: rng() * MAX_SPEED };
    const cell = Math.floor(rng() * CELLS);
    bodies.set(id, { body, cell, vx: rng() * 6 - 3, vy: rng() * 6 - 3 });
    encoder.add(id * 997 % 65536, cell, body);
  }
  const frames: Uint8Array[] = [];
  let watched = new Set<number>();
  for (let tick = 0; tick < 60; tick++) {
    for (const [id, s] of bodies) {
      s.body.x += s.vx + (rng() - 0.5);
      s.body.y += s.vy + (rng() - 0.5);
      s.body.angle += rng() - 0.5;
      if (rng() < 0.2) s.body.speed = rng() * MAX_SPEED;
      if (rng() < 0.03) s.body.x += 300;
      if (rng() < 0.05) {
        s.cell = Math.floor(rng() * CELLS);
        encoder.setCell(id * 997 % 65536, s.cell);
      }
    }
    encoder.encodeTick();
    const next = new Set([...Array(CELLS).keys()].filter(() => rng() < 0.6));
    writer.begin(rng() < 0.5 ? null : { x: rng() * 100, y: -rng() * 100, angle: rng() * 6, speed: rng() * MAX_SPEED });
    for (const cell of next) {
      if (!watched.has(cell)) writer.key(cell, encoder.key(cell));
      else {
        const body = encoder.delta(cell);
        if (body !== null) writer.delta(cell, body);
      }
    }
    for (const cell of watched) if (!next.has(cell)) writer.drop(cell);
    frames.push(writer.finish().slice());
    watched = next;
  }
  writer.begin(null);
  for (let cell = 0; cell < CELLS; cell++) writer.key(cell, encoder.key(cell));
  return { frames, resync: writer.finish().slice() };
}

/** A decoder whose onEnter/onLeave bookkeeping is checked along with its map. */
function watchedDecoder(): { decoder: PositionStreamDecoder; check: () => void } {
  const decoder = new PositionStreamDecoder();
  const announced = new Map<number, DecodedEntity>();
  decoder.onEnter = (e) => {
    expect(announced.has(e.id)).toBe(false);
    announced.set(e.id, e);
  };
  decoder.onLeave = (e) => {
    expect(announced.get(e.id)).toBe(e);
    announced.delete(e.id);
  };
  const check = (): void => {
    expect(announced.size).toBe(decoder.entities.size);
    for (const [id, e] of decoder.entities) {
      if (e.id !== id || !Number.isInteger(id) || id < 0 || id > 65535 || announced.get(id) !== e
        || !Number.isFinite(e.x) || !Number.isFinite(e.y)
        || !(e.angle >= 0 && e.angle < Math.PI * 2) || !(e.speed >= 0 && e.speed <= MAX_SPEED)) {
        throw new Error(`inconsistent entity ${id}: ${JSON.stringify(e)}`);
      }
    }
    const self = decoder.self;
    if (self !== null) for (const v of [self.x, self.y, self.angle, self.speed]) expect(Number.isFinite(v)).toBe(true);
  };
  return { decoder, check };
}

function snapshot(decoder: PositionStreamDecoder): string {
  return JSON.stringify([...decoder.entities.values()].sort((a, b) => a.id - b.id));
}

describe(`position stream decoder under hostile input (seed ${SEED})`, () => {
  console.info(`streamFuzz seed=${SEED} (set STREAM_SEED to replay)`);
  const stream = validStream(createRng(SEED));

  it("decodes the valid stream cleanly (the fuzz starts from real frames)", () => {
    const { decoder, check } = watchedDecoder();
    for (const frame of stream.frames) {
      expect(decoder.decode(frame, 0, frame.length)).toBe(true);
      check();
    }
    expect(decoder.errors + decoder.skipped).toBe(0);
    expect(decoder.entities.size).toBeGreaterThan(0);
  });

  it("rejects every strict prefix and every frame with a trailing byte", () => {
    const decoder = new PositionStreamDecoder();
    let rejected = 0;
    for (const frame of stream.frames) {
      for (let length = 0; length < frame.length; length++) {
        if (decoder.decode(frame, 0, length)) throw new Error(`a ${length}-byte prefix of a ${frame.length}-byte frame decoded`);
        rejected++;
      }
      const longer = new Uint8Array(frame.length + 1);
      longer.set(frame);
      expect(decoder.decode(longer, 0, longer.length)).toBe(false);
      rejected++;
    }
    expect(decoder.errors).toBe(rejected);
  });

  it("survives seeded garbage and mutated frames, then resyncs exactly", () => {
    const rng = createRng(SEED + 1);
    const { decoder, check } = watchedDecoder();
    let accepted = 0;
    let rounds = 0;
    for (let round = 0; round < 40; round++) {
      // Valid frames in between keep the decoder holding entities to corrupt.
      for (const frame of stream.frames.slice(0, 1 + Math.floor(rng() * 10))) decoder.decode(frame, 0, frame.length);
      for (let i = 0; i < 100; i++) {
        let input: Uint8Array;
        const source = stream.frames[Math.floor(rng() * stream.frames.length)];
        if (rng() < 0.3) {
          input = new Uint8Array(Math.floor(rng() * 80)).map(() => Math.floor(rng() * 256));
          if (input.length > 0 && rng() < 0.7) input[0] = rng() < 0.5 ? 0 : 1; // get past selfFlags more often
        } else {
          const bytes = Array.from(source);
          for (let m = 1 + Math.floor(rng() * 3); m > 0; m--) {
            const at = Math.floor(rng() * bytes.length);
            const r = rng();
            if (r < 0.4) bytes[at] = Math.floor(rng() * 256);
            else if (r < 0.7) bytes[at] ^= 1 << Math.floor(rng() * 8);
            else if (r < 0.85) bytes.splice(at, 1);
            else bytes.splice(at, 0, Math.floor(rng() * 256));
          }
          input = new Uint8Array(bytes);
        }
        const before = decoder.errors;
        const ok = decoder.decode(input, 0, input.length);
        expect(decoder.errors).toBe(ok ? before : before + 1);
        if (ok) accepted++;
        rounds++;
        check();
      }
      // A valid frame still decodes (records for entities it lost track of are skipped, not fatal).
      const frame = stream.frames[Math.floor(rng() * stream.frames.length)];
      expect(decoder.decode(frame, 0, frame.length)).toBe(true);
      check();
    }
    console.info(`streamFuzz: ${rounds} hostile inputs, ${accepted} well-formed, ${decoder.errors} rejected, ${decoder.skipped} records skipped`);
    expect(decoder.errors).toBeGreaterThan(rounds / 2);

    decoder.reset();
    check();
    expect(decoder.entities.size).toBe(0);
    expect(decoder.decode(stream.resync, 0, stream.resync.length)).toBe(true);
    check();
    const reference = new PositionStreamDecoder();
    expect(reference.decode(stream.resync, 0, stream.resync.length)).toBe(true);
    expect(reference.entities.size).toBeGreaterThan(50);
    expect(snapshot(decoder)).toBe(snapshot(reference));
  });
});
