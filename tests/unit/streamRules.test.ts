import { describe, expect, it } from "vitest";
import { MAX_SPEED } from "../../shared/constants.ts";
import { POSITION_GRID } from "../../shared/grids.ts";
import { ByteReader, ByteWriter } from "../../shared/stream/bytes.ts";
import { fromCode } from "../../shared/stream/codes.ts";
import { PositionStreamDecoder, type DecodedEntity } from "../../shared/stream/decoder.ts";
import { PositionStreamEncoder } from "../../shared/stream/encoder.ts";
import type { Pose } from "../../shared/pose.ts";
import { MAX_CELL } from "../../shared/stream/format.ts";
import { StreamFrameWriter } from "../../shared/stream/frame.ts";

/** One rule of the format per test, on hand-made bytes or a tiny encoder scenario. */

const hex = (bytes: Uint8Array | null): string => bytes === null ? "null" : Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
const bytes = (text: string): Uint8Array => new Uint8Array(text.trim().split(/\s+/).filter(Boolean).map((h) => parseInt(h, 16)));
/** A position from its code on the schema's grid (16 codes ≈ 1 unit). */
const at = (code: number): number => fromCode(POSITION_GRID, code);
/** The code of position 0: the middle of the grid. */
const O = 32767;

/** Decodes a frame written as hex. */
function feed(decoder: PositionStreamDecoder, text: string): boolean {
  const frame = bytes(text);
  return decoder.decode(frame, 0, frame.length);
}

const u8 = (v: number): string => (v & 0xff).toString(16).padStart(2, "0");
const u16 = (v: number): string => `${u8(v)} ${u8(v >> 8)}`;

/** A full record's flags and fields as hex: u16 x, y codes, int8 vx, vy (int16 and flag 0x40 when wider), u16 heading, u8 speed. */
function full(x: number, y: number, vx: number, vy: number, a: number, s: number): string {
  const narrow = vx >= -128 && vx <= 127 && vy >= -128 && vy <= 127;
  return narrow ? `1b ${u16(x)} ${u16(y)} ${u8(vx)} ${u8(vy)} ${u16(a)} ${u8(s)}` : `5b ${u16(x)} ${u16(y)} ${u16(vx)} ${u16(vy)} ${u16(a)} ${u8(s)}`;
}

function events(decoder: PositionStreamDecoder): string[] {
  const log: string[] = [];
  decoder.onEnter = (e) => log.push(`enter ${e.id}`);
  decoder.onLeave = (e) => log.push(`leave ${e.id}`);
  return log;
}

describe("bytes", () => {
  it("varints round-trip up to 2^32 - 1 in at most 5 bytes; longer or larger is malformed", () => {
    const w = new ByteWriter(1);
    const values = [0, 1, 127, 128, 16383, 16384, 65535, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 32 - 1];
    for (const v of values) w.varint(v);
    expect(w.length).toBe(1 + 1 + 1 + 2 + 2 + 3 + 3 + 4 + 4 + 5 + 5);
    const r = new ByteReader();
    r.reset(w.bytes, 0, w.length);
    for (const v of values) expect(r.varint()).toBe(v);
    expect(r.bad).toBe(false);
    r.reset(bytes("ff ff ff ff 10"), 0, 5); // 2^32
    r.varint();
    expect(r.bad).toBe(true);
    r.reset(bytes("80 80 80 80 80 00"), 0, 6); // six bytes
    r.varint();
    expect(r.bad).toBe(true);
    r.reset(bytes("80"), 0, 1); // truncated
    r.varint();
    expect(r.bad).toBe(true);
  });
});

describe("encoder", () => {
  function one(body: Pose, cells = 2): PositionStreamEncoder {
    const encoder = new PositionStreamEncoder(cells);
    encoder.add(5, 0, body);
    encoder.encodeTick();
    return encoder;
  }

  it("enters with a full record (vx = vy = 0), then says nothing while the body keeps going", () => {
    const body = { x: at(O + 16), y: at(O - 16), angle: 0, speed: 0 };
    const encoder = one(body);
    // Delta block bodies: the record count, then the records (gap → id 5, flags, fields).
    expect(hex(encoder.delta(0))).toBe(`01 05 ${full(O + 16, O - 16, 0, 0, 0, 0)}`);
    expect(encoder.delta(1)).toBeNull();
    encoder.encodeTick();
    expect(encoder.delta(0)).toBeNull(); // not moving
    body.x = at(O + 48); // 32 codes: int8 residual, and the velocity is learned
    encoder.encodeTick();
    expect(hex(encoder.delta(0))).toBe("01 05 02 20 00");
    for (let i = 1; i <= 5; i++) {
      body.x = at(O + 48 + 32 * i);
      encoder.encodeTick();
      expect(encoder.delta(0)).toBeNull();
    }
  });

  it("picks the smallest position kind for the residual: nibbles, int8, then absolute (narrow, then wide)", () => {
    const body = { x: at(O), y: at(O), angle: 0, speed: 0 };
    const encoder = one(body);
    body.x = at(O + 7);
    body.y = at(O - 8);
    encoder.encodeTick();
    expect(hex(encoder.delta(0))).toBe("01 05 01 78"); // dx 7, dy -8
    // Prediction is now (O + 14, O - 16); land on (O + 14 + 8, O - 16): 8 does not fit a nibble.
    body.x = at(O + 22);
    body.y = at(O - 16);
    encoder.encodeTick();
    expect(hex(encoder.delta(0))).toBe("01 05 02 08 00");
    // Prediction (O + 37, O - 24); a residual of -129 needs absolute: x, y, vx = target - previous x.
    body.x = at(O + 37 - 129);
    encoder.encodeTick();
    expect(hex(encoder.delta(0))).toBe(`01 05 03 ${u16(O - 92)} ${u16(O - 16)} ${u8(-114)} 00`); // vx -92 - 22, vy 0
    // A jump whose velocity does not fit int8: the wide form.
    body.x = at(O + 5000);
    encoder.encodeTick();
    expect(hex(encoder.delta(0))).toBe(`01 05 43 ${u16(O + 5000)} ${u16(O - 16)} ${u16(5092)} 00 00`);
  });

  it("sends heading as a wrapped int8 delta up to ±127 steps, else absolute; speed when it changes", () => {
    const body = { x: 0, y: 0, angle: (1020 / 1024) * 2 * Math.PI, speed: 0 };
    const encoder = one(body);
    body.angle = (4 / 1024) * 2 * Math.PI + 6 * Math.PI; // any value wraps: step 4, 8 steps on from 1020
    encoder.encodeTick();
    expect(hex(encoder.delta(0))).toBe("01 05 04 08");
    body.angle = -(10 / 1024) * 2 * Math.PI; // step 1014: -14 steps
    encoder.encodeTick();
    expect(hex(encoder.delta(0))).toBe("01 05 04 f2");
    body.angle = (500 / 1024) * 2 * Math.PI; // +510 steps: absolute
    encoder.encodeTick();
    expect(hex(encoder.delta(0))).toBe("01 05 08 f4 01");
    body.speed = MAX_SPEED;
    encoder.encodeTick();
    expect(hex(encoder.delta(0))).toBe("01 05 10 ff");
    body.speed = 1e9; // clamps: unchanged
    encoder.encodeTick();
    expect(encoder.delta(0)).toBeNull();
  });

  it("moves between cells with a leave in the old block and a full record carrying the real motion in the new", () => {
    const body = { x: at(O), y: at(O), angle: 0, speed: 0 };
    const encoder = one(body, 3);
    body.x = at(O + 16);
    encoder.setCell(5, 2);
    encoder.setCell(5, 2);
    encoder.encodeTick();
    expect(hex(encoder.delta(0))).toBe("01 05 20");
    expect(hex(encoder.delta(2))).toBe(`01 05 ${full(O + 16, O, 16, 0, 0, 0)}`);
    expect(hex(encoder.key(0))).toBe("00");
    expect(hex(encoder.key(2))).toBe(`01 05 ${full(O + 16, O, 16, 0, 0, 0)}`);
    encoder.setCell(5, 1);
    encoder.setCell(5, 2); // back where it is: nothing to say
    body.x = at(O + 32);
    encoder.encodeTick();
    expect(encoder.delta(1)).toBeNull();
    expect(encoder.delta(2)).toBeNull();
  });

  it("removes with a leave record, and frees the id only after encodeTick", () => {
    const body = { x: at(O), y: at(O), angle: 0, speed: 0 };
    const encoder = one(body);
    encoder.remove(5);
    expect(() => encoder.add(5, 1, body)).toThrow();
    expect(hex(encoder.key(0))).toBe(`01 05 ${full(O, O, 0, 0, 0, 0)}`); // still held until the leave goes out
    encoder.encodeTick();
    expect(hex(encoder.delta(0))).toBe("01 05 20");
    expect(hex(encoder.key(0))).toBe("00");
    encoder.add(5, 1, body);
    encoder.encodeTick();
    expect(hex(encoder.delta(1))).toBe(`01 05 ${full(O, O, 0, 0, 0, 0)}`);
    // Added and removed between two ticks: clients never hear of it.
    encoder.add(9, 0, body);
    encoder.remove(9);
    encoder.encodeTick();
    expect(encoder.delta(0)).toBeNull();
  });

  it("writes records in ascending id order with gaps, and key blocks are cached per tick", () => {
    const encoder = new PositionStreamEncoder(1);
    for (const id of [300, 2, 65535, 0]) encoder.add(id, 0, { x: 0, y: 0, angle: 0, speed: 0 });
    encoder.encodeTick();
    const key = encoder.key(0);
    expect(encoder.key(0)).toBe(key);
    // n 4; gaps: 0 → id 0, 1 → id 2, 297 → id 300, 65234 → id 65535
    const gaps = hex(key).split(` ${full(O, O, 0, 0, 0, 0)}`).map((s) => s.trim());
    expect(gaps).toEqual(["04 00", "01", "a9 02", "d2 fd 03", ""]);
    expect(hex(encoder.delta(0))).toBe(hex(key)); // everyone entered this tick: the same records
    encoder.encodeTick();
    expect(encoder.key(0)).not.toBe(key);
  });

  it("rejects ids and cells out of range", () => {
    const encoder = new PositionStreamEncoder(2);
    const body = { x: 0, y: 0, angle: 0, speed: 0 };
    expect(() => encoder.add(65536, 0, body)).toThrow(RangeError);
    expect(() => encoder.add(-1, 0, body)).toThrow(RangeError);
    expect(() => encoder.add(1, 2, body)).toThrow(RangeError);
    expect(() => encoder.delta(2)).toThrow(RangeError);
    expect(() => encoder.remove(1)).toThrow();
    expect(() => new PositionStreamEncoder(MAX_CELL + 2)).toThrow(RangeError);
  });
});

describe("frame writer", () => {
  it("writes selfFlags, the exact codes, the block count and the blocks in cell order with their heads", () => {
    const writer = new StreamFrameWriter();
    writer.begin(null);
    expect(hex(writer.finish())).toBe("00 00");
    writer.begin({ x: -2048, y: 2048, angle: 0, speed: MAX_SPEED });
    writer.delta(7, bytes("00"));
    writer.drop(1);
    writer.key(300, bytes("00"));
    // cell 1: gap 1, drop → 1·4 + 2 = 06; cell 7: gap 5, delta → 20 = 14; cell 300: gap 292, key → 1169 = 91 09.
    expect(hex(writer.finish())).toBe("01 00 00 fe ff 00 00 ff ff 03 06 14 00 91 09 00");
    writer.begin(null);
    for (let cell = 199; cell >= 0; cell--) writer.drop(cell);
    const frame = writer.finish();
    expect(hex(frame.subarray(0, 4))).toBe("00 c8 01 02"); // 200 blocks; cell 0: gap 0, drop
    expect(frame.length).toBe(3 + 200);
    writer.begin(null);
    writer.drop(MAX_CELL);
    expect(hex(writer.finish())).toBe("00 01 fe ff ff ff 0f");
  });

  it("refuses a cell twice in a frame, and cells out of range", () => {
    const writer = new StreamFrameWriter();
    writer.begin(null);
    writer.drop(3);
    writer.delta(3, bytes("00"));
    expect(() => writer.finish()).toThrow();
    writer.begin(null);
    expect(() => writer.drop(MAX_CELL + 1)).toThrow(RangeError);
    expect(() => writer.drop(-1)).toThrow(RangeError);
  });
});

describe("decoder", () => {
  it("applies residuals against 'keep going' and advances entities without a record", () => {
    const d = new PositionStreamDecoder();
    const X = O + 100;
    const Y = O;
    // One block: cell 4, a delta (gap 4 from "before cell 0", kind 0: head 4·4 + 0 = 0x10); one record: id 5, full.
    expect(feed(d, `00 01 10 01 05 ${full(X, Y, 10, -2, 0, 0)}`)).toBe(true);
    const e = d.entities.get(5)!;
    expect(e).toMatchObject({ id: 5, x: at(X), y: at(Y) });
    expect(feed(d, "00 00")).toBe(true); // no record: x += vx
    expect(e).toMatchObject({ x: at(X + 10), y: at(Y - 2) });
    expect(feed(d, "00 01 10 01 05 01 f1")).toBe(true); // nibbles dx -1, dy 1
    expect(e).toMatchObject({ x: at(X + 19), y: at(Y - 3) });
    expect(feed(d, "00 00")).toBe(true); // the new velocity is (9, -1)
    expect(e).toMatchObject({ x: at(X + 28), y: at(Y - 4) });
    expect(feed(d, "00 01 10 01 05 04 fe")).toBe(true); // heading only: the position still keeps going
    expect(e).toMatchObject({ x: at(X + 37), y: at(Y - 5), angle: (1022 * 2 * Math.PI) / 1024 });
    expect(feed(d, "00 01 10 01 05 02 80 7f")).toBe(true); // int8 dx -128, dy 127
    expect(e).toMatchObject({ x: at(X + 46 - 128), y: at(Y - 6 + 127) });
    expect(feed(d, "00 01 10 01 05 1b 01 00 02 00 03 04 ff 03 ff")).toBe(true); // full, same cell
    expect(d.entities.get(5)).toBe(e);
    expect(feed(d, "00 00")).toBe(true);
    expect(e).toMatchObject({ x: at(4), y: at(6), speed: MAX_SPEED, angle: (1023 * 2 * Math.PI) / 1024 });
    expect(feed(d, `00 01 10 01 05 43 ${u16(O)} ${u16(O)} ${u16(-300)} ${u16(1000)}`)).toBe(true); // absolute, wide velocity
    expect(feed(d, "00 00")).toBe(true);
    expect(e).toMatchObject({ x: at(O - 300), y: at(O + 1000) });
  });

  it("lets an entity leave one cell and enter another in the same frame, up the cells or down", () => {
    // Blocks come in cell order: moving from cell 4 to 6 reads the leave first, from 6 to 4 the enter.
    const head = (cell: number, previous: number, kind: number): string => u8((cell - previous - 1) * 4 + kind);
    for (const [from, to] of [[4, 6], [6, 4]]) {
      const d = new PositionStreamDecoder();
      const log = events(d);
      feed(d, `00 01 ${head(from, -1, 0)} 01 05 ${full(O, O, 0, 0, 0, 0)}`);
      const e = d.entities.get(5);
      const leave = "01 05 20";
      const enter = `01 05 ${full(O + 16, O, 16, 0, 0, 0)}`;
      const [low, high] = from < to ? [leave, enter] : [enter, leave];
      expect(feed(d, `00 02 ${head(4, -1, 0)} ${low} ${head(6, 4, 0)} ${high}`)).toBe(true);
      expect(d.entities.get(5)).toBe(e);
      expect(log).toEqual(["enter 5"]);
      // It now lives in `to`: a non-full record in `from` is unknown, in `to` it applies.
      expect(feed(d, `00 01 ${head(from, -1, 0)} 01 05 01 10`)).toBe(true);
      expect(d.skipped).toBe(1);
      expect(feed(d, `00 01 ${head(to, -1, 0)} 01 05 01 10`)).toBe(true);
      expect(e).toMatchObject({ x: at(O + 16 + 16 + 16 + 1) });
    }
  });

  it("skips a non-full record for an entity it does not hold there, and decodes the rest of the block", () => {
    const d = new PositionStreamDecoder();
    // Cell 0, 3 records: id 0 nibbles, id 1 absolute heading (both unknown), id 2 full.
    expect(feed(d, `00 01 00 03 00 01 11 00 08 05 00 00 ${full(O + 16, O + 32, 0, 0, 0, 0)}`)).toBe(true);
    expect(d.skipped).toBe(2);
    expect([...d.entities.keys()]).toEqual([2]);
    expect(d.entities.get(2)).toMatchObject({ x: at(O + 16), y: at(O + 32) });
    expect(d.errors).toBe(0);
  });

  it("key blocks set their cell's members exactly; drops and leaves forget", () => {
    const d = new PositionStreamDecoder();
    const log = events(d);
    const z = full(O, O, 0, 0, 0, 0);
    // Cell 0 key (head 01): ids 1 and 3; cell 1 key (head 01): id 7.
    feed(d, `00 02 01 02 01 ${z} 01 ${z} 01 01 07 ${z}`);
    expect([...d.entities.keys()].sort()).toEqual([1, 3, 7]);
    log.length = 0;
    feed(d, `00 01 01 01 03 ${full(O + 8, O + 8, 0, 0, 0, 0)}`); // key for cell 0 without 1
    expect([...d.entities.keys()].sort()).toEqual([3, 7]);
    expect(log).toEqual(["leave 1"]);
    feed(d, "00 01 00 01 07 20"); // a leave in a cell 7 is not in: ignored
    expect(d.entities.has(7)).toBe(true);
    feed(d, "00 01 06"); // drop cell 1 (gap 1, kind 2)
    expect([...d.entities.keys()]).toEqual([3]);
    feed(d, "00 01 00 01 03 20");
    expect(d.entities.size).toBe(0);
    expect(log).toEqual(["leave 1", "leave 7", "leave 3"]);
  });

  it("reads the exact own body, and reset forgets everything", () => {
    const d = new PositionStreamDecoder();
    const log = events(d);
    feed(d, `01 00 00 fe ff ff ff ff ff 01 00 01 01 ${full(O, O, 0, 0, 0, 0)}`);
    expect(d.self).toEqual({ x: -2048, y: 2048, angle: (65535 / 65536) * 2 * Math.PI, speed: MAX_SPEED });
    const self = d.self;
    feed(d, "01 ff 7f ff 7f 00 00 00 00 00");
    expect(d.self).toBe(self); // updated in place
    expect(d.self!.x).toBeCloseTo(0, 2);
    d.reset();
    expect(d.self).toBeNull();
    expect(d.entities.size).toBe(0);
    expect(log).toEqual(["enter 1", "leave 1"]);
  });

  it("resync keeps the entities the next key blocks re-state (same objects, no events) and forgets the rest", () => {
    const d = new PositionStreamDecoder();
    const log = events(d);
    // Entity 1 in cell 0, entity 2 in cell 1, entity 3 in cell 2 (three delta blocks, heads 00).
    feed(d, `00 03 00 01 01 ${full(O, O, 0, 0, 0, 0)} 00 01 02 ${full(O + 8, O, 0, 0, 0, 0)} 00 01 03 ${full(O + 16, O, 0, 0, 0, 0)}`);
    const one = d.entities.get(1);
    const two = d.entities.get(2);
    d.resync();
    expect(d.entities.size, "nothing blinks out before the key blocks arrive").toBe(3);
    // The server re-states cells 0 and 1 (entity 2 has moved into cell 0 meanwhile); cell 2 is no longer watched.
    feed(d, `00 02 01 02 01 ${full(O + 40, O, 0, 0, 0, 0)} 00 ${full(O + 48, O, 0, 0, 0, 0)} 01 00`);
    expect([...d.entities.keys()].sort()).toEqual([1, 2]);
    expect(d.entities.get(1)).toBe(one);
    expect(d.entities.get(2)).toBe(two);
    expect(one).toMatchObject({ x: at(O + 40) });
    expect(two).toMatchObject({ x: at(O + 48) });
    expect(log).toEqual(["enter 1", "enter 2", "enter 3", "leave 3"]);
    // And the resync was for one frame only.
    feed(d, "00 00");
    expect(d.entities.size).toBe(2);
  });

  const zeros = "00 00 00 00 00 00 00 00 00";
  const malformed: [string, string][] = [
    ["empty", ""],
    ["selfFlags bit 1", "02 00"],
    ["self truncated", "01 00 00 00"],
    ["self x code above the grid", "01 ff ff 00 00 00 00 00 00 00"],
    ["block kind 3", "00 01 03"],
    ["a cell above 2^30 - 1", "00 02 fe ff ff ff 0f 02"],
    ["reserved flag bit 7", "00 01 00 01 00 80"],
    ["wide velocity without an absolute position", "00 01 00 01 00 41 00"],
    ["heading kind 3", "00 01 00 01 00 0c 00 00"],
    ["leave with another bit", "00 01 00 01 00 21 00"],
    ["absolute heading 1024", "00 01 00 01 00 1b 00 00 00 00 00 00 00 04 00"],
    ["absolute x code 65535", "00 01 00 01 00 1b ff ff 00 00 00 00 00 00 00"],
    ["id above 65535", `00 01 00 02 ff ff 03 1b ${zeros} 00 1b ${zeros}`],
    ["a six-byte varint", "00 01 80 80 80 80 80 00"],
    ["a non-full record in a key block", "00 01 01 01 00 01 00"],
    ["a leave in a key block", "00 01 01 01 00 20"],
    ["fewer blocks than announced", "00 02 02"],
    ["truncated record", "00 01 00 01 00 02 01"],
    ["trailing bytes", "00 00 00"],
  ];
  for (const [name, text] of malformed) {
    it(`rejects malformed input: ${name}`, () => {
      const d = new PositionStreamDecoder();
      expect(feed(d, text)).toBe(false);
      expect(d.errors).toBe(1);
      expect(feed(d, "00 00")).toBe(true);
      expect(d.errors).toBe(1);
    });
  }

  it("accepts cell 2^30 - 1, a wide full record and a padded varint", () => {
    const d = new PositionStreamDecoder();
    expect(feed(d, "00 01 fe ff ff ff 0f")).toBe(true); // drop of cell MAX_CELL
    expect(feed(d, `00 01 80 00 01 05 ${full(O, O, 200, -200, 0, 0)}`)).toBe(true);
    expect(feed(d, "00 00")).toBe(true);
    expect(d.entities.get(5)).toMatchObject({ x: at(O + 200), y: at(O - 200) });
  });

  it("stops at malformed input with what was read applied and everything consistent", () => {
    const d = new PositionStreamDecoder();
    const entered: DecodedEntity[] = [];
    d.onEnter = (e) => entered.push(e);
    // A good block for cell 0, then a head of kind 3.
    expect(feed(d, `00 02 00 01 01 ${full(O + 16, O, 16, 0, 0, 0)} 07`)).toBe(false);
    expect(entered.map((e) => e.id)).toEqual([1]);
    expect(d.entities.get(1)).toMatchObject({ x: at(O + 16) });
    expect(feed(d, "00 00")).toBe(true);
    expect(d.entities.get(1)).toMatchObject({ x: at(O + 32) });
  });

  it("decodes a frame inside a larger buffer and rejects a bad range", () => {
    const d = new PositionStreamDecoder();
    const buffer = bytes(`ee ee 00 01 00 01 02 ${full(O + 16, O, 0, 0, 0, 0)} ee`);
    expect(d.decode(buffer, 2, buffer.length - 1)).toBe(true);
    expect(d.entities.get(2)).toMatchObject({ x: at(O + 16) });
    expect(d.decode(buffer, 2, buffer.length + 1)).toBe(false);
    expect(d.decode(buffer, 3, 2)).toBe(false);
  });
});
