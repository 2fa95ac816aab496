import { randomUUID } from "node:crypto";
import { logger, type Presence } from "@colyseus/core";

/** Prefix of every key and channel the ledger uses in the shared presence (Redis). */
const PREFIX = "pond:addr";
/** A key whose counts nobody rewrote for this long is dropped by Redis (see the heartbeat). */
const KEY_TTL_SECONDS = 3600;
/** How often a process rewrites its counts (and their keys' expiry): well inside KEY_TTL_SECONDS. */
const HEARTBEAT_MS = 10 * 60 * 1000;
/** How long the list of live processes is trusted before it is read again. */
const LIVE_CACHE_MS = 1000;

/**
 * Connections per client address across every process of the cluster, kept in the Colyseus
 * presence (Redis, with REDIS_URL) through its public API, so MAX_CONNECTIONS_PER_IP is one cap
 * for the cluster rather than one per process; and likewise the address's join budget
 * (JOIN_RATE_PER_IP, see reserve).
 *
 * One hash per address (`pond:addr:<ip>`), one field per process (a random id of this ledger)
 * holding that process's own count for the address. A process only ever writes its own field,
 * and writes it (the absolute count) before reading the others': of two admissions racing on two
 * processes, at least one sees the other's count, so both may be refused but never both let
 * through past the cap.
 *
 * A process that crashes cannot take its counts back, so they must stop counting by themselves:
 * each process holds a subscription to its own channel (`pond:addr:alive:<id>`) for as long as
 * it runs, and Redis drops a subscription the moment its connection closes. A field whose
 * process has no such channel (PUBSUB CHANNELS) is ignored and deleted by whoever reads it, so a
 * crashed process's counts stop counting at the next join from that address, not after a
 * timeout. Keys expire after KEY_TTL_SECONDS without a write (a heartbeat rewrites live counts),
 * so an address nobody comes back from leaves nothing behind.
 *
 * Without Redis there is no ledger: admission counts in memory (server/rooms/admission.ts).
 */
export class AddressLedger {
  readonly id = randomUUID();
  private readonly ready: Promise<void>;
  /** This process's last published count per address (what the heartbeat rewrites). */
  private readonly mine = new Map<string, number>();
  private live = new Set<string>();
  private liveAt = 0;

  constructor(private readonly presence: Presence) {
    const channel = `${PREFIX}:alive:${this.id}`;
    this.ready = presence.subscribe(channel, () => undefined).then(() => undefined, (error: Error) => {
      logger.warn(`address ledger: could not subscribe to ${channel}: ${error.message}`);
    });
    setInterval(() => this.rewriteAll(), HEARTBEAT_MS).unref();
  }

  /**
   * Publishes `count`, this process's connections from `ip` counting the one being admitted, then
   * whether the cluster's total stays within `cap`. On any Redis error it answers true: the
   * process's own cap (checked before) still holds, and a broken Redis breaks matchmaking anyway.
   */
  async admit(ip: string, count: number, cap: number): Promise<boolean> {
    try {
      await this.ready;
      const key = keyOf(ip);
      const [, fields] = await Promise.all([this.write(key, ip, count), this.presence.hgetall(key)]);
      const others = Object.entries(fields ?? {}).filter(([id, value]) => id !== this.id && Number(value) > 0);
      if (others.length === 0) return count <= cap;
      const ids = others.map(([id]) => id);
      const total = (live: Set<string>) => others.reduce((sum, [id, value]) => sum + (live.has(id) ? Number(value) : 0), this.mine.get(ip) ?? count);
      // The list of live processes read up to a second ago will do to admit (a process that died
      // since only counts a moment too long); to refuse, or to drop a process's counts as gone,
      // only a list read after the counts were (a process that just crashed must not hold its
      // address's players out, one that just started must not lose its counts).
      let live = this.recentlyLive(ids);
      if (live === undefined || total(live) > cap) live = await this.readLive();
      for (const id of ids) {
        if (!live.has(id)) void this.presence.hdel(key, id).catch(() => undefined); // a process that is gone
      }
      return total(live) <= cap;
    } catch (error) {
      logger.warn(`address ledger: admitting from ${ip} without the cluster's count: ${(error as Error).message}`);
      return true;
    }
  }

  /**
   * Whether `ip` may reserve another seat by the cluster's count (JOIN_RATE_PER_IP for the whole
   * cluster; each process's own token bucket still applies first): at most `burst` reservations
   * in any `burst / perSecond` seconds, as a sliding window over two fixed ones
   * (`pond:addr:joins:<ip>:<window>`, counters that expire after two windows): the last window's
   * count, weighted by how much of it the sliding window still covers, plus this one's. Close to a
   * token bucket of `burst` filling at `perSecond` (the same long-run rate, a burst never above
   * `burst`) without a read-modify-write Redis cannot do in one step through the Presence API. A
   * refused reservation is taken back out. On a Redis error: true (the process's bucket holds).
   */
  async reserve(ip: string, now: number, burst: number, perSecond: number): Promise<boolean> {
    try {
      const windowMs = (burst / perSecond) * 1000;
      const index = Math.floor(now / windowMs);
      const prefix = `${PREFIX}:joins:${ip}:`;
      const [current, previous] = await Promise.all([
        this.presence.incr(prefix + index),
        this.presence.get(prefix + (index - 1)) as Promise<string | null>,
        this.presence.expire(prefix + index, Math.ceil((2 * windowMs) / 1000) + 1),
      ]);
      const covered = 1 - (now - index * windowMs) / windowMs;
      if (Number(previous ?? 0) * covered + current <= burst) return true;
      this.presence.decr(prefix + index).catch(() => undefined);
      return false;
    } catch (error) {
      logger.warn(`address ledger: a reservation from ${ip} without the cluster's join budget: ${(error as Error).message}`);
      return true;
    }
  }

  /**
   * Publishes this process's new count for `ip` (after a leave, or an admission refused). A write
   * that fails (Redis away, or this process shutting down) leaves a count too high until the next
   * write or the heartbeat; when the process is gone, its counts stop counting anyway.
   */
  update(ip: string, count: number): void {
    this.write(keyOf(ip), ip, count).catch((error: Error) => {
      logger.debug(`address ledger: could not publish the count for ${ip}: ${error.message}`);
    });
  }

  private async write(key: string, ip: string, count: number): Promise<void> {
    if (count > 0) {
      this.mine.set(ip, count);
      await Promise.all([this.presence.hset(key, this.id, String(count)), this.presence.expire(key, KEY_TTL_SECONDS)]);
    } else {
      this.mine.delete(ip);
      await this.presence.hdel(key, this.id);
    }
  }

  /** The processes alive as last read, if that was within LIVE_CACHE_MS and it has every one of `ids`. */
  private recentlyLive(ids: string[]): Set<string> | undefined {
    if (Date.now() - this.liveAt >= LIVE_CACHE_MS || !ids.every((id) => this.live.has(id))) return undefined;
    return this.live;
  }

  /** The processes alive now: those whose ledger channel has a subscriber (PUBSUB CHANNELS). */
  private async readLive(): Promise<Set<string>> {
    const prefix = `${PREFIX}:alive:`;
    const channels = await this.presence.channels(`${prefix}*`);
    this.live = new Set(channels.map((channel) => channel.slice(prefix.length)));
    this.liveAt = Date.now();
    return this.live;
  }

  private rewriteAll(): void {
    for (const [ip, count] of this.mine) this.update(ip, count);
  }
}

function keyOf(ip: string): string {
  return `${PREFIX}:${ip}`;
}
