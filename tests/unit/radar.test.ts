import { Protocol, getMessageBytes } from "@colyseus/core";
import { describe, expect, it } from "vitest";
import { RadarView, crowdArrows } from "../../client/net/radar.ts";
import { PondRadar } from "../../server/sim/Radar.ts";
import { WORLD_HALF } from "../../shared/constants.ts";
import { MessageType } from "../../shared/protocol.ts";
import { RADAR_COLS, decodeRadar, encodeRadar, radarCellCentre, radarCellOf } from "../../shared/radar.ts";
import { createRng } from "../../shared/rng.ts";

/**
 * The radar (shared/radar.ts): its bytes, the worked example of docs/protocol.md ("The radar")
 * byte for byte, hostile input, the server's count and the client's reading of it (the crowd
 * beyond its view, and the arrows toward it).
 */

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
const unhex = (text: string): Uint8Array => Uint8Array.from(text.split(" ").map((h) => parseInt(h, 16)));
const at = (x: number, y: number) => ({ body: { x, y } });
const many = (n: number, x: number, y: number) => Array.from({ length: n }, () => at(x, y));

/** docs/protocol.md's example: a 4 × 4 grid (cells 1000 units wide) with 1, 2, 3 and 300 tadpoles. */
const EXAMPLE_SWIMMERS = [at(-1500, -1500), ...many(2, -500, -400), ...many(3, 250, 600), ...many(300, 1999, 2000)];
const EXAMPLE_BODY = "01 04 01 08 30 c0 00 a9 02";
const EXAMPLE_FRAME = `11 a5 72 61 64 61 72 ${EXAMPLE_BODY}`;

describe("radar golden bytes (docs/protocol.md)", () => {
  it("counts and encodes the documented example exactly", () => {
    const radar = new PondRadar(4);
    const body = radar.build(EXAMPLE_SWIMMERS);
    expect(hex(body)).toBe(EXAMPLE_BODY);
    expect(Array.from(radar.counts)).toEqual([1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 300]);
    // The whole WebSocket message, as the room sends it (broadcastBytes: ROOM_DATA_BYTES, the type as a string).
    expect(hex(getMessageBytes.raw(Protocol.ROOM_DATA_BYTES, MessageType.radar, undefined, body))).toBe(EXAMPLE_FRAME);
  });

  it("decodes the documented example as documented", () => {
    const grid = decodeRadar(unhex(EXAMPLE_BODY));
    expect(grid).not.toBeNull();
    expect(grid!.cols).toBe(4);
    expect(grid!.total).toBe(306);
    expect(Array.from(grid!.counts)).toEqual([1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 300]);
  });

  it("files points by the documented rule: row-major from the top-left, walls in the edge cells", () => {
    expect(radarCellOf(4, -WORLD_HALF, -WORLD_HALF)).toBe(0);
    expect(radarCellOf(4, WORLD_HALF, -WORLD_HALF)).toBe(3);
    expect(radarCellOf(4, -WORLD_HALF, WORLD_HALF)).toBe(12);
    expect(radarCellOf(4, WORLD_HALF, WORLD_HALF)).toBe(15);
    expect(radarCellOf(4, 0, 0)).toBe(10); // x in [0, 1000) is column 2, y row 2
    expect(radarCellOf(4, -0.001, -0.001)).toBe(5);
    expect(radarCellOf(RADAR_COLS, -1875.1, -2000)).toBe(0);
    expect(radarCellOf(RADAR_COLS, -1874.9, -2000)).toBe(1);
    expect(radarCellCentre(4, 6, { x: 0, y: 0 })).toEqual({ x: 500, y: -500 });
  });
});

describe("radar codec", () => {
  it("round-trips any counts on any grid size", () => {
    const rng = createRng(7);
    for (const cols of [1, 2, 3, 5, 7, 32, 64]) {
      for (let round = 0; round < 5; round++) {
        const counts = Array.from({ length: cols * cols }, () => {
          const r = rng();
          if (r < 0.5) return 0;
          if (r < 0.8) return 1 + Math.floor(rng() * 3);
          if (r < 0.98) return Math.floor(rng() * 2000);
          return r < 0.99 ? 0xffffffff : Math.floor(rng() * 0xffffffff);
        });
        const bytes = encodeRadar(cols, counts);
        const grid = decodeRadar(bytes.slice());
        expect(grid, `cols ${cols}`).not.toBeNull();
        expect(grid!.cols).toBe(cols);
        expect(Array.from(grid!.counts)).toEqual(counts);
        expect(grid!.total).toBe(counts.reduce((a, b) => a + b, 0));
      }
    }
  });

  it("costs 2 + cols²/4 bytes plus a byte or so per cell of 3 or more: ~1,000 tadpoles spread over the pond fit well under 1 KB", () => {
    expect(encodeRadar(RADAR_COLS, new Array(RADAR_COLS * RADAR_COLS).fill(0)).length).toBe(2 + 256);
    const rng = createRng(11);
    const spread = Array.from({ length: 1000 }, () => at((rng() * 2 - 1) * WORLD_HALF, (rng() * 2 - 1) * WORLD_HALF));
    const size = new PondRadar().build(spread).length;
    expect(size).toBeGreaterThan(258);
    expect(size).toBeLessThan(400);
    // Everyone in one spot (the spawn crowd): still one header, the codes and a few extras.
    expect(new PondRadar().build(many(1000, 0, 0)).length).toBe(2 + 256 + 2);
  });

  it("drops truncated, padded, oversized and foreign input without throwing", () => {
    const valid = unhex(EXAMPLE_BODY);
    for (let length = 0; length < valid.length; length++) {
      expect(decodeRadar(valid.slice(0, length)), `cut to ${length} bytes`).toBeNull();
    }
    const big = encodeRadar(RADAR_COLS, Array.from({ length: RADAR_COLS ** 2 }, (_, i) => (i * 7) % 5)).slice();
    for (let length = 0; length < big.length; length++) expect(decodeRadar(big.subarray(0, length))).toBeNull();
    expect(decodeRadar(big)).not.toBeNull();

    const variant = (edit: (bytes: number[]) => void): Uint8Array => {
      const bytes = [...valid];
      edit(bytes);
      return Uint8Array.from(bytes);
    };
    expect(decodeRadar(variant((b) => b.push(0)))).toBeNull(); // a byte left over
    expect(decodeRadar(variant((b) => { b[0] = 2; }))).toBeNull(); // another version
    expect(decodeRadar(variant((b) => { b[1] = 0; }))).toBeNull(); // no grid
    expect(decodeRadar(Uint8Array.from([1, 65, ...new Array(1057).fill(0)]))).toBeNull(); // wider than 64
    expect(decodeRadar(variant((b) => b.splice(7, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00)))).toBeNull(); // a 6-byte varint
    // 3 + (2^32 - 1) does not fit 32 bits.
    expect(decodeRadar(Uint8Array.from([1, 1, 3, 0xff, 0xff, 0xff, 0xff, 0x0f]))).toBeNull();
    expect(decodeRadar(Uint8Array.from([1, 1, 3, 0xfc, 0xff, 0xff, 0xff, 0x0f]))?.total).toBe(0xffffffff);
    // 3 × 3 = 9 cells in 3 bytes: the last byte's three unused codes must be 0.
    expect(decodeRadar(Uint8Array.from([1, 3, 0, 0, 1]))?.total).toBe(1);
    expect(decodeRadar(Uint8Array.from([1, 3, 0, 0, 1 | (1 << 2)]))).toBeNull();
    expect(decodeRadar(Uint8Array.from([1, 3, 0, 0, 1 << 6]))).toBeNull();
    // Not bytes at all (a message sent as msgpack instead).
    expect(decodeRadar({ cols: 4 } as unknown as Uint8Array)).toBeNull();

    // Random garbage, some of it with a plausible header: never a throw, and any grid decoded is whole.
    const rng = createRng(3);
    for (let i = 0; i < 3000; i++) {
      const length = Math.floor(rng() * 300);
      const bytes = Uint8Array.from({ length }, () => Math.floor(rng() * 256));
      if (length > 1 && rng() < 0.5) {
        bytes[0] = 1;
        bytes[1] = 1 + Math.floor(rng() * 24);
      }
      const grid = decodeRadar(bytes);
      if (grid !== null) expect(grid.counts.length).toBe(grid.cols * grid.cols);
    }
  });
});

describe("the client's radar (client/net/radar.ts)", () => {
  const cols = 8; // cells 500 wide
  const cell = (x: number, y: number) => radarCellOf(cols, x, y);
  const radarOf = (swimmers: Array<{ body: { x: number; y: number } }>, known: Array<{ x: number; y: number }> = []): RadarView => {
    const view = new RadarView();
    expect(view.receive(new PondRadar(cols).build(swimmers).slice(), known, 1000)).toBe(true);
    return view;
  };

  it("keeps everyone in `counts` and, in `far`, only the tadpoles it does not hold", () => {
    const held = [{ x: 1200, y: 100 }, { x: 1300, y: 200 }, { x: -300, y: -300 }];
    const view = radarOf([...many(3, 1250, 150), at(-1700, 1700), at(-1700, 1800)], held);
    expect(view.total).toBe(5);
    expect(view.counts[cell(1250, 150)]).toBe(3);
    // Two of the three there are held; the one held elsewhere (nobody there by the radar) takes nothing away.
    expect(view.far[cell(1250, 150)]).toBe(1);
    expect(view.far[cell(-300, -300)]).toBe(0);
    expect(view.far[cell(-1700, 1700)]).toBe(2);
    expect(view.farTotal).toBe(3);
    expect(view.farCells).toEqual([cell(1250, 150), cell(-1700, 1700)].sort((a, b) => a - b));
    expect(view.received).toBe(1);
    expect(view.receivedAt).toBe(1000);
  });

  it("drops a malformed radar and keeps the last picture", () => {
    const view = radarOf([at(1500, 1500)]);
    expect(view.receive(Uint8Array.from([1, 8, 0]), [], 2000)).toBe(false);
    expect(view.receive(Uint8Array.from([]), [], 2000)).toBe(false);
    expect(view.malformed).toBe(2);
    expect(view.received).toBe(1);
    expect(view.farTotal).toBe(1);
    expect(view.far[cell(1500, 1500)]).toBe(1);
  });

  it("points arrows at far crowds off the screen, largest first, with their counts", () => {
    const view = radarOf([...many(10, 1750, 250), ...many(3, -1750, 250), ...many(4, 250, 250)]);
    // Camera at the centre, the screen ±600 × ±400 units: the crowd at (250, 250) is on it.
    const arrows = crowdArrows(view, 0, 0, 600, 400, 4);
    expect(arrows.map((a) => a.count)).toEqual([10, 3]);
    expect(arrows[0].angle).toBeCloseTo(Math.atan2(250, 1750), 5);
    expect(Math.abs(arrows[1].angle)).toBeCloseTo(Math.PI - Math.atan2(250, 1750), 5);
    expect(arrows[0].dx).toBeCloseTo(1750, 5);
    // From the east crowd's cell it is on screen, and the other two lie the same way: one arrow.
    const fromEast = crowdArrows(view, 1750, 250, 600, 400, 4);
    expect(fromEast).toHaveLength(1);
    expect(fromEast[0].count).toBe(7);
    expect(fromEast[0].angle).toBeCloseTo(Math.PI, 5);
    // Nothing far: no arrows.
    expect(crowdArrows(radarOf([at(100, 100)], [{ x: 100, y: 100 }]), 0, 0, 50, 50, 4)).toEqual([]);
  });

  it("merges crowds in neighbouring directions and caps the number of arrows", () => {
    // Two crowds 15° apart seen from the centre: one arrow for both.
    const close = radarOf([...many(5, 1750, 250), ...many(2, 1750, 750)]);
    const merged = crowdArrows(close, 0, 0, 300, 300, 4);
    expect(merged).toHaveLength(1);
    expect(merged[0].count).toBe(7);
    expect(merged[0].angle).toBeGreaterThan(Math.atan2(250, 1750));
    expect(merged[0].angle).toBeLessThan(Math.atan2(750, 1750));

    // Six crowds of 1 to 6 tadpoles in directions at least 45° apart: the four largest get arrows.
    const directions = [[1750, 250], [250, 1750], [-1750, 250], [250, -1750], [-1250, -1250], [1250, -1250]];
    const six = directions.flatMap(([x, y], k) => many(k + 1, x, y));
    const capped = crowdArrows(radarOf(six), 0, 0, 300, 300, 4);
    expect(capped.map((a) => a.count)).toEqual([6, 5, 4, 3]);
    expect(capped[0].angle).toBeCloseTo(Math.atan2(-1250, 1250), 5);

    // A ring all around: the arrows never chain into one (each takes at most three of 16 sectors).
    const ring = [];
    for (let k = 0; k < 64; k++) ring.push(at(Math.cos((k * Math.PI) / 32) * 1700, Math.sin((k * Math.PI) / 32) * 1700));
    const around = crowdArrows(radarOf(ring), 0, 0, 300, 300, 4);
    expect(around).toHaveLength(4);
    for (const arrow of around) expect(arrow.count).toBeLessThanOrEqual(24);
    expect(crowdArrows(radarOf([]), 0, 0, 300, 300, 4)).toEqual([]);
  });
});
