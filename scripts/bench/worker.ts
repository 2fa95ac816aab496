/**
 * A bot worker process of the benchmark (forked by scripts/bench/workers.ts): drives its share of
 * the bots with one shared frame timer, and answers the benchmark's calls over IPC
 * (`{ id, method, arg }` → `{ id, result }` or `{ id, error }`). It talks to nobody else, and
 * exits by itself when the parent goes away or its maximum lifetime passes.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { FrameTicker } from "../../kit/player/ticker.ts";
import { delay, withTimeout } from "../../kit/waitFor.ts";
import { createRng } from "../../shared/rng.ts";
import { mean } from "../lib/stats.ts";
import type { BenchBot, BotKind } from "./bots.ts";

// Before the SDK loads (hence the dynamic import below): hide Node's built-in WebSocket so
// @colyseus/sdk falls back to the `ws` package (its transport picks `globalThis.WebSocket || ws`
// on load). The server cannot tell; `ws` costs the bots less CPU.
Reflect.deleteProperty(globalThis, "WebSocket");
const { createBot, emptyTotals } = await import("./bots.ts");

if (!process.send) {
  console.error("scripts/bench/worker.ts is started by the benchmark (it needs an IPC channel)");
  process.exit(2);
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const send = (message: object): void => { if (process.connected) process.send!(message); };
/** Server patch intervals (from the patches' sNow stamps), 1 ms bins up to 2 s. */
const intervals = new Float64Array(2001);
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
let bots: BenchBot[] = [];
let ticker: FrameTicker | undefined;
let mark: { at: number; cpu: NodeJS.CpuUsage; connected: boolean[] } | undefined;
let stopping = false;

const methods = {
  init(o: { url: string; bots: Array<{ index: number; kind: BotKind }>; seed: number; frameHz: number; maxLifeMs: number }) {
    const seed = createRng(o.seed);
    bots = o.bots.map((b) => createBot(b.index, b.kind, o.url, createRng(Math.floor(seed() * 2 ** 32)), intervals));
    // One shared frame timer for all of this worker's bots (the kit's, as the bots and the soak use).
    ticker = new FrameTicker(o.frameHz);
    ticker.onError = (error) => send({ error: `bot frame: ${describe(error)}` });
    for (const bot of bots) ticker.add((now) => bot.frame(now));
    // Neither timer is cleared: stop() ends the process.
    setInterval(() => { if (mark) for (const bot of bots) bot.sampleVisible(); }, 1000);
    setTimeout(() => {
      console.error(`[bench worker ${process.pid}] maximum lifetime reached; exiting`);
      void methods.stop(3);
    }, o.maxLifeMs).unref();
    loopDelay.enable();
  },

  /** Joins `count` of the not-yet-joined bots (all when omitted), `concurrency` at a time, retrying failures. */
  async join(o: { count?: number; concurrency: number; attempts: number; timeoutMs: number }) {
    const queue = bots.filter((b) => b.status === "idle").slice(0, o.count);
    const report = { joined: 0, failures: 0, latenciesMs: [] as number[], errors: [] as string[] };
    const joinOne = async (bot: BenchBot) => {
      for (let attempt = 1; attempt <= o.attempts && !stopping; attempt++) {
        try {
          report.latenciesMs.push(await withTimeout(bot.join(), o.timeoutMs, `bot ${bot.index} to join`));
          report.joined++;
          return;
        } catch (error) {
          report.failures++;
          if (report.errors.length < 5) report.errors.push(describe(error));
          bot.abandon();
          await delay(100 * attempt);
        }
      }
      bot.status = "failed";
    };
    let next = 0;
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, queue.length)) }, async () => {
      while (next < queue.length && !stopping) await joinOne(queue[next++]);
    }));
    return report;
  },

  /** Connected bots, those that reached a first target, and their mean distance from the centre. */
  status() {
    const connected = bots.filter((b) => b.status === "connected");
    const radii = connected.flatMap((b) => { const p = b.position; return p ? [Math.hypot(p.x, p.y)] : []; });
    return { connected: connected.length, arrived: bots.filter((b) => b.arrived).length, meanRadius: radii.length ? mean(radii) : 0 };
  },

  /** Start of the measured window: zero every counter. */
  mark() {
    intervals.fill(0);
    loopDelay.reset();
    for (const bot of bots) Object.assign(bot.totals, emptyTotals());
    mark = { at: performance.now(), cpu: process.cpuUsage(), connected: bots.map((b) => b.status === "connected") };
  },

  /** End of the window: the counters since the mark, per bot, and this process's health. */
  collect() {
    const m = mark;
    if (!m) throw new Error("collect before mark");
    mark = undefined;
    const seconds = (performance.now() - m.at) / 1000;
    const cpu = process.cpuUsage(m.cpu);
    return {
      bots: bots.map((bot, i) => {
        const connected = m.connected[i] && bot.status === "connected";
        // seconds: the window as this bot saw it; 0 if it was not connected throughout.
        return { index: bot.index, kind: bot.kind, connected, seconds: connected ? seconds : 0, delta: { ...bot.totals } };
      }),
      intervals: Array.from(intervals),
      health: {
        cpuPercent: ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100, rssBytes: process.memoryUsage.rss(),
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6, loopDelayMaxMs: loopDelay.max / 1e6,
      },
    };
  },

  async stop(code = 0) {
    if (stopping) return;
    stopping = true;
    ticker?.stop();
    await withTimeout(Promise.allSettled(bots.map((b) => b.leave())), 5000, "bots to leave").catch(() => undefined);
    // Give the IPC reply a moment to flush, then go (sockets still closing are cut).
    setTimeout(() => process.exit(code), 50);
  },
};

export type WorkerMethods = typeof methods;

process.on("message", (message: { id: number; method: keyof WorkerMethods; arg: never }) => {
  new Promise<unknown>((resolve) => resolve(methods[message.method](message.arg)))
    .then((result) => send({ id: message.id, result }), (error: unknown) => send({ id: message.id, error: describe(error) }));
});
// The parent died or closed the channel: leave and go.
process.on("disconnect", () => void methods.stop(1));
