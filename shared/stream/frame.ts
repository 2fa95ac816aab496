import { ANGLE_GRID, POSITION_GRID, SPEED_GRID } from "../grids.ts";
import { ByteWriter, VARINT_MAX_BYTES, varintSize, writeVarintAt } from "./bytes.ts";
import { toCode } from "./codes.ts";
import { writeDropBlock } from "./encoder.ts";
import { SELF_MAX, SELF_PRESENT } from "./format.ts";

/** Room in front of the blocks for what is written last: self, then the block count. */
const PREFIX_MAX = SELF_MAX + VARINT_MAX_BYTES;

/**
 * Composes one client's frame: its exact own body, then the blocks of the cells it watches
 * (prepared once per tick by the encoder and shared by every client). Reusable; blocks are
 * appended after a reserved prefix and the self and block count are written in front at finish,
 * so nothing is copied twice.
 */
export class StreamFrameWriter {
  private readonly w = new ByteWriter(1024);
  private blocks = 0;
  private hasSelf = false;
  private x = 0;
  private y = 0;
  private angle = 0;
  private speed = 0;

  /** Starts a frame; `self` is the client's own body, already snapped to the schema grids, or null. */
  begin(self: { x: number; y: number; angle: number; speed: number } | null): void {
    this.w.reset(PREFIX_MAX);
    this.blocks = 0;
    this.hasSelf = self !== null;
    if (self === null) return;
    this.x = toCode(POSITION_GRID, self.x);
    this.y = toCode(POSITION_GRID, self.y);
    this.angle = toCode(ANGLE_GRID, self.angle);
    this.speed = toCode(SPEED_GRID, self.speed);
  }

  /** Appends a prepared delta or key block. */
  block(bytes: Uint8Array): void {
    this.w.append(bytes);
    this.blocks++;
  }

  /** Appends a drop block: the client stops watching `cell`. */
  drop(cell: number): void {
    writeDropBlock(this.w, cell);
    this.blocks++;
  }

  /** The frame's bytes: a view valid until the next begin. */
  finish(): Uint8Array {
    const bytes = this.w.bytes;
    let start = PREFIX_MAX - varintSize(this.blocks);
    writeVarintAt(bytes, start, this.blocks);
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
    return this.w.view(start);
  }
}

function writeU16(bytes: Uint8Array, pos: number, value: number): void {
  bytes[pos] = value;
  bytes[pos + 1] = value >> 8;
}
