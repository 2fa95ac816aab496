import { decodeRadar, radarCellCentre, radarCellOf, radarCellSize } from "../../shared/radar.ts";

/** A point the client knows exactly (a tadpole in its position stream, or its own). */
interface KnownPoint {
  readonly x: number;
  readonly y: number;
}

/**
 * The radar as this client holds it (Phaser-free: bots and tests read it too). `counts` is the
 * server's picture of the whole pond, once a second; `far` is the part of it this client does
 * not otherwise see: each cell's count minus the tadpoles this client held in that cell (from
 * its position stream, and its own) when the radar arrived. The radar is built between ticks,
 * from the positions the patch before it carried, so the two agree: `far` is the crowd beyond
 * your view, which the mini-map shades and the far edge arrows point at, while the tadpoles you
 * hold keep their precise dots.
 */
export class RadarView {
  /** Columns (and rows) of the grid; 0 until the first radar arrives. */
  cols = 0;
  /** Everyone, per cell, as of the last radar. */
  counts: Uint32Array<ArrayBuffer> = new Uint32Array(0);
  /** The tadpoles of `counts` this client did not hold, per cell. */
  far = new Uint32Array(0);
  /** The cells of `far` with anyone in them, ascending. */
  readonly farCells: number[] = [];
  /** Every tadpole in the pond (the sum of `counts`), and those of them far (the sum of `far`). */
  total = 0;
  farTotal = 0;
  /** Radars received, and messages that did not decode (dropped; the last picture stays). */
  received = 0;
  malformed = 0;
  /** When the last one arrived (the `now` given to receive: performance.now() in the net layer). */
  receivedAt = -Infinity;
  private held = new Uint32Array(0);

  /** Side of a cell, world units (0 before the first radar). */
  get cellSize(): number {
    return this.cols > 0 ? radarCellSize(this.cols) : 0;
  }

  /** The world point at the middle of `cell`. */
  cellCentre(cell: number, out: { x: number; y: number } = { x: 0, y: 0 }): { x: number; y: number } {
    return radarCellCentre(this.cols, cell, out);
  }

  cellOf(x: number, y: number): number {
    return radarCellOf(this.cols, x, y);
  }

  /**
   * Takes a radar message body; `known` are the tadpoles this client holds right now. Returns
   * false (and keeps the previous picture) when the bytes do not decode.
   */
  receive(bytes: Uint8Array, known: Iterable<KnownPoint>, now: number): boolean {
    const grid = decodeRadar(bytes);
    if (grid === null) {
      this.malformed++;
      return false;
    }
    const cols = grid.cols;
    const cells = cols * cols;
    if (this.held.length !== cells) {
      this.held = new Uint32Array(cells);
      this.far = new Uint32Array(cells);
    } else {
      this.held.fill(0);
    }
    for (const point of known) this.held[radarCellOf(cols, point.x, point.y)]++;
    const counts = grid.counts;
    const far = this.far;
    const held = this.held;
    this.farCells.length = 0;
    let farTotal = 0;
    for (let cell = 0; cell < cells; cell++) {
      const n = counts[cell] > held[cell] ? counts[cell] - held[cell] : 0;
      far[cell] = n;
      if (n > 0) {
        this.farCells.push(cell);
        farTotal += n;
      }
    }
    this.cols = cols;
    this.counts = counts;
    this.total = grid.total;
    this.farTotal = farTotal;
    this.received++;
    this.receivedAt = now;
    return true;
  }
}

/** An arrow toward a far crowd: the count-weighted middle of the far cells in one direction. */
export interface CrowdArrow {
  /** From the camera to the crowd's middle, world units. */
  dx: number;
  dy: number;
  /** atan2(dy, dx). */
  angle: number;
  /** Tadpoles it stands for. */
  count: number;
}

/** Directions are binned into this many sectors (22.5° each) before they are merged. */
const SECTORS = 16;

/**
 * Arrows toward the far crowds as seen from (camX, camY), at most `max`, largest first. The far
 * cells off the screen (beyond halfW, halfH world units of the camera on either axis) are binned
 * by direction (16 sectors of 22.5°); the fullest sectors become arrows, and a sector next to one
 * of them joins it (its count adds, its direction is weighed in), so two arrows start at least
 * two sectors apart and a crowd straddling a sector edge gets one arrow. Crowds past `max` arrows
 * are left out. Writes into `out` (reused) and returns it.
 */
export function crowdArrows(radar: RadarView, camX: number, camY: number, halfW: number, halfH: number, max: number, out: CrowdArrow[] = []): CrowdArrow[] {
  if (radar.farCells.length === 0 || max <= 0) {
    out.length = 0;
    return out;
  }
  const sum = scratch.sum.fill(0);
  const vx = scratch.vx.fill(0);
  const vy = scratch.vy.fill(0);
  const centre = scratch.centre;
  for (const cell of radar.farCells) {
    radar.cellCentre(cell, centre);
    const dx = centre.x - camX;
    const dy = centre.y - camY;
    if (Math.abs(dx) < halfW && Math.abs(dy) < halfH) continue;
    const n = radar.far[cell];
    const s = Math.floor(((Math.atan2(dy, dx) + Math.PI) / (2 * Math.PI)) * SECTORS) % SECTORS;
    sum[s] += n;
    vx[s] += n * dx;
    vy[s] += n * dy;
  }
  const order = scratch.order;
  for (let s = 0; s < SECTORS; s++) order[s] = s;
  order.sort((a, b) => sum[b] - sum[a] || a - b);
  // Per sector: the arrow it seeded (the fullest sector of each arrow), or -1.
  const seeded = scratch.seeded.fill(-1);
  const groupX = scratch.groupX;
  const groupY = scratch.groupY;
  const groupN = scratch.groupN;
  let groups = 0;
  for (const s of order) {
    if (sum[s] === 0) break;
    const left = seeded[(s + SECTORS - 1) % SECTORS];
    const right = seeded[(s + 1) % SECTORS];
    // Next to a seed: join it (the fuller one when both sides are seeds). Only seeds take in
    // neighbours, so an arrow spans at most three sectors and never chains around the circle.
    let g = left >= 0 && right >= 0 ? Math.min(left, right) : left >= 0 ? left : right;
    if (g < 0) {
      if (groups === max) continue;
      g = groups++;
      seeded[s] = g;
      groupX[g] = 0;
      groupY[g] = 0;
      groupN[g] = 0;
    }
    groupX[g] += vx[s];
    groupY[g] += vy[s];
    groupN[g] += sum[s];
  }
  // The arrows' objects are reused from call to call (this runs every frame).
  for (let g = 0; g < groups; g++) {
    const arrow = out[g] ?? (out[g] = { dx: 0, dy: 0, angle: 0, count: 0 });
    arrow.dx = groupX[g] / groupN[g];
    arrow.dy = groupY[g] / groupN[g];
    arrow.angle = Math.atan2(arrow.dy, arrow.dx);
    arrow.count = groupN[g];
  }
  out.length = groups;
  out.sort(byCount);
  return out;
}

const byCount = (a: CrowdArrow, b: CrowdArrow): number => b.count - a.count;

const scratch = {
  sum: new Float64Array(SECTORS),
  vx: new Float64Array(SECTORS),
  vy: new Float64Array(SECTORS),
  order: new Array<number>(SECTORS).fill(0),
  seeded: new Int32Array(SECTORS),
  groupX: new Float64Array(SECTORS),
  groupY: new Float64Array(SECTORS),
  groupN: new Float64Array(SECTORS),
  centre: { x: 0, y: 0 },
};
