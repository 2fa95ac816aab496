import { describe, expect, it } from "vitest";
import { POSITION_GRID } from "../../shared/grids.ts";
import { snap } from "../../shared/quantize.ts";
import { PositionStreamDecoder } from "../../shared/stream/decoder.ts";
import { PositionStreamEncoder, type StreamBody } from "../../shared/stream/encoder.ts";
import { StreamFrameWriter } from "../../shared/stream/frame.ts";

/**
 * The worked example of docs/stream-format.md, byte for byte: any change to these bytes is a
 * change of the wire format (bump the version and update the document).
 */

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");

const GOLDEN = [
  // Tick 1: joins watching cells 0, 1, 2: its own body, then a key block per cell.
  "01 9f 80 3f 81 00 00 00 00 03"
    + " 00 01 01 01 1b 50 00 a0 00 00 00 00 00 00 00 00"
    + " 01 01 01 03 1b d4 ff 3a 00 00 00 00 00 00 01 80"
    + " 02 01 00",
  // Tick 2: A speeds up (int8 residual + speed), B turns (heading delta).
  "00 02 00 00 01 01 12 08 00 1a 01 00 01 03 04 10",
  // Tick 3: A stops in x and drifts in y (nibbles), B crosses from cell 1 to cell 2.
  "00 03 00 00 01 01 01 84 01 00 01 03 20 02 00 01 03 1b e4 ff 3a 00 10 00 00 00 10 01 80",
  // Tick 4: A is removed, B keeps going (no record), the client stops watching cell 1.
  "00 02 00 00 01 01 20 01 02",
];

describe("position stream golden bytes (docs/stream-format.md)", () => {
  it("encodes the documented example exactly and decodes it as documented", () => {
    const encoder = new PositionStreamEncoder(3);
    const writer = new StreamFrameWriter();
    const decoder = new PositionStreamDecoder();
    const a: StreamBody = { x: snap(POSITION_GRID, 10), y: snap(POSITION_GRID, 20), angle: 0, speed: 0 };
    const b: StreamBody = { x: -5.5, y: 7.25, angle: Math.PI / 2, speed: 75 };
    const frames: string[] = [];
    const send = (self: StreamBody | null, cells: number[], drops: number[] = [], keys = false): void => {
      writer.begin(self);
      for (const cell of cells) {
        const block = keys ? encoder.key(cell) : encoder.delta(cell);
        if (block !== null) writer.block(block);
      }
      for (const cell of drops) writer.drop(cell);
      const frame = writer.finish();
      frames.push(hex(frame));
      expect(decoder.decode(frame, 0, frame.length)).toBe(true);
    };
    const state = (): object => Object.fromEntries([...decoder.entities].map(([id, e]) => [id, { ...e }]));

    encoder.add(1, 0, a);
    encoder.add(3, 1, b);
    encoder.encodeTick();
    send(a, [0, 1, 2], [], true);
    expect(decoder.self).toEqual(a);
    expect(state()).toEqual({
      1: { id: 1, x: 10, y: 20, angle: 0, speed: 0 },
      3: { id: 3, x: -5.5, y: 7.25, angle: Math.PI / 2, speed: (128 * 150) / 255 },
    });

    a.x = 11;
    a.speed = 15;
    b.angle += 0.1;
    encoder.encodeTick();
    send(null, [0, 1, 2]);
    expect(state()).toEqual({
      1: { id: 1, x: 11, y: 20, angle: 0, speed: (26 * 150) / 255 },
      3: { id: 3, x: -5.5, y: 7.25, angle: (272 * 2 * Math.PI) / 1024, speed: (128 * 150) / 255 },
    });

    a.y = 20.5;
    b.x = -3.5;
    encoder.setCell(3, 2);
    encoder.encodeTick();
    send(null, [0, 1, 2]);
    expect(decoder.entities.get(1)).toMatchObject({ x: 11, y: 20.5 });
    expect(decoder.entities.get(3)).toMatchObject({ x: -3.5, y: 7.25 });

    encoder.remove(1);
    b.x = -1.5;
    encoder.encodeTick();
    expect(encoder.delta(2)).toBeNull(); // B lands exactly where "keep going" puts it
    send(null, [0, 2], [1]);
    expect([...decoder.entities.keys()]).toEqual([3]);
    expect(decoder.entities.get(3)).toMatchObject({ x: -1.5, y: 7.25 });

    expect(frames).toEqual(GOLDEN);
  });
});
