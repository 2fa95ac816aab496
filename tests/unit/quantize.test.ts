import { describe, expect, it } from "vitest";
import { Decoder, Encoder } from "@colyseus/schema";
import { MAX_SPEED, POSITION_RANGE } from "../../shared/constants.ts";
import { ANGLE_GRID, POSITION_GRID, SPEED_GRID, THRUST_GRID } from "../../shared/grids.ts";
import { TadpoleInput } from "../../shared/input.ts";
import { clampGrid, quantum, snap, wrapGrid, type Grid } from "../../shared/quantize.ts";
import { OwnBody } from "../../shared/state.ts";
import { createRng } from "../../shared/rng.ts";

const TWO_PI = Math.PI * 2;

/** Values that stress a grid: edges, out of range, non-finite, exact half steps and random. */
function samples(grid: Grid, seed: number): number[] {
  const q = quantum(grid);
  const lo = grid.min;
  const hi = grid.min + grid.range;
  const values = [
    lo, hi, lo - q, hi + q, lo + q / 2, hi - q / 2, 0, -0, 1, -1, 0.5, q / 2, -q / 2, q * 1.5,
    NaN, Infinity, -Infinity, 1e300, -1e300, Number.MIN_VALUE, Number.EPSILON,
    TWO_PI, -TWO_PI, Math.PI, 3 * Math.PI, -0.0001, 2000, -2000, 2048, -2048, 220, 219.999,
  ];
  // Exact half-step points (where rounding rules differ between languages and libraries).
  for (let k = 0; k < 50; k++) values.push(lo + (k + 0.5) * q, hi - (k + 0.5) * q);
  const rng = createRng(seed);
  for (let i = 0; i < 3000; i++) values.push(lo - grid.range / 4 + rng() * grid.range * 1.5);
  for (let i = 0; i < 200; i++) values.push((rng() - 0.5) * 1e6);
  return values;
}

type Field = { name: string; grid: Grid; make: () => Record<string, number> };

const FIELDS: Field[] = [
  { name: "OwnBody.x", grid: POSITION_GRID, make: () => new OwnBody() as unknown as Record<string, number> },
  { name: "OwnBody.y", grid: POSITION_GRID, make: () => new OwnBody() as unknown as Record<string, number> },
  { name: "OwnBody.angle", grid: ANGLE_GRID, make: () => new OwnBody() as unknown as Record<string, number> },
  { name: "OwnBody.speed", grid: SPEED_GRID, make: () => new OwnBody() as unknown as Record<string, number> },
  { name: "TadpoleInput.angle", grid: ANGLE_GRID, make: () => new TadpoleInput() as unknown as Record<string, number> },
  { name: "TadpoleInput.thrust", grid: THRUST_GRID, make: () => new TadpoleInput() as unknown as Record<string, number> },
];

describe("snap() matches @colyseus/schema's quantized fields bit for bit", () => {
  for (const [i, field] of FIELDS.entries()) {
    const key = field.name.split(".")[1];

    it(`${field.name}: writing a value into the schema yields snap(value)`, () => {
      const instance = field.make();
      for (const value of samples(field.grid, i + 1)) {
        instance[key] = value;
        const fromSchema = instance[key];
        const fromSnap = snap(field.grid, value);
        if (!Object.is(fromSchema, fromSnap)) {
          throw new Error(`${field.name} = ${value}: schema holds ${fromSchema}, snap gives ${fromSnap}`);
        }
      }
    });

    it(`${field.name}: the Encoder/Decoder round trip yields snap(value)`, () => {
      const source = field.make();
      const target = field.make();
      const encoder = new Encoder(source as never);
      const decoder = new Decoder(target as never);
      let first = true;
      for (const value of samples(field.grid, 100 + i)) {
        source[key] = value;
        decoder.decode(first ? encoder.encodeAll() : encoder.encode());
        encoder.discardChanges();
        first = false;
        const decoded = target[key];
        const fromSnap = snap(field.grid, value);
        if (!Object.is(decoded, fromSnap)) {
          throw new Error(`${field.name} = ${value}: decoded ${decoded}, snap gives ${fromSnap}`);
        }
      }
    });
  }
});

describe("grids", () => {
  it("declare the same ranges as the schema", () => {
    expect(POSITION_GRID.min).toBe(-POSITION_RANGE);
    expect(POSITION_GRID.min + POSITION_GRID.range).toBe(POSITION_RANGE);
    expect(POSITION_GRID.span).toBe(2 ** 16 - 2); // symmetric: zero lies on the grid
    expect(snap(POSITION_GRID, 0)).toBe(0);
    expect(SPEED_GRID.min + SPEED_GRID.range).toBe(MAX_SPEED);
    expect(snap(SPEED_GRID, MAX_SPEED)).toBe(MAX_SPEED);
    expect(snap(SPEED_GRID, 0)).toBe(0);
    expect(ANGLE_GRID.wrap).toBe(true);
    expect(snap(ANGLE_GRID, TWO_PI)).toBe(0);
    expect(snap(THRUST_GRID, 1)).toBe(1);
    expect(snap(THRUST_GRID, 0)).toBe(0);
  });

  it("clamp grids clamp, wrap grids wrap, NaN pins to min", () => {
    const clamp = clampGrid(0, 10, 8);
    expect(snap(clamp, -5)).toBe(0);
    expect(snap(clamp, 50)).toBe(10);
    expect(snap(clamp, NaN)).toBe(0);
    expect(snap(clamp, Infinity)).toBe(10);
    const wrap = wrapGrid(0, 8, 8);
    expect(snap(wrap, 9)).toBe(snap(wrap, 1));
    expect(snap(wrap, -1)).toBe(snap(wrap, 7));
    expect(snap(wrap, NaN)).toBe(0);
    expect(snap(wrap, Infinity)).toBe(0);
    expect(quantum(wrap)).toBe(8 / 256);
    expect(quantum(clamp)).toBe(10 / 255);
  });

  it("rounds half up, like the schema (floor(x + 0.5))", () => {
    const g = clampGrid(0, 255, 8); // one unit per step
    expect(snap(g, 2.5)).toBe(3);
    expect(snap(g, 3.5)).toBe(4);
    expect(snap(g, 2.4999)).toBe(2);
  });
});
