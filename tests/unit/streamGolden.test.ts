import { describe, expect, it } from "vitest";
import { POSITION_GRID } from "../../shared/grids.ts";
import { fromCode } from "../../shared/stream/codes.ts";
import { PositionStreamDecoder } from "../../shared/stream/decoder.ts";
import { PositionStreamEncoder } from "../../shared/stream/encoder.ts";
import type { Pose } from "../../shared/pose.ts";
import { StreamFrameWriter } from "../../shared/stream/frame.ts";

/**
 * The worked example of docs/stream-format.md, byte for byte: any change to these bytes is a
 * change of the wire format (bump the version and update the document).
 */

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
/** A position from its code on the schema's grid (4096/65534 of a unit; code 32767 is 0). */
const at = (code: number): number => fromCode(POSITION_GRID, code);

const GOLDEN = [
  // Tick 1: joins watching cells 0, 1, 2: its own body, then a key block per cell.
  "01 9f 80 3f 81 00 00 00 00 03"
    + " 01 01 01 1b 9f 80 3f 81 00 00 00 00 00"
    + " 01 01 03 1b a7 7f 73 80 00 00 00 01 80"
    + " 01 00",
  // Tick 2: A moves a unit and speeds up (int8 residual + speed), B turns (heading delta).
  "00 02 00 01 01 12 10 00 1a 00 01 03 04 10",
  // Tick 3: A slows in x and drifts in y (nibbles), B crosses from cell 1 to cell 2.
  "00 03 00 01 01 01 84 00 01 03 20 00 01 03 1b c7 7f 73 80 20 00 10 01 80",
  // Tick 4: A is removed, B keeps going (no record), the client stops watching cell 1.
  "00 02 00 01 01 20 02",
];

describe("position stream golden bytes (docs/stream-format.md)", () => {
  it("encodes the documented example exactly and decodes it as documented", () => {
    const encoder = new PositionStreamEncoder(3);
    const writer = new StreamFrameWriter();
    const decoder = new PositionStreamDecoder();
    const a: Pose = { x: at(32927), y: at(33087), angle: 0, speed: 0 };
    const b: Pose = { x: at(32679), y: at(32883), angle: Math.PI / 2, speed: 75 };
    const frames: string[] = [];
    const send = (self: Pose | null, cells: number[], drops: number[] = [], keys = false): void => {
      writer.begin(self);
      for (const cell of drops) writer.drop(cell);
      for (const cell of cells) {
        if (keys) writer.key(cell, encoder.key(cell));
        else {
          const body = encoder.delta(cell);
          if (body !== null) writer.delta(cell, body);
        }
      }
      const frame = writer.finish();
      frames.push(hex(frame));
      expect(decoder.decode(frame, 0, frame.length)).toBe(true);
    };
    const state = (): object => Object.fromEntries([...decoder.entities].map(([id, e]) => [id, { ...e }]));

    expect(a.x).toBeCloseTo(10, 3);
    expect(b.x).toBeCloseTo(-5.5, 3);
    encoder.add(1, 0, a);
    encoder.add(3, 1, b);
    encoder.encodeTick();
    send(a, [2, 0, 1], [], true); // blocks go out in cell order, whatever order they are added in
    expect(decoder.self).toEqual(a);
    // Remote positions are the server's exactly; heading and speed to their wire steps.
    expect(state()).toEqual({
      1: { id: 1, x: a.x, y: a.y, angle: 0, speed: 0 },
      3: { id: 3, x: b.x, y: b.y, angle: Math.PI / 2, speed: (128 * 150) / 255 },
    });

    a.x = at(32943);
    a.speed = 15;
    b.angle += 0.1;
    encoder.encodeTick();
    send(null, [0, 1, 2]);
    expect(state()).toEqual({
      1: { id: 1, x: at(32943), y: a.y, angle: 0, speed: (26 * 150) / 255 },
      3: { id: 3, x: b.x, y: b.y, angle: (272 * 2 * Math.PI) / 1024, speed: (128 * 150) / 255 },
    });

    a.x = at(32951);
    a.y = at(33091);
    b.x = at(32711);
    encoder.setCell(3, 2);
    encoder.encodeTick();
    send(null, [0, 1, 2]);
    expect(decoder.entities.get(1)).toMatchObject({ x: at(32951), y: at(33091) });
    expect(decoder.entities.get(3)).toMatchObject({ x: at(32711), y: at(32883) });

    encoder.remove(1);
    b.x = at(32743);
    encoder.encodeTick();
    expect(encoder.delta(2)).toBeNull(); // B lands exactly where "keep going" puts it
    send(null, [0, 2], [1]);
    expect([...decoder.entities.keys()]).toEqual([3]);
    expect(decoder.entities.get(3)).toMatchObject({ x: at(32743), y: at(32883) });
    expect(b.x).toBeCloseTo(-1.5, 3);

    expect(frames).toEqual(GOLDEN);
  });
});

/** The food example of docs/stream-format.md ("Food"), byte for byte. */
const FOOD_GOLDEN = [
  // Starts watching cells 0 and 2: empty key blocks for both, then a food key for cell 2 (specks 4 and 9).
  "00 02 01 00 05 00 01 05 02 04 ff 7f ff 7f 04 00 80 ff 7f",
  // Speck 4 eaten and speck 12 born in cell 2; nothing moved, so no tadpole blocks.
  "00 00 01 04 01 04 01 0c 7f 80 7f 80",
  // Cell 2 dropped: its tadpoles and its food go together.
  "00 01 0a",
];

describe("position stream golden bytes: food (docs/stream-format.md, \"Food\")", () => {
  it("encodes the documented food example exactly and decodes it as documented", async () => {
    const { ByteWriter } = await import("../../shared/stream/bytes.ts");
    const { writeFoodChanges, writeFoodKey } = await import("../../shared/stream/food.ts");
    const encoder = new PositionStreamEncoder(3);
    const writer = new StreamFrameWriter();
    const decoder = new PositionStreamDecoder();
    const frames: string[] = [];
    const decode = (frame: Uint8Array) => {
      frames.push(hex(frame));
      expect(decoder.decode(frame, 0, frame.length)).toBe(true);
    };
    const held = () => Object.fromEntries([...decoder.food.specks].map(([id, s]) => [id, [s.x, s.y, s.cell]]));

    encoder.encodeTick();
    const key = new ByteWriter();
    writeFoodKey(key, [{ id: 4, x: 32767, y: 32767 }, { id: 9, x: 32768, y: 32767 }]);
    writer.begin(null);
    writer.foodKey(2, key.view());
    writer.key(2, encoder.key(2));
    writer.key(0, encoder.key(0));
    decode(writer.finish());
    expect(held()).toEqual({ 4: [0, 0, 2], 9: [at(32768), 0, 2] });

    encoder.encodeTick();
    const changes = new ByteWriter();
    writeFoodChanges(changes, [4], 1, [{ id: 12, x: 32895, y: 32895 }], 1);
    writer.begin(null);
    writer.foodChanges(2, changes.view());
    decode(writer.finish());
    expect(held()).toEqual({ 9: [at(32768), 0, 2], 12: [at(32895), at(32895), 2] });

    encoder.encodeTick();
    writer.begin(null);
    writer.drop(2);
    decode(writer.finish());
    expect(held()).toEqual({});
    expect(frames).toEqual(FOOD_GOLDEN);
  });
});
