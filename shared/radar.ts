import { WORLD_HALF } from "./constants.ts";
import { ByteReader, ByteWriter } from "./stream/bytes.ts";

/**
 * The radar: where everyone in the pond is, coarsely. Once a second the server counts the
 * tadpoles in each cell of a grid laid over the whole pond and sends every client the same
 * bytes (one message, encoded once): the mini-map's crowd beyond your view and the edge arrows
 * toward far crowds are drawn from it. The byte format is in docs/protocol.md ("The radar");
 * tests/unit/radar.test.ts checks its worked example byte for byte.
 *
 *   u8 version (1) | u8 cols | ceil(cols² / 4) bytes of 2-bit codes | varint extras
 *
 * A cell's code is its count when that is 0, 1 or 2, and 3 for "3 or more", whose count minus
 * 3 follows among the extras (in cell order). At the server's 32 × 32 that is 258 bytes plus
 * about one byte per crowded cell: ~350 bytes a second at 1,000 tadpoles spread over the pond.
 */
export const RADAR_VERSION = 1;
/** The server's grid: 32 × 32 cells of 125 × 125 units (a few CSS pixels on the mini-map). */
export const RADAR_COLS = 32;
/** Largest grid a decoder accepts (4,096 cells). */
export const RADAR_MAX_COLS = 64;
/** How often the server sends it. */
export const RADAR_INTERVAL_MS = 1000;

/** Bytes before the codes: version and cols. */
const HEADER_BYTES = 2;
/** The code meaning "3 or more: the count minus 3 is among the extras". */
const MANY = 3;
const MAX_COUNT = 0xffffffff;

/** A decoded radar: tadpoles per cell, row-major from the pond's top-left corner. */
export interface RadarGrid {
  cols: number;
  /** cols × cols counts; cell `row * cols + col` covers the `col`-th column from x = −WORLD_HALF and the `row`-th row from y = −WORLD_HALF. */
  counts: Uint32Array<ArrayBuffer>;
  /** The sum of the counts: every tadpole in the pond. */
  total: number;
}

/** Side of a cell of a `cols`-wide radar grid, world units. */
export function radarCellSize(cols: number): number {
  return (2 * WORLD_HALF) / cols;
}

/** The cell a point falls in (points on or past a wall go to the edge cells). */
export function radarCellOf(cols: number, x: number, y: number): number {
  const scale = cols / (2 * WORLD_HALF);
  const last = cols - 1;
  let gx = Math.floor((x + WORLD_HALF) * scale);
  let gy = Math.floor((y + WORLD_HALF) * scale);
  // NaN compares false both ways: it lands in cell 0 rather than outside the grid.
  gx = gx > 0 ? (gx < last ? gx : last) : 0;
  gy = gy > 0 ? (gy < last ? gy : last) : 0;
  return gy * cols + gx;
}

/** The world point at the middle of `cell`, written into `out`. */
export function radarCellCentre(cols: number, cell: number, out: { x: number; y: number }): { x: number; y: number } {
  const size = radarCellSize(cols);
  const gx = cell % cols;
  const gy = (cell - gx) / cols;
  out.x = -WORLD_HALF + (gx + 0.5) * size;
  out.y = -WORLD_HALF + (gy + 0.5) * size;
  return out;
}

/**
 * Encodes `counts` (cols × cols non-negative integers below 2^32) as a radar message body. Returns
 * a view of `writer`'s buffer, valid until its next use.
 */
export function encodeRadar(cols: number, counts: ArrayLike<number>, writer = new ByteWriter()): Uint8Array {
  if (!Number.isInteger(cols) || cols < 1 || cols > RADAR_MAX_COLS) throw new RangeError(`a radar grid is 1 to ${RADAR_MAX_COLS} cells wide, not ${cols}`);
  const cells = cols * cols;
  if (counts.length !== cells) throw new RangeError(`a ${cols}-wide radar has ${cells} counts, not ${counts.length}`);
  const codeBytes = Math.ceil(cells / 4);
  writer.reset();
  writer.reserve(HEADER_BYTES + codeBytes);
  writer.u8(RADAR_VERSION);
  writer.u8(cols);
  const bytes = writer.bytes;
  const start = writer.length;
  bytes.fill(0, start, start + codeBytes);
  for (let cell = 0; cell < cells; cell++) {
    const count = counts[cell];
    if (count === 0) continue;
    bytes[start + (cell >> 2)] |= (count < MANY ? count : MANY) << ((cell & 3) * 2);
  }
  writer.length = start + codeBytes;
  for (let cell = 0; cell < cells; cell++) {
    if (counts[cell] >= MANY) writer.varint(counts[cell] - MANY);
  }
  return writer.view();
}

const reader = new ByteReader();

/**
 * Decodes a radar message body. Anything malformed (another version, a grid of 0 or more than
 * RADAR_MAX_COLS columns, too few bytes, a bad varint, a count past 2^32 − 1, non-zero padding
 * codes, bytes left over) gives null: never a throw, never a partial grid.
 */
export function decodeRadar(bytes: Uint8Array): RadarGrid | null {
  if (!(bytes instanceof Uint8Array) || bytes.length < HEADER_BYTES) return null;
  if (bytes[0] !== RADAR_VERSION) return null;
  const cols = bytes[1];
  if (cols < 1 || cols > RADAR_MAX_COLS) return null;
  const cells = cols * cols;
  const codeBytes = Math.ceil(cells / 4);
  const extrasAt = HEADER_BYTES + codeBytes;
  if (bytes.length < extrasAt) return null;
  // The codes past the last cell (when cols² is not a multiple of 4) must be 0.
  const padding = codeBytes * 4 - cells;
  if (padding > 0 && bytes[extrasAt - 1] >> ((4 - padding) * 2) !== 0) return null;
  const counts = new Uint32Array(cells);
  reader.reset(bytes, extrasAt, bytes.length);
  let total = 0;
  for (let cell = 0; cell < cells; cell++) {
    let count = (bytes[HEADER_BYTES + (cell >> 2)] >> ((cell & 3) * 2)) & 3;
    if (count === MANY) {
      const extra = reader.varint();
      if (reader.bad || extra > MAX_COUNT - MANY) return null;
      count += extra;
    }
    counts[cell] = count;
    total += count;
  }
  if (reader.pos !== bytes.length) return null;
  return { cols, counts, total };
}
