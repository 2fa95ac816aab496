import { TokenBucket } from "./tokenBucket.ts";

export type Refusal = "process_full" | "too_many_connections";

/**
 * Per-address counts shared by the processes of a cluster (server/addressLedger.ts, with
 * REDIS_URL), so that MAX_CONNECTIONS_PER_IP holds for the cluster, not for each process.
 */
export interface SharedAddressCounts {
  /** Publishes this process's `count` for `ip` (the new connection included); whether the cluster's total is within `cap`. */
  admit(ip: string, count: number, cap: number): Promise<boolean>;
  /** Publishes this process's new `count` for `ip`. */
  update(ip: string, count: number): void;
  /** Whether `ip` may reserve another seat by the cluster's join budget (`burst`, refilled at `perSecond`). */
  reserve(ip: string, now: number, burst: number, perSecond: number): Promise<boolean>;
}

/** Addresses whose join rate is tracked at once; past this, the least recently seen are forgotten. */
const MAX_TRACKED_ADDRESSES = 10_000;

/**
 * Process-wide admission limits: players per process and connections per IP address. Shared by
 * every pond of the process on purpose (the limits protect the process, not one pond).
 */
export class Admission {
  private players = 0;
  private readonly perIp = new Map<string, number>();
  private readonly joins = new Map<string, TokenBucket>();
  private readonly reconnects = new Map<string, TokenBucket>();

  /** Seat reservations (HTTP matchmaking requests) per second one address may make, after a burst (see reserve); reconnections likewise, from a bucket of their own (see reconnect). */
  joinRatePerIp = Infinity;

  /** Set with REDIS_URL: the per-address count is then the cluster's (see admit). */
  shared: SharedAddressCounts | undefined;

  constructor(public maxPlayers: number, public maxPerIp: number) {}

  /**
   * Whether `ip` may reserve another seat now: a token bucket per address, and with a cluster
   * (`shared`) the cluster's budget for the address as well, which takes a round trip to Redis
   * (the answer is then a promise).
   */
  reserve(ip: string | undefined, now: number): boolean | Promise<boolean> {
    if (!this.take(this.joins, ip, now)) return false;
    if (this.shared === undefined || !Number.isFinite(this.joinRatePerIp) || this.joinRatePerIp <= 0) return true;
    return this.shared.reserve(ip ?? "unknown", now, this.burst, this.joinRatePerIp);
  }

  /**
   * Whether `ip` may try another reconnection now (a WebSocket that carries a reconnection token,
   * or POST /matchmake/reconnect): a bucket per address of its own, sized like the join budget.
   * Reconnects skip onAuth, so without it an address could reconnect (and take its own seat back
   * and forth) as fast as it can open sockets.
   */
  reconnect(ip: string | undefined, now: number): boolean {
    return this.take(this.reconnects, ip, now);
  }

  /**
   * Why `ip` may not join now, or null if it may (and it is then counted). Answered at once from
   * this process's counts; with a cluster (`shared`) a join this process allows is then checked
   * against the cluster's count for the address, which takes a round trip to Redis: the answer
   * is then a promise (and a refused join is uncounted again before it settles).
   */
  admit(ip: string | undefined): Refusal | null | Promise<Refusal | null> {
    if (this.players >= this.maxPlayers) return "process_full";
    const key = ip ?? "unknown";
    const count = this.perIp.get(key) ?? 0;
    if (count >= this.maxPerIp) return "too_many_connections";
    this.perIp.set(key, count + 1);
    this.players++;
    if (this.shared === undefined) return null;
    return this.shared.admit(key, count + 1, this.maxPerIp).then((within) => {
      if (within) return null;
      this.release(ip);
      return "too_many_connections";
    });
  }

  release(ip: string | undefined): void {
    const key = ip ?? "unknown";
    const count = this.perIp.get(key) ?? 0;
    if (count <= 1) this.perIp.delete(key);
    else this.perIp.set(key, count - 1);
    if (this.players > 0) this.players--;
    this.shared?.update(key, Math.max(0, count - 1));
  }

  /** One token from `ip`'s bucket in `buckets` (created full on first use). */
  private take(buckets: Map<string, TokenBucket>, ip: string | undefined, now: number): boolean {
    if (!Number.isFinite(this.joinRatePerIp) || this.joinRatePerIp <= 0) return true;
    const key = ip ?? "unknown";
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      if (buckets.size >= MAX_TRACKED_ADDRESSES) buckets.delete(buckets.keys().next().value!);
      bucket = new TokenBucket(this.burst, this.joinRatePerIp, now);
    } else {
      buckets.delete(key); // re-inserted below: the map stays ordered least recently seen first
    }
    buckets.set(key, bucket);
    return bucket.take(now);
  }

  /**
   * The burst of an address's join (and reconnect) budget: enough to open all the connections it
   * may hold at once (benches and tests that raise MAX_CONNECTIONS_PER_IP need nothing more);
   * after it, joinRatePerIp.
   */
  private get burst(): number {
    return Math.max(10, this.joinRatePerIp * 5, Number.isFinite(this.maxPerIp) ? this.maxPerIp : 0);
  }

  get playerCount(): number {
    return this.players;
  }
}

/** This process's limits; server/app.ts sets them from the config. */
export const admission = new Admission(Infinity, Infinity);
