/**
 * Constants of position stream format v2 (docs/stream-format.md is the normative description).
 * Shared by the encoder, the frame writer and the decoder so the three can never disagree.
 */

/** Block kinds: the low two bits of a block's head (the rest is the gap to its cell). Kind 3 is malformed. */
export const BLOCK_DELTA = 0;
export const BLOCK_KEY = 1;
export const BLOCK_DROP = 2;
export const BLOCK_KIND_MASK = 0x03;
/** Cells are 0..MAX_CELL, so a block head (gap × 4 + kind) always fits 32 bits. */
export const MAX_CELL = 0x3fffffff;

/** selfFlags bit 0: the exact own body follows. Every other bit must be 0. */
export const SELF_PRESENT = 0x01;

/** Record flags, bits 0-1: how the position travels. */
export const POS_MASK = 0x03;
export const POS_NONE = 0x00;
export const POS_NIBBLES = 0x01; // u8: high nibble dx, low nibble dy, each -8..7
export const POS_INT8 = 0x02; // int8 dx, int8 dy
export const POS_ABSOLUTE = 0x03; // u16 x, y; int8 vx, vy (int16 with WIDE_VELOCITY)

/** Record flags, bits 2-3: how the heading travels (value 3 is malformed). */
export const HEADING_MASK = 0x0c;
export const HEADING_NONE = 0x00;
export const HEADING_DELTA = 0x04; // int8
export const HEADING_ABSOLUTE = 0x08; // u16, 0..1023
export const HEADING_INVALID = 0x0c;

/** Record flags, bit 4: an absolute u8 speed follows. */
export const HAS_SPEED = 0x10;

/** Record flags, bit 5: the entity leaves the block's cell; must be the only bit set. */
export const LEAVE = 0x20;

/** Record flags, bit 6: an absolute position's velocity is int16, not int8 (only with POS_ABSOLUTE). */
export const WIDE_VELOCITY = 0x40;

/** Record flags, bit 7: reserved, must be 0. */
export const RESERVED_BITS = 0x80;

/**
 * A full record (absolute position, absolute heading, speed): enters or keys an entity. With
 * WIDE_VELOCITY too (0x5B) when its velocity does not fit int8.
 */
export const FULL = POS_ABSOLUTE | HEADING_ABSOLUTE | HAS_SPEED; // 0x1B

/** Entity ids are 0..MAX_ID. */
export const MAX_ID = 0xffff;

/** Room in front of a block body for its record count (a varint), written after the records. */
export const BODY_HEADER_MAX = 5;

/** Longest record: varint gap (ids < 2^16 need ≤ 3 bytes), flags, 8 position, 2 heading, 1 speed. */
export const RECORD_MAX = 3 + 1 + 8 + 2 + 1;

/** Exact own body: selfFlags plus four u16 codes. */
export const SELF_MAX = 1 + 8;

/**
 * The food section (format v3; docs/stream-format.md, "Food"): food blocks after the tadpole
 * blocks, each headed by one varint, the gap to its cell × 2 + its kind.
 */
export const FOOD_CHANGES = 0;
export const FOOD_KEY = 1;
export const FOOD_KIND_MASK = 0x01;
/** Speck ids are 0..MAX_SPECK_ID. */
export const MAX_SPECK_ID = 0xffff;
