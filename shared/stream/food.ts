import { POSITION_GRID } from "../grids.ts";
import type { ByteReader, ByteWriter } from "./bytes.ts";
import { fromCode } from "./codes.ts";
import { FOOD_KEY, MAX_SPECK_ID } from "./format.ts";
import { MAX_POSITION_CODE } from "./units.ts";

/**
 * The food part of the position stream (docs/stream-format.md, "Food"): the specks of each
 * watched cell, stated whole when a client starts watching it (a key) and changed when specks are
 * eaten or born there. Specks never move, so a cell nobody eats in costs nothing.
 */

/** A speck as both ends hold it: an id and a position code on the position grid. */
export interface SpeckCode {
  readonly id: number;
  readonly x: number;
  readonly y: number;
}

/** Writes a key body: `specks` (ascending ids) are everything in the cell. */
export function writeFoodKey(w: ByteWriter, specks: readonly SpeckCode[], count = specks.length): void {
  w.varint(count);
  writeSpecks(w, specks, count);
}

/** Writes a changes body: the ids eaten (ascending), then the specks born (ascending ids). */
export function writeFoodChanges(w: ByteWriter, eaten: readonly number[], eatenCount: number, born: readonly SpeckCode[], bornCount: number): void {
  w.varint(eatenCount);
  let previous = -1;
  for (let i = 0; i < eatenCount; i++) {
    w.varint(eaten[i] - previous - 1);
    previous = eaten[i];
  }
  w.varint(bornCount);
  writeSpecks(w, born, bornCount);
}

function writeSpecks(w: ByteWriter, specks: readonly SpeckCode[], count: number): void {
  let previous = -1;
  for (let i = 0; i < count; i++) {
    const s = specks[i];
    w.varint(s.id - previous - 1);
    w.u16(s.x);
    w.u16(s.y);
    previous = s.id;
  }
}

/** A speck as the client holds it: floats, and the cell it was sent under. */
export interface HeldSpeck {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly cell: number;
}

/**
 * The client's specks, kept from the food blocks. `onAdd` and `onRemove` run as blocks apply
 * (a renderer keeps one sprite per speck); they must not call back into the decoder.
 */
export class FoodHoldings {
  private readonly held = new Map<number, HeldSpeck>();
  readonly specks: ReadonlyMap<number, HeldSpeck> = this.held;
  /** Per cell, the ids held under it. */
  private readonly cells = new Map<number, Set<number>>();
  onAdd: ((speck: HeldSpeck) => void) | undefined;
  onRemove: ((speck: HeldSpeck) => void) | undefined;
  /** Eaten ids that were not held in the block's cell (ignored). */
  skipped = 0;

  /** Reads one food block's body for `cell`; false if it is malformed (what was read stays applied). */
  read(r: ByteReader, cell: number, kind: number): boolean {
    if (kind === FOOD_KEY) {
      this.dropCell(cell);
      return this.readSpecks(r, cell);
    }
    const eaten = r.varint();
    if (r.bad) return false;
    let id = -1;
    for (let i = 0; i < eaten; i++) {
      id += 1 + r.varint();
      if (r.bad || id > MAX_SPECK_ID) return false;
      const speck = this.held.get(id);
      if (speck === undefined || speck.cell !== cell) this.skipped++;
      else this.remove(speck);
    }
    return this.readSpecks(r, cell);
  }

  /** Forgets the specks of a cell the client stopped watching. */
  dropCell(cell: number): void {
    const ids = this.cells.get(cell);
    if (ids === undefined) return;
    for (const id of ids) {
      const speck = this.held.get(id)!;
      this.held.delete(id);
      this.onRemove?.(speck);
    }
    this.cells.delete(cell);
  }

  /** Forgets everything (a full state restarts the stream; key blocks follow). */
  clear(): void {
    for (const cell of [...this.cells.keys()]) this.dropCell(cell);
  }

  private readSpecks(r: ByteReader, cell: number): boolean {
    const n = r.varint();
    if (r.bad) return false;
    let id = -1;
    for (let i = 0; i < n; i++) {
      id += 1 + r.varint();
      const x = r.u16();
      const y = r.u16();
      if (r.bad || id > MAX_SPECK_ID || x > MAX_POSITION_CODE || y > MAX_POSITION_CODE) return false;
      const old = this.held.get(id);
      if (old !== undefined) this.remove(old);
      const speck: HeldSpeck = { id, x: fromCode(POSITION_GRID, x), y: fromCode(POSITION_GRID, y), cell };
      this.held.set(id, speck);
      let ids = this.cells.get(cell);
      if (ids === undefined) this.cells.set(cell, (ids = new Set()));
      ids.add(id);
      this.onAdd?.(speck);
    }
    return true;
  }

  private remove(speck: HeldSpeck): void {
    this.held.delete(speck.id);
    this.cells.get(speck.cell)?.delete(speck.id);
    this.onRemove?.(speck);
  }
}
