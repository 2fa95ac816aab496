/**
 * A bot worker process of the benchmark: drives its share of the bots with one shared frame
 * timer, joins them when told, and reports counters over IPC. Started by scripts/bench.ts with
 * child_process.fork; it talks to nobody else, and it exits by itself when the parent goes away
 * or its maximum lifetime passes.
 */
import "./transport.ts"; // first: chooses the WebSocket implementation before the SDK loads
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createRng } from "../../shared/rng.ts";
import { IntervalHistogram, createBot, emptyTotals, type BenchBot } from "./bots.ts";
import { delay, withTimeout } from "../../kit/waitFor.ts";
import { FrameTicker } from "../../kit/player/ticker.ts";
import type { BotReport, BotTotals, FromWorker, JoinReport, ToWorker, WorkerInit } from "./protocol.ts";

if (!process.send) {
  console.error("scripts/bench/worker.ts is started by scripts/bench.ts (it needs an IPC channel)");
  process.exit(2);
}

const send = (message: FromWorker): void => { process.send!(message); };
const intervals = new IntervalHistogram();
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
let bots: BenchBot[] = [];
let ticker: FrameTicker | undefined;
let visibleTimer: NodeJS.Timeout | undefined;
let lifeTimer: NodeJS.Timeout | undefined;
let mark: { at: number; cpu: NodeJS.CpuUsage; totals: BotTotals[]; connected: boolean[] } | undefined;
let stopping = false;

process.on("message", (message: ToWorker) => {
  handle(message).catch((error: unknown) => send({ type: "error", message: describe(error) }));
});
// The parent died or closed the channel: leave and go.
process.on("disconnect", () => void stop(1));

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case "init": return init(message);
    case "join": return send({ type: "joined", report: await joinBots(message) });
    case "status": return send({ type: "status", status: status() });
    case "mark": {
      intervals.reset();
      loopDelay.reset();
      mark = {
        at: performance.now(),
        cpu: process.cpuUsage(),
        totals: bots.map((b) => ({ ...b.totals })),
        connected: bots.map((b) => b.status === "connected"),
      };
      return send({ type: "marked" });
    }
    case "collect": return collect();
    case "stop": return stop(0);
  }
}

function init(message: WorkerInit): void {
  const seed = createRng(message.seed);
  bots = message.bots.map((b) => createBot(b.index, b.kind, message.url, createRng(Math.floor(seed() * 2 ** 32)), intervals));
  // One shared frame timer for all of this worker's bots (the kit's, as the bots and the soak use).
  ticker = new FrameTicker(message.frameHz);
  ticker.onError = (error) => send({ type: "error", message: `bot frame: ${describe(error)}` });
  for (const bot of bots) ticker.add((now) => bot.frame(now));
  visibleTimer = setInterval(() => {
    if (mark) for (const bot of bots) bot.sampleVisible();
  }, 1000);
  lifeTimer = setTimeout(() => {
    console.error(`[bench worker ${process.pid}] maximum lifetime reached; exiting`);
    void stop(3);
  }, message.maxLifeMs);
  lifeTimer.unref();
  loopDelay.enable();
  send({ type: "ready" });
}

async function joinBots(message: Extract<ToWorker, { type: "join" }>): Promise<JoinReport> {
  const pending = bots.filter((b) => b.status === "idle");
  const queue = pending.slice(0, message.count ?? pending.length);
  const report: JoinReport = { joined: 0, failures: 0, latenciesMs: [], errors: [] };
  const runOne = async (bot: BenchBot) => {
    for (let attempt = 1; attempt <= message.attempts && !stopping; attempt++) {
      try {
        await withTimeout(bot.join(), message.timeoutMs, `bot ${bot.index} to join`);
        report.joined++;
        report.latenciesMs.push(bot.joinMs);
        return;
      } catch (error) {
        report.failures++;
        if (report.errors.length < 5) report.errors.push(describe(error));
        bot.abandon();
        bot.status = "idle";
        await delay(100 * attempt);
      }
    }
    bot.status = "failed";
  };
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(message.concurrency, queue.length)) }, async () => {
    while (next < queue.length && !stopping) await runOne(queue[next++]);
  });
  await Promise.all(lanes);
  return report;
}

function status() {
  let connected = 0, arrived = 0, radius = 0, known = 0;
  for (const bot of bots) {
    if (bot.status === "connected") connected++;
    if (bot.arrived) arrived++;
    const p = bot.position;
    if (p && bot.status === "connected") {
      radius += Math.hypot(p.x, p.y);
      known++;
    }
  }
  return { connected, arrived, meanRadius: known ? radius / known : 0 };
}

function collect(): void {
  if (!mark) throw new Error("collect before mark");
  const seconds = (performance.now() - mark.at) / 1000;
  const cpu = process.cpuUsage(mark.cpu);
  const reports: BotReport[] = bots.map((bot, i) => {
    const before = mark!.totals[i];
    const delta = emptyTotals();
    for (const key of Object.keys(delta) as Array<keyof BotTotals>) delta[key] = bot.totals[key] - before[key];
    const connected = mark!.connected[i] && bot.status === "connected";
    return { index: bot.index, kind: bot.kind, connected, seconds: connected ? seconds : 0, delta };
  });
  send({
    type: "collected",
    bots: reports,
    intervals: Array.from(intervals.bins),
    health: {
      cpuPercent: ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      loopDelayMaxMs: loopDelay.max / 1e6,
      rssBytes: process.memoryUsage.rss(),
    },
  });
  mark = undefined;
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  ticker?.stop();
  clearInterval(visibleTimer);
  await withTimeout(Promise.allSettled(bots.map((b) => b.leave())), 5000, "bots to leave").catch(() => undefined);
  if (process.connected) {
    try { send({ type: "stopped" }); } catch { /* channel closed */ }
  }
  clearTimeout(lifeTimer);
  // Give the IPC message a moment to flush, then go (sockets still closing are cut).
  setTimeout(() => process.exit(code), 50);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
