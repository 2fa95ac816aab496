/**
 * A network simulator for the game's WebSocket link, usable in tests, bots, benchmarks and the
 * browser (`?lag=150&jitter=30&loss=0.05`).
 *
 * WebSocket runs over TCP, so the model is TCP's, not UDP's:
 *
 * - Every frame is delayed by `lag ± jitter` (uniform), separately per direction.
 * - Frames are never dropped and never reordered (Colyseus patches are deltas: a missing or
 *   reordered one would corrupt the decoder). A frame can never overtake the one before it, so
 *   jitter also makes frames bunch up behind a slow one, as on a real TCP stream.
 * - "Loss" is a lost segment that TCP retransmits: the frame arrives `rtoMs` late (retransmission
 *   timeout, default max(200 ms, uplag + downlag), i.e. about one RTT), and every later frame
 *   waits behind it (head-of-line blocking), then they all arrive in a burst.
 *
 * Decisions come from a seeded PRNG, one stream per direction, so a seeded run makes the same
 * per-frame decisions every time (bench and test repeatability); when frames are delivered in
 * wall-clock time still depends on timers.
 *
 * It hooks one Colyseus SDK `Connection`: outgoing `send`/`sendUnreliable` and the incoming
 * `events.onmessage`/`events.onclose` (the close is queued behind pending frames, so a room never
 * sees its socket close before the patches sent ahead of the close). `PondConnection.join` attaches
 * it the moment the room's socket is created, so the join handshake frames are shaped too; the
 * HTTP matchmaking request and the WebSocket upgrade before it are not.
 */

import { createRng } from "../../shared/rng.ts";

/** One direction of the link. */
export interface LinkShape {
  /** Added one-way delay, ms. */
  lagMs: number;
  /** Each frame's delay varies uniformly within ±jitterMs around lagMs (never below 0). */
  jitterMs: number;
  /** Probability in [0, 1] that a frame is "lost" and waits for a TCP retransmission. */
  loss: number;
}

export interface NetSimOptions {
  /** Client → server. */
  up?: Partial<LinkShape>;
  /** Server → client. */
  down?: Partial<LinkShape>;
  /** Extra delay of a lost frame, ms (default max(200, up.lagMs + down.lagMs)). */
  rtoMs?: number;
  /** PRNG seed (default: random). Give one for repeatable runs. */
  seed?: number;
}

/** Resolved settings of a simulator (what actually runs). */
export interface NetSimConfig {
  up: LinkShape;
  down: LinkShape;
  rtoMs: number;
  seed: number;
}

export interface LinkStats {
  /** Frames that went through. */
  frames: number;
  /** Frames that were "lost" (delayed by the retransmission timeout). */
  lost: number;
  /** Frames delivered later than their own delay because an earlier frame held them back. */
  blocked: number;
  /** Frames still queued. */
  pending: number;
}

const MAX_LAG_MS = 10_000;
const MIN_RTO_MS = 200;

/** Fills in defaults and clamps every number into a sane range. */
export function resolveNetSim(options: NetSimOptions): NetSimConfig {
  const up = shape(options.up);
  const down = shape(options.down);
  const rto = options.rtoMs;
  return {
    up,
    down,
    rtoMs: rto !== undefined && Number.isFinite(rto) && rto >= 0
      ? Math.min(rto, MAX_LAG_MS)
      : Math.max(MIN_RTO_MS, up.lagMs + down.lagMs),
    seed: options.seed !== undefined && Number.isFinite(options.seed)
      ? options.seed >>> 0
      : Math.floor(Math.random() * 0xffffffff) >>> 0,
  };
}

function shape(s: Partial<LinkShape> | undefined): LinkShape {
  return {
    lagMs: clampNumber(s?.lagMs, 0, MAX_LAG_MS),
    jitterMs: clampNumber(s?.jitterMs, 0, MAX_LAG_MS),
    loss: clampNumber(s?.loss, 0, 1),
  };
}

function clampNumber(v: number | undefined, min: number, max: number): number {
  if (v === undefined || !Number.isFinite(v)) return min;
  return v < min ? min : v > max ? max : v;
}

/**
 * Parses simulator settings from a URL query string (leading `?` optional):
 *
 * | key | meaning |
 * |---|---|
 * | `lag` | one-way delay in ms, applied to EACH direction (so RTT grows by 2 × lag) |
 * | `uplag`, `downlag` | one-way delay of one direction (overrides `lag` for it) |
 * | `jitter`, `upjitter`, `downjitter` | ± ms around the lag, uniform |
 * | `loss`, `uploss`, `downloss` | fraction 0..1 (`0.05`) or percent (`5%`) of frames retransmitted |
 * | `rto` | extra delay of a lost frame, ms (default max(200, uplag + downlag)) |
 * | `seed` | PRNG seed, for a repeatable run |
 *
 * Returns undefined when the query sets none of the link keys (no simulation). Values that do
 * not parse are ignored; numbers are clamped into range by {@link resolveNetSim}.
 */
export function netSimFromQuery(query: string): NetSimOptions | undefined {
  const params = new URLSearchParams(query.startsWith("?") ? query.slice(1) : query);
  const num = (key: string): number | undefined => {
    const raw = params.get(key);
    if (raw === null || raw.trim() === "") return undefined;
    const v = Number(raw);
    return Number.isFinite(v) ? v : undefined;
  };
  const fraction = (key: string): number | undefined => {
    const raw = params.get(key)?.trim();
    if (!raw) return undefined;
    const percent = raw.endsWith("%");
    const v = Number(percent ? raw.slice(0, -1) : raw);
    if (!Number.isFinite(v)) return undefined;
    return percent ? v / 100 : v;
  };
  const lag = num("lag");
  const jitter = num("jitter");
  const loss = fraction("loss");
  const up: Partial<LinkShape> = { lagMs: num("uplag") ?? lag, jitterMs: num("upjitter") ?? jitter, loss: fraction("uploss") ?? loss };
  const down: Partial<LinkShape> = { lagMs: num("downlag") ?? lag, jitterMs: num("downjitter") ?? jitter, loss: fraction("downloss") ?? loss };
  const any = [up.lagMs, up.jitterMs, up.loss, down.lagMs, down.jitterMs, down.loss].some((v) => v !== undefined);
  if (!any) return undefined;
  const options: NetSimOptions = { up, down };
  const rto = num("rto");
  if (rto !== undefined) options.rtoMs = rto;
  const seed = num("seed");
  if (seed !== undefined) options.seed = seed;
  return options;
}

/** Time source and timers, injectable so tests can drive a link without waiting. */
export interface NetSimTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: NetSimTimers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Timer slack: a timer may fire up to this early (Node truncates fractional delays). */
const DUE_SLACK_MS = 1;

/**
 * One direction of a simulated TCP stream: a FIFO whose frames leave at their scheduled time,
 * never before the frame ahead of them. One timer is armed for the head of the queue only.
 */
export class SimLink<T> {
  readonly stats: LinkStats = { frames: 0, lost: 0, blocked: 0, pending: 0 };
  private readonly random: () => number;
  private readonly times: number[] = [];
  private readonly items: T[] = [];
  private head = 0;
  /** Delivery time of the frame last enqueued (FIFO floor for the next one). */
  private lastAt = -Infinity;
  private timer: unknown = undefined;
  private timerAt = Infinity;

  constructor(
    readonly shape: LinkShape,
    readonly rtoMs: number,
    seed: number,
    private readonly deliver: (item: T) => void,
    private readonly timers: NetSimTimers = realTimers,
  ) {
    this.random = createRng(seed);
  }

  /**
   * The delivery time of a frame handed to the link at `sentAt`: its own delay (lag ± jitter,
   * plus the retransmission timeout when lost), then no earlier than the frame before it.
   * Pure bookkeeping: advances the PRNG and the FIFO floor, schedules nothing.
   */
  schedule(sentAt: number): number {
    const s = this.shape;
    const u = this.random();      // jitter draw
    const v = this.random();      // loss draw (always drawn: streams stay aligned across configs)
    let delay = s.lagMs + (s.jitterMs > 0 ? (u * 2 - 1) * s.jitterMs : 0);
    if (delay < 0) delay = 0;
    if (v < s.loss) {
      delay += this.rtoMs;
      this.stats.lost++;
    }
    let at = sentAt + delay;
    if (at < this.lastAt) {
      at = this.lastAt;           // TCP: never overtakes the frame ahead of it
      this.stats.blocked++;
    }
    this.lastAt = at;
    this.stats.frames++;
    return at;
  }

  /** Queues `item`; it is delivered at its scheduled time. Returns that time. */
  push(item: T): number {
    const at = this.schedule(this.timers.now());
    this.times.push(at);
    this.items.push(item);
    this.stats.pending++;
    this.arm();
    return at;
  }

  /** Delivers everything still queued, now, in order (used when detaching). */
  flush(): void {
    this.disarm();
    while (this.head < this.items.length) this.shift();
    this.compact();
  }

  /** Drops everything still queued without delivering it. */
  clear(): void {
    this.disarm();
    this.times.length = 0;
    this.items.length = 0;
    this.head = 0;
    this.stats.pending = 0;
  }

  private arm(): void {
    if (this.head >= this.items.length) return;
    const at = this.times[this.head];
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.disarm();
    this.timerAt = at;
    this.timer = this.timers.setTimeout(this.onTimer, Math.max(0, at - this.timers.now()));
  }

  private disarm(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.timers.now();
    while (this.head < this.items.length && this.times[this.head] <= now + DUE_SLACK_MS) this.shift();
    this.compact();
    this.arm();
  };

  private shift(): void {
    const item = this.items[this.head];
    this.items[this.head] = undefined as T;
    this.head++;
    this.stats.pending--;
    this.deliver(item);
  }

  private compact(): void {
    if (this.head === 0) return;
    if (this.head >= this.items.length) {
      this.items.length = 0;
      this.times.length = 0;
      this.head = 0;
    } else if (this.head > 64) {
      this.items.splice(0, this.head);
      this.times.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** The parts of the SDK's `Connection` the simulator hooks. */
export interface HookableConnection {
  events: {
    onmessage?: ((ev: any) => any) | null;
    onclose?: ((ev: any) => any) | null;
  };
  send(data: Uint8Array): void;
  sendUnreliable(data: Uint8Array): void;
  readonly isOpen: boolean;
}

export interface NetSim {
  readonly config: NetSimConfig;
  readonly up: LinkStats;
  readonly down: LinkStats;
  /** Restores the connection's own handlers, delivering whatever is still queued first. */
  detach(): void;
}

type Downstream = { kind: 0; event: unknown } | { kind: 1; event: unknown };

/**
 * Shapes `connection`'s traffic from now on. Attach right after the SDK creates the socket (see
 * `PondConnection.join`) to shape the handshake too; attaching later shapes what follows.
 */
export function attachNetSim(
  connection: HookableConnection,
  options: NetSimOptions,
  timers: NetSimTimers = realTimers,
): NetSim {
  const config = resolveNetSim(options);
  const events = connection.events;
  const ownSend = connection.send;
  const ownSendUnreliable = connection.sendUnreliable;
  const onMessage = events.onmessage;
  const onClose = events.onclose;

  // Up: the SDK reuses its send buffers, so each frame is copied before it waits.
  const up = new SimLink<{ data: Uint8Array; unreliable: boolean }>(config.up, config.rtoMs, config.seed, (frame) => {
    if (!connection.isOpen) return; // the socket went away while the frame was in flight
    if (frame.unreliable) ownSendUnreliable.call(connection, frame.data);
    else ownSend.call(connection, frame.data);
  }, timers);
  const down = new SimLink<Downstream>(config.down, config.rtoMs, (config.seed ^ 0x9e3779b9) >>> 0, (item) => {
    // Read the handler we wrapped at attach time: the room's own.
    if (item.kind === 0) onMessage?.call(events, item.event);
    else onClose?.call(events, item.event);
  }, timers);

  const send = (data: Uint8Array) => { up.push({ data: copyBytes(data), unreliable: false }); };
  const sendUnreliable = (data: Uint8Array) => { up.push({ data: copyBytes(data), unreliable: true }); };
  const message = (event: unknown) => { down.push({ kind: 0, event }); };
  const close = (event: unknown) => { down.push({ kind: 1, event }); };
  connection.send = send;
  connection.sendUnreliable = sendUnreliable;
  events.onmessage = message;
  events.onclose = close;

  return {
    config,
    up: up.stats,
    down: down.stats,
    detach() {
      if (connection.send === send) connection.send = ownSend;
      if (connection.sendUnreliable === sendUnreliable) connection.sendUnreliable = ownSendUnreliable;
      if (events.onmessage === message) events.onmessage = onMessage;
      if (events.onclose === close) events.onclose = onClose;
      up.flush();
      down.flush();
    },
  };
}

/** A private copy (the constructor copies a typed array; Buffer#slice would only make a view). */
function copyBytes(data: Uint8Array | ArrayBuffer): Uint8Array {
  return data instanceof ArrayBuffer ? new Uint8Array(data.slice(0)) : new Uint8Array(data);
}
