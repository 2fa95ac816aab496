import { describe, expect, it } from "vitest";
import { MAX_SPEED } from "../../shared/constants.ts";
import { ANGLE_GRID, POSITION_GRID, SPEED_GRID } from "../../shared/grids.ts";
import { quantum, snap, type Grid } from "../../shared/quantize.ts";
import { createRng } from "../../shared/rng.ts";
import { fromCode, maxCode, toCode } from "../../shared/stream/codes.ts";

const SEED = Number(process.env.STREAM_SEED ?? 20240611);
const GRIDS: [string, Grid][] = [["POSITION_GRID", POSITION_GRID], ["ANGLE_GRID", ANGLE_GRID], ["SPEED_GRID", SPEED_GRID]];

describe("self codes (toCode / fromCode)", () => {
  for (const [name, grid] of GRIDS) {
    it(`${name}: every code's value is a snapped value that maps back to the same code`, () => {
      for (let code = 0; code <= maxCode(grid); code++) {
        const value = fromCode(grid, code);
        if (!Object.is(snap(grid, value), value)) throw new Error(`${name} code ${code}: ${value} is not on the grid`);
        if (toCode(grid, value) !== code) throw new Error(`${name} code ${code}: toCode gives ${toCode(grid, value)}`);
      }
      expect(maxCode(grid)).toBe(grid.wrap ? 65535 : grid.span);
    });

    it(`${name}: random snapped values (seed ${SEED}) round-trip bit-identically, extremes included`, () => {
      console.info(`streamCodes ${name} seed=${SEED} (set STREAM_SEED to replay)`);
      const rng = createRng(SEED);
      const lo = grid.min;
      const hi = grid.min + grid.range;
      const q = quantum(grid);
      const raw = [lo, hi, lo - 1, hi + 1, lo + q / 2, hi - q / 2, NaN, Infinity, -Infinity, 0, -0, 1e300, -1e300];
      for (let i = 0; i < 20_000; i++) raw.push(lo - grid.range / 4 + rng() * grid.range * 1.5);
      for (const v of raw) {
        const snapped = snap(grid, v);
        const code = toCode(grid, v);
        if (!(code >= 0 && code <= maxCode(grid))) throw new Error(`${name} ${v}: code ${code} out of range`);
        const back = fromCode(grid, code);
        if (!Object.is(back, snapped)) throw new Error(`${name} ${v}: snap ${snapped}, code ${code} decodes ${back}`);
        if (toCode(grid, snapped) !== code) throw new Error(`${name} ${v}: toCode(snap) differs from toCode`);
      }
    });
  }

  it("the extremes land on the end codes", () => {
    expect(toCode(POSITION_GRID, -2048)).toBe(0);
    expect(toCode(POSITION_GRID, 2048)).toBe(65534);
    expect(fromCode(POSITION_GRID, 32767)).toBe(0);
    expect(toCode(SPEED_GRID, MAX_SPEED)).toBe(65535);
    expect(fromCode(SPEED_GRID, 65535)).toBe(MAX_SPEED);
    expect(toCode(ANGLE_GRID, Math.PI * 2)).toBe(0);
    expect(toCode(ANGLE_GRID, -1e-9)).toBe(0);
    expect(toCode(ANGLE_GRID, snap(ANGLE_GRID, -0.001))).toBe(toCode(ANGLE_GRID, -0.001));
  });
});
