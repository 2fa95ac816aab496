import type { Pose } from "../pose.ts";
import { ensureLength } from "./arrays.ts";
import { ByteWriter, varintSize, writeVarintAt } from "./bytes.ts";
import {
  BODY_HEADER_MAX, FULL, HAS_SPEED, HEADING_ABSOLUTE, HEADING_DELTA, HEADING_MASK, LEAVE, MAX_CELL, MAX_ID,
  POS_ABSOLUTE, POS_INT8, POS_MASK, POS_NIBBLES, RECORD_MAX, WIDE_VELOCITY,
} from "./format.ts";
import { clampInt16, fitsInt8, headingStep, toWireHeading, toWirePosition, toWireSpeed } from "./units.ts";

/** Slot states of an id. */
const FREE = 0;
const LIVE = 1;
const REMOVING = 2; // its leave record goes out on the next encodeTick, then the id is free

/** A cell's records or membership: none. */
const NOT_ON_WIRE = -1;

/**
 * The server half of the position stream. Once per tick it quantizes every body, compares it with
 * a mirror of what every client holds (the wire state: exactly what applying every block yields)
 * and writes the body of each cell's delta block; a client's frame is then the blocks of the
 * cells it watches, each a head (which cell, which kind) and one of these shared bodies
 * (StreamFrameWriter). Because the mirror is the clients' state, not the previous true state,
 * rounding never accumulates.
 *
 * Records of a cell are in ascending id order because encodeTick walks ids in ascending order.
 */
export class PositionStreamEncoder {
  readonly cellCount: number;

  private tick = 0;

  // Per id (indexed by id, grown on demand).
  private bodies: (Pose | null)[] = [];
  private state = new Uint8Array(0);
  private cell = new Int32Array(0); // the cell it belongs to now
  private wireCell = new Int32Array(0); // the cell clients hold it in, or NOT_ON_WIRE
  private wx = new Int32Array(0);
  private wy = new Int32Array(0);
  private wvx = new Int32Array(0);
  private wvy = new Int32Array(0);
  private wa = new Uint16Array(0);
  private ws = new Uint8Array(0);

  /** Ids in use (live or removing), ascending. */
  private active = new Int32Array(64);
  private activeCount = 0;

  // Per cell: this tick's delta block body, written with room in front for its record count.
  private deltaWriters: (ByteWriter | undefined)[];
  private recordCount: Int32Array;
  private lastId: Int32Array;
  private deltaStart: Int32Array;
  private deltaViews: (Uint8Array | null)[];
  private dirtyCells = new Int32Array(64);
  private dirtyCount = 0;

  // Per cell: key block bodies, built lazily and cached for the tick they were built in.
  private keyWriters: (ByteWriter | undefined)[];
  private keyViews: (Uint8Array | null)[];
  private keyTick: Int32Array;

  // Members of each cell on the wire (counting sort by wireCell, ids ascending), built lazily per tick.
  private memberTick = -1;
  private members = new Int32Array(64);
  private cellStart: Int32Array;
  private cellFill: Int32Array;

  constructor(cellCount: number) {
    if (!Number.isInteger(cellCount) || cellCount < 0 || cellCount > MAX_CELL + 1) throw new RangeError(`cellCount ${cellCount}`);
    this.cellCount = cellCount;
    this.deltaWriters = new Array<ByteWriter | undefined>(cellCount).fill(undefined);
    this.recordCount = new Int32Array(cellCount);
    this.lastId = new Int32Array(cellCount).fill(-1);
    this.deltaStart = new Int32Array(cellCount);
    this.deltaViews = new Array<Uint8Array | null>(cellCount).fill(null);
    this.keyWriters = new Array<ByteWriter | undefined>(cellCount).fill(undefined);
    this.keyViews = new Array<Uint8Array | null>(cellCount).fill(null);
    this.keyTick = new Int32Array(cellCount).fill(-1);
    this.cellStart = new Int32Array(cellCount + 1);
    this.cellFill = new Int32Array(cellCount);
  }

  /** Spawns `id` (0..65535, not in use) in `cell`; clients get a full enter record (vx = vy = 0) next encodeTick. */
  add(id: number, cell: number, body: Pose): void {
    this.checkId(id);
    this.checkCell(cell);
    this.growIds(id + 1);
    if (this.state[id] !== FREE) throw new Error(`stream id ${id} is in use (re-add only after an encodeTick)`);
    this.state[id] = LIVE;
    this.cell[id] = cell;
    this.wireCell[id] = NOT_ON_WIRE;
    this.bodies[id] = body;
    this.insertActive(id);
  }

  /** Clients get a leave record in its current cell next encodeTick; idempotent until then. */
  remove(id: number): void {
    this.checkId(id);
    if (id >= this.state.length || this.state[id] === FREE) throw new Error(`stream id ${id} is not in use`);
    this.state[id] = REMOVING;
  }

  /** Moves `id` to `cell`: a leave record in the old cell's block and a full enter record in the new one. */
  setCell(id: number, cell: number): void {
    this.checkId(id);
    this.checkCell(cell);
    if (id >= this.state.length || this.state[id] === FREE) throw new Error(`stream id ${id} is not in use`);
    if (this.state[id] === LIVE) this.cell[id] = cell;
  }

  /** One tick: quantize every body, write every cell's delta block and advance the wire state. */
  encodeTick(): void {
    this.tick++;
    this.clearDeltas();
    let kept = 0;
    for (let i = 0; i < this.activeCount; i++) {
      const id = this.active[i];
      if (this.state[id] === REMOVING) {
        if (this.wireCell[id] !== NOT_ON_WIRE) this.beginRecord(this.wireCell[id], id, LEAVE);
        this.free(id);
        continue;
      }
      this.active[kept++] = id;
      this.encodeBody(id);
    }
    this.activeCount = kept;
    this.finishDeltas();
  }

  /** The body of this tick's delta block for `cell` (record count and records), or null when it has no record. */
  delta(cell: number): Uint8Array | null {
    this.checkCell(cell);
    if (this.recordCount[cell] === 0) return null;
    let view = this.deltaViews[cell];
    if (view === null) {
      view = (this.deltaWriters[cell] as ByteWriter).view(this.deltaStart[cell]);
      this.deltaViews[cell] = view;
    }
    return view;
  }

  /** The body of this tick's key block for `cell`: every entity the wire state holds there after this tick. */
  key(cell: number): Uint8Array {
    this.checkCell(cell);
    if (this.keyTick[cell] !== this.tick) {
      this.keyViews[cell] = this.buildKey(cell);
      this.keyTick[cell] = this.tick;
    }
    return this.keyViews[cell] as Uint8Array;
  }

  private encodeBody(id: number): void {
    const body = this.bodies[id] as Pose;
    const tx = toWirePosition(body.x);
    const ty = toWirePosition(body.y);
    const ta = toWireHeading(body.angle);
    const ts = toWireSpeed(body.speed);
    const wireCell = this.wireCell[id];
    const cell = this.cell[id];

    if (wireCell === NOT_ON_WIRE) {
      this.enter(cell, id, tx, ty, 0, 0, ta, ts);
      return;
    }
    if (wireCell !== cell) {
      // The real last motion travels along, so the next tick is a small residual again.
      this.beginRecord(wireCell, id, LEAVE);
      this.enter(cell, id, tx, ty, clampInt16(tx - this.wx[id]), clampInt16(ty - this.wy[id]), ta, ts);
      return;
    }

    const x0 = this.wx[id];
    const y0 = this.wy[id];
    const rx = tx - (x0 + this.wvx[id]); // residual against "keep going"
    const ry = ty - (y0 + this.wvy[id]);
    const vx = tx - x0;
    const vy = ty - y0;
    let flags = 0;
    if (rx !== 0 || ry !== 0) {
      if (vx !== clampInt16(vx) || vy !== clampInt16(vy)) flags = POS_ABSOLUTE; // the new velocity must fit int16
      else if (rx >= -8 && rx <= 7 && ry >= -8 && ry <= 7) flags = POS_NIBBLES;
      else if (rx >= -128 && rx <= 127 && ry >= -128 && ry <= 127) flags = POS_INT8;
      else flags = POS_ABSOLUTE;
    }
    const turn = headingStep(this.wa[id], ta);
    if (turn !== 0) flags |= turn >= -127 && turn <= 127 ? HEADING_DELTA : HEADING_ABSOLUTE;
    if (ts !== this.ws[id]) flags |= HAS_SPEED;

    const absVx = clampInt16(vx);
    const absVy = clampInt16(vy);
    this.wx[id] = tx;
    this.wy[id] = ty;
    this.wvx[id] = absVx;
    this.wvy[id] = absVy;
    this.wa[id] = ta;
    this.ws[id] = ts;
    if (flags === 0) return; // "keep going" lands exactly on the target

    if ((flags & POS_MASK) === POS_ABSOLUTE && !(fitsInt8(absVx) && fitsInt8(absVy))) flags |= WIDE_VELOCITY;
    const w = this.beginRecord(cell, id, flags);
    switch (flags & POS_MASK) {
      case POS_NIBBLES: w.u8(((rx & 0x0f) << 4) | (ry & 0x0f)); break;
      case POS_INT8: w.u8(rx & 0xff); w.u8(ry & 0xff); break;
      case POS_ABSOLUTE: writePosition(w, flags, tx, ty, absVx, absVy); break;
    }
    const heading = flags & HEADING_MASK;
    if (heading === HEADING_DELTA) w.u8(turn & 0xff);
    else if (heading === HEADING_ABSOLUTE) w.u16(ta);
    if (flags & HAS_SPEED) w.u8(ts);
  }

  /** A full record in `cell`'s delta block, and the wire state it sets. */
  private enter(cell: number, id: number, x: number, y: number, vx: number, vy: number, a: number, s: number): void {
    writeFull(this.beginRecord(cell, id, fullFlags(vx, vy)), x, y, vx, vy, a, s);
    this.wireCell[id] = cell;
    this.wx[id] = x;
    this.wy[id] = y;
    this.wvx[id] = vx;
    this.wvy[id] = vy;
    this.wa[id] = a;
    this.ws[id] = s;
  }

  /** Starts a record (gap and flags) in `cell`'s delta block and returns the writer for its fields. */
  private beginRecord(cell: number, id: number, flags: number): ByteWriter {
    let w = this.deltaWriters[cell];
    if (this.recordCount[cell] === 0) {
      if (w === undefined) w = this.deltaWriters[cell] = new ByteWriter(64);
      w.reset(BODY_HEADER_MAX);
      this.dirtyCells = ensureLength(this.dirtyCells, this.dirtyCount + 1);
      this.dirtyCells[this.dirtyCount++] = cell;
    }
    const writer = w as ByteWriter;
    writer.reserve(RECORD_MAX);
    writer.varint(id - this.lastId[cell] - 1);
    writer.u8(flags);
    this.lastId[cell] = id;
    this.recordCount[cell]++;
    return writer;
  }

  private clearDeltas(): void {
    for (let i = 0; i < this.dirtyCount; i++) {
      const cell = this.dirtyCells[i];
      this.recordCount[cell] = 0;
      this.lastId[cell] = -1;
      this.deltaViews[cell] = null;
    }
    this.dirtyCount = 0;
  }

  /** Writes each body's record count right-aligned in the room left in front of its records. */
  private finishDeltas(): void {
    for (let i = 0; i < this.dirtyCount; i++) {
      const cell = this.dirtyCells[i];
      const n = this.recordCount[cell];
      const w = this.deltaWriters[cell] as ByteWriter;
      const start = BODY_HEADER_MAX - varintSize(n);
      writeVarintAt(w.bytes, start, n);
      this.deltaStart[cell] = start;
    }
  }

  private buildKey(cell: number): Uint8Array {
    this.indexMembers();
    const from = this.cellStart[cell];
    const to = this.cellStart[cell + 1];
    let w = this.keyWriters[cell];
    if (w === undefined) w = this.keyWriters[cell] = new ByteWriter(64);
    w.reset();
    w.varint(to - from);
    let lastId = -1;
    for (let i = from; i < to; i++) {
      const id = this.members[i];
      const vx = this.wvx[id];
      const vy = this.wvy[id];
      w.reserve(RECORD_MAX);
      w.varint(id - lastId - 1);
      w.u8(fullFlags(vx, vy));
      writeFull(w, this.wx[id], this.wy[id], vx, vy, this.wa[id], this.ws[id]);
      lastId = id;
    }
    return w.view();
  }

  /** Groups the ids on the wire by wireCell (a counting sort; ascending ids stay ascending). */
  private indexMembers(): void {
    if (this.memberTick === this.tick) return;
    this.memberTick = this.tick;
    const start = this.cellStart;
    start.fill(0);
    for (let i = 0; i < this.activeCount; i++) {
      const cell = this.wireCell[this.active[i]];
      if (cell !== NOT_ON_WIRE) start[cell + 1]++;
    }
    for (let c = 0; c < this.cellCount; c++) {
      start[c + 1] += start[c];
      this.cellFill[c] = start[c];
    }
    this.members = ensureLength(this.members, start[this.cellCount]);
    for (let i = 0; i < this.activeCount; i++) {
      const id = this.active[i];
      const cell = this.wireCell[id];
      if (cell !== NOT_ON_WIRE) this.members[this.cellFill[cell]++] = id;
    }
  }

  private free(id: number): void {
    this.state[id] = FREE;
    this.wireCell[id] = NOT_ON_WIRE;
    this.bodies[id] = null;
  }

  private insertActive(id: number): void {
    let lo = 0;
    let hi = this.activeCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.active[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    this.active = ensureLength(this.active, this.activeCount + 1);
    this.active.copyWithin(lo + 1, lo, this.activeCount);
    this.active[lo] = id;
    this.activeCount++;
  }

  private growIds(length: number): void {
    if (this.state.length >= length) return;
    this.state = ensureLength(this.state, length);
    this.cell = ensureLength(this.cell, length);
    this.wireCell = ensureLength(this.wireCell, length, NOT_ON_WIRE);
    this.wx = ensureLength(this.wx, length);
    this.wy = ensureLength(this.wy, length);
    this.wvx = ensureLength(this.wvx, length);
    this.wvy = ensureLength(this.wvy, length);
    this.wa = ensureLength(this.wa, length);
    this.ws = ensureLength(this.ws, length);
    while (this.bodies.length < this.state.length) this.bodies.push(null);
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id > MAX_ID) throw new RangeError(`stream id ${id} is not in 0..${MAX_ID}`);
  }

  private checkCell(cell: number): void {
    if (!Number.isInteger(cell) || cell < 0 || cell >= this.cellCount) throw new RangeError(`cell ${cell} is not in 0..${this.cellCount - 1}`);
  }
}

/** A full record's flags: narrow velocity when both components fit int8. */
function fullFlags(vx: number, vy: number): number {
  return fitsInt8(vx) && fitsInt8(vy) ? FULL : FULL | WIDE_VELOCITY;
}

/** An absolute position's fields: u16 x, y codes, then vx, vy as int8 (int16 with WIDE_VELOCITY in `flags`). */
function writePosition(w: ByteWriter, flags: number, x: number, y: number, vx: number, vy: number): void {
  w.u16(x);
  w.u16(y);
  if (flags & WIDE_VELOCITY) {
    w.u16(vx);
    w.u16(vy);
  } else {
    w.u8(vx & 0xff);
    w.u8(vy & 0xff);
  }
}

/** The fields of a full record, in format order: the absolute position, u16 heading, u8 speed. */
function writeFull(w: ByteWriter, x: number, y: number, vx: number, vy: number, a: number, s: number): void {
  writePosition(w, fullFlags(vx, vy), x, y, vx, vy);
  w.u16(a);
  w.u8(s);
}

export { ByteWriter };
