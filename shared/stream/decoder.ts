import type { Pose } from "../pose.ts";
import { ANGLE_GRID, POSITION_GRID, SPEED_GRID } from "../grids.ts";
import { ensureLength } from "./arrays.ts";
import { ByteReader } from "./bytes.ts";
import { fromCode, maxCode } from "./codes.ts";
import { FoodHoldings } from "./food.ts";
import {
  BLOCK_DROP, BLOCK_KEY, BLOCK_KIND_MASK, FOOD_KIND_MASK, FULL, HAS_SPEED, HEADING_ABSOLUTE, HEADING_DELTA, HEADING_INVALID,
  HEADING_MASK, LEAVE, MAX_CELL, MAX_ID, POS_ABSOLUTE, POS_INT8, POS_MASK, POS_NIBBLES, RESERVED_BITS, SELF_PRESENT,
  WIDE_VELOCITY,
} from "./format.ts";
import { HEADING_STEPS, MAX_POSITION_CODE, fromWireHeading, fromWirePosition, fromWireSpeed } from "./units.ts";

/** A remote tadpole as the client knows it: floats, updated in place; the same object while known. */
export interface DecodedEntity extends Pose {
  readonly id: number;
}

/** Per-id status bits. */
const HELD = 1; // in `entities`
const LEAVING = 2; // forgotten at the end of this frame unless a full record revives it
const NEW = 4; // entered this frame: onEnter is due at the end of it

/**
 * The client half of the position stream. It keeps the same integer wire state as the encoder's
 * mirror and applies each frame's blocks to it. Leaves are only marked while the frame is read and
 * carried out at its end, so blocks may come in any order: an entity that leaves one cell and
 * enters another in the same frame keeps its object and raises no events.
 *
 * onLeave and onEnter run at the end of the frame (leaves first), with the entity's new floats;
 * they must not call decode or reset.
 */
export class PositionStreamDecoder {
  private readonly known = new Map<number, DecodedEntity>();
  readonly entities: ReadonlyMap<number, DecodedEntity> = this.known;
  /** The newest exact own body (null until one arrives); updated in place. */
  self: Pose | null = null;
  /** Own bodies read so far: tells a caller whether one has come since a moment it marked. */
  selfCount = 0;
  /** The specks of the watched cells (the frames' food sections). */
  readonly food = new FoodHoldings();
  onEnter: ((e: DecodedEntity) => void) | undefined;
  onLeave: ((e: DecodedEntity) => void) | undefined;
  /** Frames whose decoding stopped at malformed input. */
  errors = 0;
  /** Non-full records for an entity not held in the block's cell (skipped, the frame goes on). */
  skipped = 0;

  private readonly reader = new ByteReader();
  /** Set by resync(): the next frame states everything this client should hold. */
  private resyncing = false;
  private frame = 0;
  private keySerial = 0;

  // Per id: the wire state (as the encoder's mirror) and bookkeeping.
  private objects: (DecodedEntity | undefined)[] = [];
  private status = new Uint8Array(0);
  private cell = new Uint32Array(0);
  private x = new Int32Array(0);
  private y = new Int32Array(0);
  private vx = new Int32Array(0);
  private vy = new Int32Array(0);
  private a = new Uint16Array(0);
  private s = new Uint8Array(0);
  private touched = new Uint32Array(0); // the frame that last gave it a record
  private keyMark = new Uint32Array(0); // the key block that last listed it

  /** Held ids, dense and unordered (removed by swapping in the last). */
  private held = new Int32Array(64);
  private heldCount = 0;
  /** Ids created in the current frame, for their onEnter. */
  private entered = new Int32Array(64);
  private enteredCount = 0;

  /** Applies the frame in `bytes[offset, end)`; false (and errors + 1) if it is malformed. */
  decode(bytes: Uint8Array, offset: number, end: number): boolean {
    if (!(Number.isInteger(offset) && Number.isInteger(end) && offset >= 0 && offset <= end && end <= bytes.length)) {
      this.errors++;
      return false;
    }
    this.reader.reset(bytes, offset, end);
    this.nextFrame();
    if (this.resyncing) {
      // Everything held is forgotten at the end of this frame unless a full record re-states it;
      // the food of every watched cell comes again in food keys.
      this.resyncing = false;
      this.food.clear();
      for (let i = 0; i < this.heldCount; i++) this.status[this.held[i]] |= LEAVING;
    }
    const ok = this.readFrame(this.reader);
    // A malformed frame still ends like a frame: what was read stays applied and everything is
    // consistent, but the wire state may now differ from the server's (resync with reset + keys).
    this.endFrame();
    if (!ok) this.errors++;
    return ok;
  }

  /**
   * The server restarts the stream (a full state was sent, e.g. after a reconnect): the next frame
   * re-states every cell this client watches in key blocks. Entities it re-states keep their
   * objects and raise no events; the rest leave at the end of that frame. Unlike reset(), nothing
   * blinks out in between.
   */
  resync(): void {
    this.resyncing = true;
  }

  /** Forgets everything (onLeave for each entity); a full state (key blocks) follows. */
  reset(): void {
    this.resyncing = false;
    for (let i = 0; i < this.heldCount; i++) {
      const id = this.held[i];
      const entity = this.objects[id] as DecodedEntity;
      this.status[id] = 0;
      this.objects[id] = undefined;
      this.known.delete(id);
      this.onLeave?.(entity);
    }
    this.heldCount = 0;
    this.enteredCount = 0;
    this.self = null;
    this.food.clear();
  }

  private readFrame(r: ByteReader): boolean {
    const selfFlags = r.u8();
    if (r.bad || (selfFlags & ~SELF_PRESENT) !== 0) return false;
    if (selfFlags & SELF_PRESENT && !this.readSelf(r)) return false;
    const blocks = r.varint();
    if (r.bad) return false;
    let cell = -1;
    for (let i = 0; i < blocks; i++) {
      // Each block's head: the gap to its cell from the previous block's (cells ascend), and its kind.
      const head = r.varint();
      cell += 1 + Math.floor(head / 4);
      if (r.bad || cell > MAX_CELL || !this.readBlock(r, cell, head & BLOCK_KIND_MASK)) return false;
    }
    if (r.pos < r.end && !this.readFood(r)) return false;
    return r.pos === r.end; // trailing bytes mean the framing is off
  }

  /** The food section: its block count, then each block's head (gap × 2 + kind) and body. */
  private readFood(r: ByteReader): boolean {
    const blocks = r.varint();
    if (r.bad || blocks === 0) return false; // an empty section is left out, never sent
    let cell = -1;
    for (let i = 0; i < blocks; i++) {
      const head = r.varint();
      cell += 1 + Math.floor(head / 2);
      if (r.bad || cell > MAX_CELL || !this.food.read(r, cell, head & FOOD_KIND_MASK)) return false;
    }
    return true;
  }

  private readSelf(r: ByteReader): boolean {
    const x = r.u16();
    const y = r.u16();
    const angle = r.u16();
    const speed = r.u16();
    if (r.bad || x > maxCode(POSITION_GRID) || y > maxCode(POSITION_GRID)
      || angle > maxCode(ANGLE_GRID) || speed > maxCode(SPEED_GRID)) return false;
    const self = this.self ?? (this.self = { x: 0, y: 0, angle: 0, speed: 0 });
    self.x = fromCode(POSITION_GRID, x);
    self.y = fromCode(POSITION_GRID, y);
    self.angle = fromCode(ANGLE_GRID, angle);
    self.speed = fromCode(SPEED_GRID, speed);
    this.selfCount++;
    return true;
  }

  private readBlock(r: ByteReader, cell: number, kind: number): boolean {
    if (kind === BLOCK_DROP) {
      this.markLeaving(cell, 0);
      this.food.dropCell(cell);
      return true;
    }
    if (kind === BLOCK_KIND_MASK) return false; // kind 3
    const n = r.varint();
    if (r.bad) return false;
    const key = kind === BLOCK_KEY ? this.nextKeySerial() : 0;
    let id = -1;
    for (let i = 0; i < n; i++) {
      const gap = r.varint();
      const flags = r.u8();
      if (r.bad) return false;
      id += 1 + gap;
      if (id > MAX_ID || !this.readRecord(r, cell, id, flags, key)) return false;
    }
    if (key !== 0) this.markLeaving(cell, key);
    return true;
  }

  /** Reads one record's fields and applies it; `key` is the key block's serial, 0 in a delta block. */
  private readRecord(r: ByteReader, cell: number, id: number, flags: number, key: number): boolean {
    if (flags & RESERVED_BITS) return false;
    if (flags & LEAVE) {
      if (flags !== LEAVE || key !== 0) return false;
      this.leave(cell, id);
      return true;
    }
    const pos = flags & POS_MASK;
    const heading = flags & HEADING_MASK;
    if (heading === HEADING_INVALID) return false;
    const wide = (flags & WIDE_VELOCITY) !== 0;
    if (wide && pos !== POS_ABSOLUTE) return false;

    let p0 = 0;
    let p1 = 0;
    let p2 = 0;
    let p3 = 0;
    if (pos === POS_NIBBLES) {
      const b = r.u8();
      p0 = (b << 24) >> 28; // high nibble, sign-extended
      p1 = (b << 28) >> 28; // low nibble, sign-extended
    } else if (pos === POS_INT8) {
      p0 = r.i8();
      p1 = r.i8();
    } else if (pos === POS_ABSOLUTE) {
      p0 = r.u16();
      p1 = r.u16();
      p2 = wide ? r.i16() : r.i8();
      p3 = wide ? r.i16() : r.i8();
      if (p0 > MAX_POSITION_CODE || p1 > MAX_POSITION_CODE) return false;
    }
    const h = heading === HEADING_DELTA ? r.i8() : heading === HEADING_ABSOLUTE ? r.u16() : 0;
    const speed = flags & HAS_SPEED ? r.u8() : 0;
    if (r.bad || (heading === HEADING_ABSOLUTE && h >= HEADING_STEPS)) return false;

    if ((flags & ~WIDE_VELOCITY) === FULL) {
      this.enter(id, cell, p0, p1, p2, p3, h, speed);
      if (key !== 0) this.keyMark[id] = key;
      return true;
    }
    if (key !== 0) return false; // key blocks hold full records only
    if (!this.holds(id, cell)) {
      this.skipped++;
      return true;
    }
    if (pos === POS_ABSOLUTE) {
      this.x[id] = p0;
      this.y[id] = p1;
      this.vx[id] = p2;
      this.vy[id] = p3;
    } else {
      // "Keep going" plus the residual; the step taken becomes the new velocity.
      const x = this.x[id] + this.vx[id] + p0;
      const y = this.y[id] + this.vy[id] + p1;
      this.vx[id] = x - this.x[id];
      this.vy[id] = y - this.y[id];
      this.x[id] = x;
      this.y[id] = y;
    }
    if (heading === HEADING_DELTA) this.a[id] = (this.a[id] + h) & (HEADING_STEPS - 1);
    else if (heading === HEADING_ABSOLUTE) this.a[id] = h;
    if (flags & HAS_SPEED) this.s[id] = speed;
    this.touched[id] = this.frame;
    return true;
  }

  private holds(id: number, cell: number): boolean {
    return id < this.status.length && (this.status[id] & (HELD | LEAVING)) === HELD && this.cell[id] === cell;
  }

  /** Sets (creating if needed) an entity from a full record; it now belongs to `cell`. */
  private enter(id: number, cell: number, x: number, y: number, vx: number, vy: number, a: number, s: number): void {
    this.growIds(id + 1);
    if (this.status[id] & HELD) {
      this.status[id] &= ~LEAVING; // it left one cell and entered another within this frame
    } else {
      const entity: DecodedEntity = { id, x: 0, y: 0, angle: 0, speed: 0 };
      this.objects[id] = entity;
      this.known.set(id, entity);
      this.status[id] = HELD | NEW;
      this.held = ensureLength(this.held, this.heldCount + 1);
      this.held[this.heldCount++] = id;
      this.entered = ensureLength(this.entered, this.enteredCount + 1);
      this.entered[this.enteredCount++] = id;
    }
    this.cell[id] = cell;
    this.x[id] = x;
    this.y[id] = y;
    this.vx[id] = vx;
    this.vy[id] = vy;
    this.a[id] = a;
    this.s[id] = s;
    this.touched[id] = this.frame;
  }

  /** A leave counts only in the cell the entity is in: it may have entered another one already. */
  private leave(cell: number, id: number): void {
    if (id < this.status.length && this.status[id] & HELD && this.cell[id] === cell) this.status[id] |= LEAVING;
  }

  /** Marks the entities of `cell` leaving: all (drop), or those the key block `key` did not list. */
  private markLeaving(cell: number, key: number): void {
    for (let i = 0; i < this.heldCount; i++) {
      const id = this.held[i];
      if (this.cell[id] === cell && (key === 0 || this.keyMark[id] !== key)) this.status[id] |= LEAVING;
    }
  }

  /** Forgets the leaving, advances those without a record, refreshes the floats, then announces. */
  private endFrame(): void {
    for (let i = this.heldCount - 1; i >= 0; i--) {
      const id = this.held[i];
      const status = this.status[id];
      const entity = this.objects[id] as DecodedEntity;
      if (status & LEAVING) {
        this.held[i] = this.held[--this.heldCount]; // already visited: the loop runs backwards
        this.status[id] = 0;
        this.objects[id] = undefined;
        this.known.delete(id);
        if ((status & NEW) === 0) this.onLeave?.(entity);
        continue;
      }
      if (this.touched[id] !== this.frame) {
        this.x[id] += this.vx[id];
        this.y[id] += this.vy[id];
      }
      entity.x = fromWirePosition(this.x[id]);
      entity.y = fromWirePosition(this.y[id]);
      entity.angle = fromWireHeading(this.a[id]);
      entity.speed = fromWireSpeed(this.s[id]);
    }
    for (let i = 0; i < this.enteredCount; i++) {
      const id = this.entered[i];
      if ((this.status[id] & NEW) === 0) continue; // entered and forgotten within the frame
      this.status[id] &= ~NEW;
      this.onEnter?.(this.objects[id] as DecodedEntity);
    }
    this.enteredCount = 0;
  }

  /** Frame stamps are compared for equality only; on wrap-around stale stamps are cleared. */
  private nextFrame(): void {
    this.frame = (this.frame + 1) >>> 0;
    if (this.frame === 0) {
      this.touched.fill(0);
      this.frame = 1;
    }
  }

  private nextKeySerial(): number {
    this.keySerial = (this.keySerial + 1) >>> 0;
    if (this.keySerial === 0) {
      this.keyMark.fill(0);
      this.keySerial = 1;
    }
    return this.keySerial;
  }

  private growIds(length: number): void {
    if (this.status.length >= length) return;
    this.status = ensureLength(this.status, length);
    this.cell = ensureLength(this.cell, length);
    this.x = ensureLength(this.x, length);
    this.y = ensureLength(this.y, length);
    this.vx = ensureLength(this.vx, length);
    this.vy = ensureLength(this.vy, length);
    this.a = ensureLength(this.a, length);
    this.s = ensureLength(this.s, length);
    this.touched = ensureLength(this.touched, length);
    this.keyMark = ensureLength(this.keyMark, length);
    while (this.objects.length < this.status.length) this.objects.push(undefined);
  }
}
