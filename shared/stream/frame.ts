import { ANGLE_GRID, POSITION_GRID, SPEED_GRID } from "../grids.ts";
import { ensureLength } from "./arrays.ts";
import { ByteWriter, VARINT_MAX_BYTES, varintSize, writeVarintAt } from "./bytes.ts";
import { toCode } from "./codes.ts";
import { BLOCK_DELTA, BLOCK_DROP, BLOCK_KEY, FOOD_CHANGES, FOOD_KEY, MAX_CELL, SELF_MAX, SELF_PRESENT } from "./format.ts";

/** Room in front of the blocks for what is written last: self, then the block count. */
const PREFIX_MAX = SELF_MAX + VARINT_MAX_BYTES;
const NO_BODY = new Uint8Array(0);

/**
 * Composes one client's frame: its exact own body, then the blocks of the cells it watches, in
 * ascending cell order, each a head (the gap from the previous block's cell, and the kind) and a
 * body prepared once per tick by the encoder and shared by every client; then, when there are
 * any, the food blocks of those cells, likewise. Blocks may be added in any order (they are kept
 * sorted as they come). Reusable; everything is written at finish, the self and block count in
 * front of the blocks, so nothing is copied twice.
 */
export class StreamFrameWriter {
  private readonly w = new ByteWriter(1024);
  /** The blocks added since begin, kept sorted by cell: tadpoles, and food. */
  private readonly blocks = new SortedBlocks();
  private readonly food = new SortedBlocks();
  private hasSelf = false;
  /** Bytes of the last finished frame's food section (0 without one). */
  foodBytes = 0;
  private x = 0;
  private y = 0;
  private angle = 0;
  private speed = 0;

  /** Starts a frame; `self` is the client's own body, already snapped to the schema grids, or null. */
  begin(self: { x: number; y: number; angle: number; speed: number } | null): void {
    this.blocks.clear();
    this.food.clear();
    this.hasSelf = self !== null;
    if (self === null) return;
    this.x = toCode(POSITION_GRID, self.x);
    this.y = toCode(POSITION_GRID, self.y);
    this.angle = toCode(ANGLE_GRID, self.angle);
    this.speed = toCode(SPEED_GRID, self.speed);
  }

  /** Adds `cell`'s delta block (a body from PositionStreamEncoder.delta). */
  delta(cell: number, body: Uint8Array): void {
    this.blocks.add(cell, BLOCK_DELTA, body);
  }

  /** Adds `cell`'s key block (a body from PositionStreamEncoder.key): the client starts watching it. */
  key(cell: number, body: Uint8Array): void {
    this.blocks.add(cell, BLOCK_KEY, body);
  }

  /** Adds a drop block: the client stops watching `cell`. */
  drop(cell: number): void {
    this.blocks.add(cell, BLOCK_DROP, NO_BODY);
  }

  /** Adds `cell`'s food key (every speck in it: the client starts watching it, or is resynced). */
  foodKey(cell: number, body: Uint8Array): void {
    this.food.add(cell, FOOD_KEY, body);
  }

  /** Adds the specks eaten and born in `cell` this tick. */
  foodChanges(cell: number, body: Uint8Array): void {
    this.food.add(cell, FOOD_CHANGES, body);
  }

  /** The frame's bytes: a view valid until the next begin. A cell added twice throws. */
  finish(): Uint8Array {
    const { count: n, cells, kinds, bodies } = this.blocks;
    const w = this.w;
    w.reset(0);
    const food = this.food;
    w.reserve(PREFIX_MAX + n * VARINT_MAX_BYTES + this.blocks.bodyBytes + (food.count > 0 ? VARINT_MAX_BYTES + food.count * VARINT_MAX_BYTES + food.bodyBytes : 0));
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
    // The food section, only when there is food to tell (a frame without one ends here).
    const foodStart = pos;
    if (food.count > 0) {
      pos = writeVarintAt(bytes, pos, food.count);
      previous = -1;
      for (let i = 0; i < food.count; i++) {
        const cell = food.cells[i];
        if (cell === previous) throw new Error(`food of cell ${cell} twice in one frame`);
        pos = writeVarintAt(bytes, pos, (cell - previous - 1) * 2 + food.kinds[i]);
        const body = food.bodies[i];
        bytes.set(body, pos);
        pos += body.length;
        previous = cell;
      }
    }
    this.foodBytes = pos - foodStart;
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
}

/** Blocks kept in ascending cell order as they are added (a frame holds a few). */
class SortedBlocks {
  count = 0;
  bodyBytes = 0;
  cells = new Int32Array(16);
  kinds = new Uint8Array(16);
  readonly bodies: Uint8Array[] = [];

  clear(): void {
    this.count = 0;
    this.bodyBytes = 0;
  }

  add(cell: number, kind: number, body: Uint8Array): void {
    if (!(cell >= 0 && cell <= MAX_CELL && (cell | 0) === cell)) throw new RangeError(`cell ${cell} is not in 0..${MAX_CELL}`);
    if (this.count === this.cells.length) {
      this.cells = ensureLength(this.cells, this.count + 1);
      this.kinds = ensureLength(this.kinds, this.count + 1);
    }
    let j = this.count++;
    while (j > 0 && this.cells[j - 1] > cell) {
      this.cells[j] = this.cells[j - 1];
      this.kinds[j] = this.kinds[j - 1];
      this.bodies[j] = this.bodies[j - 1];
      j--;
    }
    this.cells[j] = cell;
    this.kinds[j] = kind;
    this.bodies[j] = body;
    this.bodyBytes += body.length;
  }
}

function writeU16(bytes: Uint8Array, pos: number, value: number): void {
  bytes[pos] = value;
  bytes[pos + 1] = value >> 8;
}
