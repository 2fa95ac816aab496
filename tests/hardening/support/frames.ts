import { pack } from "msgpackr";
import { Code, TIMED } from "../../../kit/rawPeer.ts";
import { createRng } from "../../../shared/rng.ts";

/** The shared seeded PRNG (shared/rng.ts) with helpers for fuzzing, so a failing fuzz run can be replayed from its seed. */
export class Rng {
  readonly next: () => number;
  constructor(readonly seed: number) {
    this.next = createRng(seed);
  }
  int(min: number, maxInclusive: number): number {
    return min + Math.floor(this.next() * (maxInclusive - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }
}

/**
 * What a frame is expected to do to its socket:
 * - "fatal": the server must close the socket (bad msgpack, oversize, invalid UTF-8 text, leave);
 * - "invalid": a well-formed message the pond must reject and count (the invalid-message bucket);
 * - "noise": anything else (ignored, or handled harmlessly).
 */
export type Effect = "fatal" | "invalid" | "noise";

export interface FuzzFrame {
  kind: string;
  data: Buffer | string;
  binary: boolean;
  effect: Effect;
}

/** The message type as Colyseus encodes it: a msgpack-style string or number. */
export function encodeType(type: string | number): Buffer {
  if (typeof type === "number") {
    if (Number.isInteger(type) && type >= 0 && type < 128) return Buffer.of(type);
    const b = Buffer.alloc(9);
    b[0] = 0xcb;
    b.writeDoubleBE(type, 1);
    return b;
  }
  const utf8 = Buffer.from(type, "utf8");
  if (utf8.length < 32) return Buffer.concat([Buffer.of(0xa0 | utf8.length), utf8]);
  if (utf8.length < 256) return Buffer.concat([Buffer.of(0xd9, utf8.length), utf8]);
  return Buffer.concat([Buffer.of(0xda, utf8.length >> 8, utf8.length & 0xff), utf8]);
}

export function roomData(type: string | number, payload?: Buffer | Uint8Array): Buffer {
  return Buffer.concat([Buffer.of(Code.ROOM_DATA), encodeType(type), payload ? Buffer.from(payload) : Buffer.alloc(0)]);
}

function packed(value: unknown): Buffer {
  return Buffer.from(pack(value));
}

function deep(depth: number): unknown {
  let v: unknown = "x";
  for (let i = 0; i < depth; i++) v = { text: v };
  return v;
}

/** Payloads that unpack fine but are not a valid chat/name message. */
function wrongValues(rng: Rng, field: "text" | "name"): unknown {
  const huge = "W".repeat(rng.int(1001, 3000));
  const options: unknown[] = [
    { [field]: 123 }, { [field]: null }, { [field]: NaN }, { [field]: Infinity }, { [field]: -Infinity },
    { [field]: 1e308 }, { [field]: -0 }, { [field]: 2 ** 53 + 1 }, { [field]: true }, { [field]: ["a", "b"] },
    { [field]: { [field]: "nested" } }, { [field]: "ok", extra: 1 }, { [field]: "ok", __proto__x: 1 },
    {}, [], "just a string", 42, null, false, deep(rng.int(2, 60)), { [field]: huge },
    { [field]: new Uint8Array([1, 2, 3]) }, { [field]: new Date(0) }, { [field]: "\u0000\u202e\u200b" },
    { [field]: "   " }, { [field === "text" ? "name" : "text"]: "swapped" },
    JSON.parse(`{"__proto__": {"polluted": true}, "other": "proto"}`),
    { constructor: { prototype: { polluted: true } } },
  ];
  return rng.pick(options);
}

/**
 * Bytes that msgpackr must refuse: trailing bytes after a value, or a container cut short.
 * (A lone 0xc1 is not one: msgpackr decodes it to a marker object, which zod then rejects.)
 */
function badMsgpack(rng: Rng): Buffer {
  const full = packed({ text: "hello there, pond", n: 12345.678, list: [1, 2, 3] });
  switch (rng.int(0, 3)) {
    case 0: return Buffer.concat([packed({ text: "hi" }), Buffer.of(0xc0)]);
    case 1: return Buffer.concat([Buffer.of(0xc1), rng.bytes(rng.int(1, 20))]);
    case 2: return full.subarray(0, rng.int(1, full.length - 2));
    default: return Buffer.of(0xdd, 0x00, 0x00, 0x10, 0x00); // array32 of 4096 items, none present
  }
}

const HANDLED_TYPES = ["chat", "name"];
const UNKNOWN_TYPES: Array<string | number> = [
  "move", "admin", "__proto__", "constructor", "toString", "hasOwnProperty", "*", "", "notice",
  "x".repeat(200), "💥", 0, 1, 7, 99, 127, -1, 1.5, 2 ** 40, NaN,
];

/**
 * One random hostile frame. `maxPayload` is the server's WebSocket frame limit; oversize
 * frames go just past it or far past it.
 */
export function hostileFrame(rng: Rng, maxPayload: number, profile: "mixed" | "nonfatal" = "mixed"): FuzzFrame {
  if (profile === "nonfatal") {
    // Never a frame that closes the socket at once: only the invalid-message limit can end it.
    for (;;) {
      const frame = anyFrame(rng, maxPayload);
      if (frame.effect !== "fatal" && frame.kind !== "random-bytes" && frame.kind !== "request") return frame;
    }
  }
  return anyFrame(rng, maxPayload);
}

function anyFrame(rng: Rng, maxPayload: number): FuzzFrame {
  const roll = rng.next();
  // Weights: fatal kinds are rare so a socket lives long enough to send many frames.
  if (roll < 0.16) {
    const first = rng.int(0, 255);
    return { kind: "random-bytes", data: Buffer.concat([Buffer.of(first), rng.bytes(rng.int(0, 200))]), binary: true, effect: fatalIfData(first) };
  }
  if (roll < 0.2) {
    return { kind: "bad-msgpack", data: roomData(rng.pick([...HANDLED_TYPES, ...UNKNOWN_TYPES]), badMsgpack(rng)), binary: true, effect: "fatal" };
  }
  if (roll < 0.45) {
    const field = rng.pick(["text", "name"] as const);
    const type = field === "text" ? "chat" : "name";
    let payload: Buffer;
    try { payload = packed(wrongValues(rng, field)); } catch { payload = packed(null); }
    return { kind: `wrong-${type}`, data: roomData(type, payload), binary: true, effect: "invalid" };
  }
  if (roll < 0.55) {
    const type = rng.pick(UNKNOWN_TYPES);
    const payload = rng.next() < 0.5 ? packed({ text: "hi" }) : undefined;
    return { kind: "unknown-type", data: roomData(type, payload), binary: true, effect: "invalid" };
  }
  if (roll < 0.6) {
    // A request (expects a reply): garbage request ids and types.
    const id = rng.pick([Buffer.of(rng.int(0, 127)), Buffer.of(0xcb, ...rng.bytes(8)), Buffer.alloc(0)]);
    const body = Buffer.concat([Buffer.of(Code.ROOM_REQUEST), id, encodeType(rng.pick([...HANDLED_TYPES, ...UNKNOWN_TYPES])), rng.next() < 0.5 ? packed(wrongValues(rng, "text")) : Buffer.alloc(0)]);
    return { kind: "request", data: body, binary: true, effect: "noise" };
  }
  if (roll < 0.64) {
    return { kind: "data-bytes", data: Buffer.concat([Buffer.of(Code.ROOM_DATA_BYTES), encodeType(rng.pick(UNKNOWN_TYPES)), rng.bytes(rng.int(0, 64))]), binary: true, effect: "noise" };
  }
  if (roll < 0.82) {
    const code = rng.pick([Code.ROOM_INPUT_RELIABLE, Code.ROOM_INPUT_UNRELIABLE]) | (rng.next() < 0.4 ? TIMED : 0);
    const tail = rng.pick([
      rng.bytes(rng.int(0, 40)),
      Buffer.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
      Buffer.of(0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0), // a float64 NaN where a number may be read
      Buffer.of(0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0), // +Infinity
      Buffer.of(0xce, 0xff, 0xff, 0xff, 0xff), // uint32 max (e.g. a ring count)
      Buffer.alloc(0),
    ]);
    return { kind: "input-garbage", data: Buffer.concat([Buffer.of(code), tail]), binary: true, effect: "noise" };
  }
  if (roll < 0.9) {
    const frames: Array<[Buffer, string]> = [
      [Buffer.of(Code.JOIN_ROOM), "join-again"],
      [Buffer.of(Code.PING), "ping"],
      [Buffer.alloc(0), "empty"],
      [Buffer.of(Code.ROOM_STATE, ...rng.bytes(10)), "server-code-state"],
      [Buffer.of(Code.ROOM_STATE_PATCH | TIMED, ...rng.bytes(10)), "server-code-patch"],
      [Buffer.of(Code.ROOM_RESPONSE, ...rng.bytes(6)), "server-code-response"],
      [Buffer.of(rng.int(23, 31) | (rng.int(0, 7) << 5)), "unknown-code"],
    ];
    const [data, kind] = rng.pick(frames);
    return { kind, data, binary: true, effect: "noise" };
  }
  if (roll < 0.95) {
    // Valid chat, sometimes with hostile text: handled normally (said, renamed or throttled).
    const text = rng.pick(["hello", "name: <b>x</b>", "\u202Egnp.exe", "a\u200Bb", "line\nbreak", "🐸".repeat(200), "name:"]);
    return { kind: "valid-chat", data: roomData("chat", packed({ text })), binary: true, effect: text === "name:" ? "invalid" : "noise" };
  }
  if (roll < 0.975) {
    const size = rng.pick([maxPayload + 1, maxPayload + rng.int(2, 1000), 65_536, 1_000_000]);
    const data = Buffer.alloc(size, 0x61);
    data[0] = Code.ROOM_DATA;
    return { kind: "oversize", data, binary: true, effect: "fatal" };
  }
  if (roll < 0.99) {
    return { kind: "bad-utf8-text", data: Buffer.of(0x68, 0x69, 0xff, 0xfe, 0xc0, 0x80), binary: false, effect: "fatal" };
  }
  return { kind: "leave", data: Buffer.of(Code.LEAVE_ROOM), binary: true, effect: "fatal" };
}

/** A random first byte that happens to be ROOM_DATA with garbage after it may or may not unpack. */
function fatalIfData(first: number): Effect {
  return (first & 0x1f) === Code.LEAVE_ROOM ? "fatal" : "noise";
}
