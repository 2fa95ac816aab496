import { Bot } from "./bot.ts";
import { createRng } from "../../shared/rng.ts";
import { FrameTicker } from "./ticker.ts";
import { ringRadius } from "./orbit.ts";

export interface SwarmOptions {
  url: string;
  count: number;
  chatEverySec: number;
  joinRate: number;
  renameShare: number;
  seed: number;
  /** Retry a failed or dropped bot after this long (ms, default 2000). */
  retryMs?: number;
  /** Where diagnostics go (default console.error). */
  log?: (line: string) => void;
  /** The shared frame ticker's rate (Hz, default 60). */
  frameHz?: number;
  /** Circle this point instead of wandering, each bot on a ring of its own 40..`spread` units out, half each way round. */
  orbit?: { x: number; y: number; spread: number; thrust: number };
}

export interface SwarmSummary {
  elapsedSec: number;
  connected: number;
  target: number;
  /** Averages over connected bots of PondConnection.stats()'s sliding-window rates. */
  patchesPerSecPerBot: number;
  bytesPerSecPerBot: number;
  chatSent: number;
  chatSeen: number;
  renames: number;
  joinFailures: number;
  drops: number;
}

/**
 * N bots against one server: joins staggered at `joinRate` per second, one shared frame
 * ticker for all of them, failed or dropped bots retried after a pause, and a summary of
 * what they receive.
 */
export class BotSwarm {
  readonly bots: Bot[] = [];
  readonly ticker: FrameTicker;
  private readonly startedAt = performance.now();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly log: (line: string) => void;
  private readonly notes = new Map<string, number>();
  private hinted = false;

  constructor(readonly options: SwarmOptions) {
    this.log = options.log ?? ((line) => console.error(line));
    this.ticker = new FrameTicker(options.frameHz ?? 60);
    const rng = createRng(options.seed);
    const orbit = options.orbit;
    for (let i = 0; i < options.count; i++) {
      const botRng = createRng(Math.floor(rng() * 2 ** 32));
      this.bots.push(new Bot({
        url: options.url,
        name: `bot${i + 1}`,
        rng: botRng,
        chatEverySec: options.chatEverySec,
        rename: botRng() < options.renameShare,
        orbit: orbit && { x: orbit.x, y: orbit.y, radius: ringRadius(i, options.count, 40, orbit.spread), thrust: orbit.thrust, clockwise: i % 2 === 0 },
      }));
    }
    this.ticker.add((now) => {
      for (const bot of this.bots) bot.frame(now);
    });
  }

  /** Starts the staggered joins. */
  start(): void {
    const gapMs = 1000 / this.options.joinRate;
    this.bots.forEach((bot, i) => this.later(i * gapMs, () => this.join(bot)));
  }

  get connected(): number {
    let n = 0;
    for (const bot of this.bots) if (bot.status === "connected") n++;
    return n;
  }

  /** Totals so far, and rates per connected bot. */
  summary(): SwarmSummary {
    const now = performance.now();
    let connected = 0;
    let patchRate = 0;
    let byteRate = 0;
    const totals = { chatSent: 0, chatSeen: 0, renames: 0, joinFailures: 0, drops: 0 };
    for (const bot of this.bots) {
      const c = bot.counters;
      totals.chatSent += c.chatSent;
      totals.chatSeen += c.chatSeen;
      totals.renames += c.renames;
      totals.joinFailures += c.joinFailures;
      totals.drops += c.drops;
      const link = bot.linkRates;
      if (!link) continue;
      connected++;
      patchRate += link.patchesPerSecond;
      byteRate += link.bytesPerSecondDown;
    }
    return {
      elapsedSec: (now - this.startedAt) / 1000,
      connected,
      target: this.bots.length,
      patchesPerSecPerBot: connected ? patchRate / connected : 0,
      bytesPerSecPerBot: connected ? byteRate / connected : 0,
      ...totals,
    };
  }

  /** Leaves every room (bounded by `timeoutMs`) and stops all timers. */
  async stop(timeoutMs = 3000): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.ticker.stop();
    const leaving = Promise.allSettled(this.bots.map((bot) => bot.leave()));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([leaving, new Promise((resolve) => { timer = setTimeout(resolve, timeoutMs); })]);
    clearTimeout(timer);
  }

  private join(bot: Bot): void {
    if (this.stopped) return;
    bot.onDropped = () => {
      if (this.stopped) return;
      this.note(`left unexpectedly (code ${bot.lastLeaveCode}); rejoining`);
      this.retry(bot, 1);
    };
    bot.join().then(() => {
      if (this.stopped) void bot.leave();
    }, (error: unknown) => {
      if (this.stopped) return;
      const message = describe(error);
      this.note(`could not join (${message}); retrying with backoff`);
      if (/too many connections/i.test(message) && !this.hinted) {
        this.hinted = true;
        this.log("[bots] hint: the server limits connections per IP address; start it with"
          + " MAX_CONNECTIONS_PER_IP above --count to run this many bots from one machine");
      }
      this.retry(bot, bot.failStreak);
    });
  }

  /** Retries after a pause that doubles with each consecutive failure (capped, jittered). */
  private retry(bot: Bot, failures: number): void {
    const base = this.options.retryMs ?? 2000;
    const pause = Math.min(30_000, base * 2 ** Math.min(4, Math.max(0, failures - 1)));
    this.later(pause * (0.75 + Math.random() * 0.5), () => this.join(bot));
  }

  /** Logs a diagnostic the first time it occurs; repeats are only counted (see the summary). */
  private note(text: string): void {
    const seen = this.notes.get(text) ?? 0;
    this.notes.set(text, seen + 1);
    if (seen === 0) this.log(`[bots] ${text}`);
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }
}

export function formatSummary(s: SwarmSummary): string {
  return `[bots] ${s.elapsedSec.toFixed(1)}s connected ${s.connected}/${s.target}`
    + ` | per bot ${s.patchesPerSecPerBot.toFixed(1)} patches/s ${Math.round(s.bytesPerSecPerBot)} B/s`
    + ` | chat ${s.chatSeen} seen ${s.chatSent} sent | renamed ${s.renames}`
    + (s.joinFailures || s.drops ? ` | join failures ${s.joinFailures} drops ${s.drops}` : "");
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
