/**
 * Byte-level primitives of the position stream: a growable little-endian writer, a bounds-checked
 * reader and unsigned LEB128 varints (at most 5 bytes, values up to 2^32 - 1). Both classes are
 * reused across ticks so the hot paths allocate nothing once their buffers have grown.
 */

/** Longest varint the format allows: 5 × 7 bits covers any uint32. */
export const VARINT_MAX_BYTES = 5;

/** How many bytes `writeVarint` uses for `value` (a non-negative integer below 2^32). */
export function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/** Writes `value` as a varint at `pos` (capacity is the caller's job); returns the next position. */
export function writeVarintAt(bytes: Uint8Array, pos: number, value: number): number {
  // Division rather than >>> so values up to 2^32 - 1 stay positive.
  while (value >= 0x80) {
    bytes[pos++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  bytes[pos++] = value;
  return pos;
}

/** An append-only byte buffer that doubles when full. `bytes[0, length)` is the written data. */
export class ByteWriter {
  bytes: Uint8Array;
  length = 0;

  constructor(capacity = 256) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Empties the buffer, leaving `start` bytes of room in front (for headers written last). */
  reset(start = 0): void {
    this.reserve(start);
    this.length = start;
  }

  /** Makes room for `extra` more bytes after `length`. */
  reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  u8(value: number): void {
    this.reserve(1);
    this.bytes[this.length++] = value;
  }

  /** Low 16 bits of `value`, little-endian: serves both u16 and int16 (two's complement). */
  u16(value: number): void {
    this.reserve(2);
    this.bytes[this.length++] = value;
    this.bytes[this.length++] = value >> 8;
  }

  varint(value: number): void {
    this.reserve(VARINT_MAX_BYTES);
    this.length = writeVarintAt(this.bytes, this.length, value);
  }

  append(data: Uint8Array): void {
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  /** The bytes from `start` to the end (a view: valid until the next write or reset). */
  view(start = 0): Uint8Array {
    return this.bytes.subarray(start, this.length);
  }
}

/**
 * Reads `bytes[pos, end)`. Reading past `end` or an over-long varint sets `bad` and yields 0
 * instead of throwing, so a decoder can read a whole record and check once before applying it.
 */
export class ByteReader {
  bytes: Uint8Array = new Uint8Array(0);
  pos = 0;
  end = 0;
  bad = false;

  reset(bytes: Uint8Array, pos: number, end: number): void {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
    this.bad = false;
  }

  u8(): number {
    if (this.pos >= this.end) return this.fail();
    return this.bytes[this.pos++];
  }

  i8(): number {
    return (this.u8() << 24) >> 24;
  }

  u16(): number {
    if (this.pos + 2 > this.end) return this.fail();
    const value = this.bytes[this.pos] | (this.bytes[this.pos + 1] << 8);
    this.pos += 2;
    return value;
  }

  i16(): number {
    return (this.u16() << 16) >> 16;
  }

  /** An unsigned LEB128 of at most 5 bytes whose value fits 32 bits. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < VARINT_MAX_BYTES; i++) {
      if (this.pos >= this.end) return this.fail();
      const byte = this.bytes[this.pos++];
      if (i === VARINT_MAX_BYTES - 1 && byte > 0x0f) return this.fail(); // above 2^32 - 1, or a 6th byte
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    return this.fail(); // unreachable: the 5th byte either ends the varint or fails above
  }

  private fail(): number {
    this.bad = true;
    this.pos = this.end;
    return 0;
  }
}
