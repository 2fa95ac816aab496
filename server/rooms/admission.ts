import { TokenBucket } from "./tokenBucket.ts";

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

  /** Seat reservations (HTTP matchmaking requests) per second one address may make, after a burst (see reserve). */
  joinRatePerIp = Infinity;

  constructor(public maxPlayers: number, public maxPerIp: number) {}

  /** Whether `ip` may reserve another seat now: a token bucket per address. */
  reserve(ip: string | undefined, now: number): boolean {
    if (!Number.isFinite(this.joinRatePerIp) || this.joinRatePerIp <= 0) return true;
    const key = ip ?? "unknown";
    let bucket = this.joins.get(key);
    if (bucket === undefined) {
      if (this.joins.size >= MAX_TRACKED_ADDRESSES) this.joins.delete(this.joins.keys().next().value!);
      // The burst lets an address open all the connections it may hold at once (benches and tests
      // that raise MAX_CONNECTIONS_PER_IP need nothing more); after it, joinRatePerIp.
      const burst = Math.max(10, this.joinRatePerIp * 5, Number.isFinite(this.maxPerIp) ? this.maxPerIp : 0);
      bucket = new TokenBucket(burst, this.joinRatePerIp, now);
    } else {
      this.joins.delete(key); // re-inserted below: the map stays ordered least recently seen first
    }
    this.joins.set(key, bucket);
    return bucket.take(now);
  }

  /** Why `ip` may not join now, or null if it may (and it is then counted). */
  admit(ip: string | undefined): "process_full" | "too_many_connections" | null {
    if (this.players >= this.maxPlayers) return "process_full";
    const key = ip ?? "unknown";
    const count = this.perIp.get(key) ?? 0;
    if (count >= this.maxPerIp) return "too_many_connections";
    this.perIp.set(key, count + 1);
    this.players++;
    return null;
  }

  release(ip: string | undefined): void {
    const key = ip ?? "unknown";
    const count = this.perIp.get(key) ?? 0;
    if (count <= 1) this.perIp.delete(key);
    else this.perIp.set(key, count - 1);
    if (this.players > 0) this.players--;
  }

  get playerCount(): number {
    return this.players;
  }
}

/** This process's limits; server/app.ts sets them from the config. */
export const admission = new Admission(Infinity, Infinity);
