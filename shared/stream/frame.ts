import { ANGLE_GRID, POSITION_GRID, SPEED_GRID } from "../grids.ts";
import { ensureLength } from "./arrays.ts";
import { ByteWriter, VARINT_MAX_BYTES, varintSize, writeVarintAt } from "./bytes.ts";
import { toCode } from "./codes.ts";
import { BLOCK_DELTA, BLOCK_DROP, BLOCK_KEY, MAX_CELL, SELF_MAX, SELF_PRESENT } from "./format.ts";

/** Room in front of the blocks for what is written last: self, then the block count. */
const PREFIX_MAX = SELF_MAX + VARINT_MAX_BYTES;
const NO_BODY = new Uint8Array(0);

/**
 * Composes one client's frame: its exact own body, then the blocks of the cells it watches, in
 * ascending cell order, each a head (the gap from the previous block's cell, and the kind) and a
 * body prepared once per tick by the encoder and shared by every client. Blocks may be added in
 * any order (they are kept sorted as they come). Reusable; everything is written at finish, the
 * self and block count in front of the blocks, so nothing is copied twice.
 */
export class StreamFrameWriter {
  private readonly w = new ByteWriter(1024);
  /** The blocks added since begin, kept sorted by cell (insertion: a frame holds a few dozen). */
  private count = 0;
  private bodyBytes = 0;
  private cells = new Int32Array(64);
  private kinds = new Uint8Array(64);
  private bodies: Uint8Array[] = [];
  private hasSelf = false;
  private x = 0;
  private y = 0;
  private angle = 0;
  private speed = 0;

  /** Starts a frame; `self` is the client's own body, already snapped to the schema grids, or null. */
  begin(self: { x: number; y: number; angle: number; speed: number } | null): void {
    this.count = 0;
    this.bodyBytes = 0;
    this.hasSelf = self !== null;
    if (self === null) return;
    this.x = toCode(POSITION_GRID, self.x);
    this.y = toCode(POSITION_GRID, self.y);
    this.angle = toCode(ANGLE_GRID, self.angle);
    this.speed = toCode(SPEED_GRID, self.speed);
  }

  /** Adds `cell`'s delta block (a body from PositionStreamEncoder.delta). */
  delta(cell: number, body: Uint8Array): void {
    this.add(cell, BLOCK_DELTA, body);
  }

  /** Adds `cell`'s key block (a body from PositionStreamEncoder.key): the client starts watching it. */
  key(cell: number, body: Uint8Array): void {
    this.add(cell, BLOCK_KEY, body);
  }

  /** Adds a drop block: the client stops watching `cell`. */
  drop(cell: number): void {
    this.add(cell, BLOCK_DROP, NO_BODY);
  }

  /** The frame's bytes: a view valid until the next begin. A cell added twice throws. */
  finish(): Uint8Array {
    const n = this.count;
    const cells = this.cells;
    const kinds = this.kinds;
    const bodies = this.bodies;
    const w = this.w;
    w.reset(0);
    w.reserve(PREFIX_MAX + n * VARINT_MAX_BYTES + this.bodyBytes);
    const bytes = w.bytes;
    let pos = PREFIX_MAX;
    let previous = -1;
    for (let i = 0; i < n; i++) {
      const cell = cells[i];
      if (cell === previous) throw new Error(`cell ${cell} twice in one frame`);
      const head = (cell - previous - 1) * 4 + kinds[i];
      if (head < 0x80) bytes[pos++] = head; // a neighbouring cell: one byte
      else pos = writeVarintAt(bytes, pos, head);
      const body = bodies[i];
      bytes.set(body, pos);
      pos += body.length;
      previous = cell;
    }
    w.length = pos;
    let start = PREFIX_MAX - varintSize(n);
    writeVarintAt(bytes, start, n);
    if (this.hasSelf) {
      start -= SELF_MAX;
      bytes[start] = SELF_PRESENT;
      writeU16(bytes, start + 1, this.x);
      writeU16(bytes, start + 3, this.y);
      writeU16(bytes, start + 5, this.angle);
      writeU16(bytes, start + 7, this.speed);
    } else {
      bytes[--start] = 0;
    }
    return w.view(start);
  }

  private add(cell: number, kind: number, body: Uint8Array): void {
    if (!(cell >= 0 && cell <= MAX_CELL && (cell | 0) === cell)) throw new RangeError(`cell ${cell} is not in 0..${MAX_CELL}`);
    if (this.count === this.cells.length) {
      this.cells = ensureLength(this.cells, this.count + 1);
      this.kinds = ensureLength(this.kinds, this.count + 1);
    }
    const cells = this.cells;
    const kinds = this.kinds;
    const bodies = this.bodies;
    let j = this.count++;
    while (j > 0 && cells[j - 1] > cell) {
      cells[j] = cells[j - 1];
      kinds[j] = kinds[j - 1];
      bodies[j] = bodies[j - 1];
      j--;
    }
    cells[j] = cell;
    kinds[j] = kind;
    bodies[j] = body;
    this.bodyBytes += body.length;
  }
}

function writeU16(bytes: Uint8Array, pos: number, value: number): void {
  bytes[pos] = value;
  bytes[pos + 1] = value >> 8;
}
