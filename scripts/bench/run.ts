import { readFileSync } from "node:fs";
import path from "node:path";
import os from "node:os";
import { CELLS_PER_VIEW_RADIUS, LEAVE_FACTOR } from "../../server/sim/Pond.ts";
import { WORLD_HALF } from "../../shared/constants.ts";
import type { BenchArgs, Mode } from "./args.ts";
import { TIMED_HEADER_BYTES } from "./botTotals.ts";
import { BotWorker } from "./pool.ts";
import { formatSummary, summarizeProfile, type CpuProfile, type ProfileSummary } from "./profile.ts";
import { bucketQuantile, histogram, histogramDelta, type BucketQuantile, type Scrape } from "./prometheus.ts";
import type { BotKind, BotReport, WorkerHealth } from "./protocol.ts";
import { SERVER_NODE_FLAGS, startServer, type ServerProcess } from "../../kit/server.ts";
import { fetchMetrics, fetchPonds } from "../../kit/probes.ts";
import { writeText } from "../lib/report.ts";
import { delay } from "../../kit/waitFor.ts";
import { binCount, binMax, binPercentile, mean, min, percentile } from "../lib/stats.ts";

const POND_AREA = (2 * WORLD_HALF) ** 2;
const SERVER_DEFAULT_VIEW_RADIUS = 1200;
/**
 * A client receives whole cells, kept until they are past the leave radius: on average what lies
 * within about this many view radii (midway between enter and leave, plus ~0.6 of a cell).
 */
const RECEIVED_RADII = (1 + LEAVE_FACTOR) / 2 + 0.6 / CELLS_PER_VIEW_RADIUS;
/**
 * How many tadpole updates per second all decoding bots together may decode in `auto` mode
 * (about a fifth of a core for PondConnection bots). Past it, a sample decodes and the rest count.
 */
const DECODE_BUDGET_PER_SECOND = 100_000;
/** Never fewer decoding bots than this in a run (the in-view and bytes-per-update figures come from them). */
const MIN_DECODERS = 8;

export interface RunPlan {
  size: number;
  mode: Mode;
  /** VIEW_RADIUS given to the server (undefined: its default) — informational for mode off. */
  viewRadius: number | undefined;
  /** What the bench expects in view before measuring (to size the decode work). */
  expectedInView: number;
  full: number;
  raw: number;
}

export interface Quantile {
  ms: number;
  /** The histogram bucket that holds it (ms); exact samples have lo = hi = ms. */
  loMs: number;
  hiMs: number;
  exact: boolean;
}

export interface RunResult {
  plan: RunPlan;
  ok: boolean;
  aborted?: string;
  warnings: string[];
  join?: { seconds: number; perSecond: number; failures: number; latencyP50Ms: number; latencyP99Ms: number; ponds: number; clientsInPond: number };
  /** Where the server's CPU went over the window (with --cpu-prof). */
  profile?: ProfileSummary;
  /** Where the server's CPU went while the crowd joined (with --cpu-prof). */
  joinProfile?: ProfileSummary;
  spread?: { seconds: number; arrivedFraction: number; meanRadius: number };
  /** The measured window (see summarize() for what each figure is). */
  window?: ReturnType<typeof summarize>;
}

/** The plan of one run: view radius, and which bots decode. */
export function planRun(size: number, mode: Mode, args: BenchArgs): RunPlan {
  let viewRadius = args.viewRadius;
  if (mode === "const") {
    // Evenly spread, a disc of radius R holds size·πR²/area others, and a client receives about
    // the disc of RECEIVED_RADII view radii (whole cells, the leave margin): solve for targetView.
    viewRadius = Math.round(Math.sqrt((args.targetView * POND_AREA) / (Math.PI * Math.max(1, size - 1))) / RECEIVED_RADII);
    viewRadius = Math.min(10_000, Math.max(100, viewRadius));
  }
  const r = (viewRadius ?? SERVER_DEFAULT_VIEW_RADIUS) * RECEIVED_RADII;
  const expectedInView = mode === "off" ? size - 1 : Math.min(size - 1, Math.round(((size - 1) * Math.PI * r * r) / POND_AREA));
  const perBot = Math.max(1, expectedInView) * args.tickRate;
  let full = size;
  if (args.decode === "raw") full = Math.min(size, args.sample ?? MIN_DECODERS);
  if (args.decode === "auto" && size * perBot > DECODE_BUDGET_PER_SECOND) {
    full = Math.min(size, args.sample ?? Math.max(MIN_DECODERS, Math.floor(DECODE_BUDGET_PER_SECOND / perBot)));
  }
  return { size, mode, viewRadius, expectedInView, full, raw: size - full };
}

export type Log = (line: string) => void;

/**
 * One benchmark run: a fresh server, `size` bots in one pond, a spread-out phase, a measured
 * window, and a clean stop. Everything it starts is stopped before it returns, on success or not.
 */
export async function runOnce(plan: RunPlan, args: BenchArgs, log: Log): Promise<RunResult> {
  const result: RunResult = { plan, ok: false, warnings: [] };
  const env: Record<string, string> = {
    LOG_LEVEL: "warn",
    TICK_RATE: String(args.tickRate),
    MAX_PLAYERS: String(plan.size + 50),
    MAX_PLAYERS_PER_PROCESS: String(plan.size + 100),
    MAX_CONNECTIONS_PER_IP: String(plan.size + 100),
    INTEREST: plan.mode === "off" ? "off" : "on",
    FOOD_COUNT: String(args.food),
    RECONNECT_GRACE_SECONDS: "0",
    // Raw tick durations at GET /debug/ticks, where the server has that hook (else the histogram is used).
    BENCH_HOOKS: "on",
  };
  if (plan.viewRadius !== undefined) env.VIEW_RADIUS = String(plan.viewRadius);
  const serverCpus = args.pin ? "0" : undefined;
  const botCpus = args.pin ? otherCpus() : undefined;

  let server: ServerProcess | undefined;
  const workers: BotWorker[] = [];
  try {
    server = await startServer({ env, cpus: serverCpus, nodeFlags: SERVER_NODE_FLAGS });
    log(`server pid ${server.proc.pid} on ${server.httpUrl} (INTEREST=${env.INTEREST}${env.VIEW_RADIUS ? ` VIEW_RADIUS=${env.VIEW_RADIUS}` : ""})`);

    // Bots, round-robin over the workers; the decoding sample is spread the same way.
    const count = Math.min(args.workers, plan.size);
    const assignment: Array<Array<{ index: number; kind: BotKind }>> = Array.from({ length: count }, () => []);
    const fullEvery = plan.full >= plan.size ? 1 : plan.size / plan.full;
    let nextFull = 0;
    for (let i = 0; i < plan.size; i++) {
      let kind: BotKind = "raw";
      if (i >= Math.round(nextFull) && Math.round(nextFull) < plan.size && plan.full > 0) {
        kind = "full";
        nextFull += fullEvery;
      }
      assignment[i % count].push({ index: i, kind });
    }
    const maxLifeMs = (60 + args.spreadSeconds + args.seconds + plan.size / 5) * 1000 + 120_000;
    for (let w = 0; w < count; w++) workers.push(new BotWorker(w, botCpus, { BENCH_WS: args.ws }));
    await Promise.all(workers.map((w, i) => w.init({
      type: "init", url: server!.wsUrl, bots: assignment[i], seed: args.seed * 1000 + i, frameHz: args.frameHz, maxLifeMs,
    })));

    // Joins: one first (it creates the pond), then everyone else as fast as the server takes them.
    const joinTimeoutMs = 20_000;
    const first = await workers[0].request({ type: "join", count: 1, concurrency: 1, attempts: 3, timeoutMs: joinTimeoutMs }, "joined", 90_000);
    if (first.report.joined !== 1) throw new Error(`the first bot could not join: ${first.report.errors.join("; ")}`);
    if (args.cpuProf) await post(server, "/debug/profile/start");
    const joinStarted = performance.now();
    const joinBudgetMs = 60_000 + plan.size * 200;
    const reports = await Promise.all(workers.map((w) => w.request(
      { type: "join", concurrency: args.joinConcurrency, attempts: 5, timeoutMs: joinTimeoutMs }, "joined", joinBudgetMs)));
    const joinSeconds = (performance.now() - joinStarted) / 1000;
    // Where the server's CPU went while the crowd joined (the window below has its own profile).
    if (args.cpuProf) result.joinProfile = await saveProfile(server, path.join(args.cpuProf, `server-${plan.size}-${plan.mode}-joins.cpuprofile`), "the joins", log);
    const joined = 1 + reports.reduce((n, r) => n + r.report.joined, 0);
    const failures = first.report.failures + reports.reduce((n, r) => n + r.report.failures, 0);
    const latencies = [...first.report.latenciesMs, ...reports.flatMap((r) => r.report.latenciesMs)];
    const ponds = await fetchPonds(server.httpUrl, 10_000);
    result.join = {
      seconds: joinSeconds,
      perSecond: (joined - 1) / joinSeconds,
      failures,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      ponds: ponds.length,
      clientsInPond: ponds[0]?.clients ?? 0,
    };
    log(`joined ${joined}/${plan.size} in ${joinSeconds.toFixed(1)} s (${result.join.perSecond.toFixed(0)}/s, ${failures} failed attempts)`
      + ` in ${ponds.length} pond(s)`);
    if (failures > 0) result.warnings.push(`${failures} join attempts failed first (${reports.flatMap((r) => r.report.errors).slice(0, 2).join("; ")})`);
    if (ponds.length !== 1) result.warnings.push(`bots ended up in ${ponds.length} ponds, not one`);
    if (joined < plan.size) throw new Error(`only ${joined} of ${plan.size} bots could join`);

    // Spread out: bots swim from the spawn area to targets all over the pond.
    const spreadStarted = performance.now();
    let arrivedFraction = 0;
    let meanRadius = 0;
    for (;;) {
      const statuses = await Promise.all(workers.map((w) => w.request({ type: "status" }, "status", 10_000)));
      const connected = statuses.reduce((n, s) => n + s.status.connected, 0);
      const arrived = statuses.reduce((n, s) => n + s.status.arrived, 0);
      meanRadius = statuses.reduce((n, s) => n + s.status.meanRadius * s.status.connected, 0) / Math.max(1, connected);
      arrivedFraction = arrived / plan.size;
      const elapsed = (performance.now() - spreadStarted) / 1000;
      guard(server, args);
      if (arrivedFraction >= 0.9 || elapsed >= args.spreadSeconds) break;
      await delay(1000);
    }
    result.spread = { seconds: (performance.now() - spreadStarted) / 1000, arrivedFraction, meanRadius };
    log(`spread for ${result.spread.seconds.toFixed(1)} s: ${(arrivedFraction * 100).toFixed(0)}% reached a first target, mean distance from centre ${meanRadius.toFixed(0)}`);

    // The measured window.
    const tickHook = await json<{ next: number }>(server, "/debug/ticks").catch(() => undefined);
    if (args.cpuProf) await post(server, "/debug/profile/start");
    const before = await scrape(server);
    await Promise.all(workers.map((w) => w.request({ type: "mark" }, "marked", 10_000)));
    const windowStarted = performance.now();
    let rssMax = 0;
    while (performance.now() - windowStarted < args.seconds * 1000) {
      rssMax = Math.max(rssMax, guard(server, args));
      await delay(Math.min(1000, args.seconds * 1000 - (performance.now() - windowStarted)));
    }
    const collected = await Promise.all(workers.map((w) => w.request({ type: "collect" }, "collected", 30_000)));
    const after = await scrape(server);
    if (args.cpuProf) result.profile = await saveProfile(server, path.join(args.cpuProf, `server-${plan.size}-${plan.mode}.cpuprofile`), "the window", log);
    const exact = tickHook ? await json<TickSamples>(server, `/debug/ticks?since=${tickHook.next}`) : undefined;
    rssMax = Math.max(rssMax, guard(server, args));
    result.window = summarize(plan, args, before, after, exact, collected.flatMap((c) => c.bots),
      collected.map((c) => c.intervals), collected.map((c) => c.health), rssMax);
    for (const w of workers) for (const e of w.errors) result.warnings.push(`bot worker ${w.id}: ${e}`);
    const win = result.window;
    const botCores = args.pin ? Math.max(1, os.availableParallelism() - 1) : os.availableParallelism();
    const botCpu = win.bots.reduce((n, b) => n + b.cpuPercent, 0);
    const lag = Math.max(...win.bots.map((b) => b.loopDelayP99Ms));
    if (botCpu > 85 * botCores || lag > 100) {
      result.warnings.push(`bots saturated (${botCpu.toFixed(0)}% CPU on ${botCores} core(s), event-loop delay p99 ${lag.toFixed(0)} ms):`
        + " client-side rates are what the bots managed to read, a lower bound on what the server sent");
    }
    result.ok = true;
  } catch (error) {
    result.aborted = error instanceof Error ? error.message.split("\n")[0] : String(error);
    log(`run aborted: ${error instanceof Error ? error.message : String(error)}`);
    if (server?.proc.hasExited) log(`server output:\n${server.proc.tail()}`);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await server?.stop();
  }
  return result;
}

/** The proposed server hook (see docs/benchmarks/load.md): raw tick durations since a cursor. */
interface TickSamples {
  next: number;
  /** step + patch encode/send, ms */
  totalMs: number[];
  /** simulation and interest step alone, ms */
  stepMs?: number[];
  /** process CPU time over the tick, ms */
  cpuMs?: number[];
  lost?: number;
}

/** The server's /metrics, stamped with when it was read. */
async function scrape(server: ServerProcess): Promise<Scrape> {
  return { at: performance.now(), metrics: await fetchMetrics(server.httpUrl, 10_000) };
}

/** GETs a debug hook's JSON; undefined when the server has no such hook (404). */
async function json<T>(server: ServerProcess, path: string): Promise<T | undefined> {
  const response = await fetch(`${server.httpUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return (await response.json()) as T;
}

/** POSTs to a debug hook and answers its JSON (throws unless 2xx). */
async function post(server: ServerProcess, path: string): Promise<unknown> {
  const response = await fetch(`${server.httpUrl}${path}`, { method: "POST", signal: AbortSignal.timeout(60_000) });
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Stops the server's CPU profile, saves it to `file` and logs where the CPU went during `what`. */
async function saveProfile(server: ServerProcess, file: string, what: string, log: Log): Promise<ProfileSummary> {
  const profile = await post(server, "/debug/profile/stop") as CpuProfile;
  writeText(file, JSON.stringify(profile));
  const summary = summarizeProfile(profile);
  log(`CPU profile of ${what} (${file}):\n${formatSummary(summary)}`);
  return summary;
}

/** Throws when the server died or grew past the RSS limit; returns its RSS (MB). */
function guard(server: ServerProcess, args: BenchArgs): number {
  if (server.proc.hasExited) throw new Error(`the server exited:\n${server.proc.tail()}`);
  const rss = rssMb(server.proc.pid!);
  if (rss > args.maxServerRssMb) throw new Error(`server RSS ${rss.toFixed(0)} MB passed --max-server-rss ${args.maxServerRssMb} MB (patches pile up faster than they are sent)`);
  return rss;
}

function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

function otherCpus(): string | undefined {
  const cpus = os.availableParallelism();
  return cpus > 1 ? `1-${cpus - 1}` : undefined;
}

function summarize(
  plan: RunPlan, args: BenchArgs, before: Scrape, after: Scrape, exact: TickSamples | undefined,
  bots: BotReport[], intervals: number[][], health: WorkerHealth[], rssMax: number,
) {
  const seconds = (after.at - before.at) / 1000;
  const hBefore = histogram(before, "pond_tick_duration_seconds");
  const hAfter = histogram(after, "pond_tick_duration_seconds");
  if (!hBefore || !hAfter) throw new Error("the server's /metrics has no pond_tick_duration_seconds histogram");
  const ticks = histogramDelta(hBefore, hAfter);
  const q = (p: number): Quantile => {
    if (exact && exact.totalMs.length > 0) {
      const ms = percentile(exact.totalMs, p * 100);
      return { ms, loMs: ms, hiMs: ms, exact: true };
    }
    const b: BucketQuantile | undefined = bucketQuantile(ticks, p);
    return b ? { ms: b.estimate * 1000, loMs: b.lower * 1000, hiMs: b.upper * 1000, exact: false } : { ms: NaN, loMs: NaN, hiMs: NaN, exact: false };
  };
  const cpu = after.metrics.sum("process_cpu_seconds_total") - before.metrics.sum("process_cpu_seconds_total");
  const sent = after.metrics.sum("pond_bytes_sent_total") - before.metrics.sum("pond_bytes_sent_total");

  const whole = bots.filter((b) => b.connected && b.seconds > 0);
  const decoders = whole.filter((b) => b.kind === "full");
  const sum = (list: BotReport[], f: (b: BotReport) => number) => list.reduce((n, b) => n + f(b), 0);
  const positionUpdates = sum(decoders, (b) => b.delta.positionUpdates);
  const decoderSeconds = sum(decoders, (b) => b.seconds);
  const merged = new Array<number>(intervals[0]?.length ?? 0).fill(0);
  for (const bins of intervals) bins.forEach((c, i) => { merged[i] += c; });
  const per = (n: number) => (positionUpdates > 0 ? n / positionUpdates : NaN);

  return {
    seconds,
    ticks: ticks.count,
    ticksPerSecond: ticks.count / seconds,
    tickMeanMs: ticks.count > 0 ? (ticks.sum / ticks.count) * 1000 : NaN,
    tickP50: q(0.5),
    tickP99: q(0.99),
    tickMaxMs: exact?.totalMs.length ? Math.max(...exact.totalMs) : undefined,
    // With the server's tick hook: the simulation + interest part of the tick alone (wall ms), and
    // process CPU time per tick (ms): unlike wall time, not inflated when other processes take the CPU.
    stepP50Ms: exact?.stepMs?.length ? percentile(exact.stepMs, 50) : undefined,
    stepP99Ms: exact?.stepMs?.length ? percentile(exact.stepMs, 99) : undefined,
    tickCpuP50Ms: exact?.cpuMs?.length ? percentile(exact.cpuMs, 50) : undefined,
    tickCpuP99Ms: exact?.cpuMs?.length ? percentile(exact.cpuMs, 99) : undefined,
    serverCpuPercent: (cpu / seconds) * 100,
    rssMb: after.metrics.sum("process_resident_memory_bytes") / 2 ** 20,
    rssMaxMb: rssMax,
    heapUsedMb: after.metrics.sum("nodejs_heap_size_used_bytes") / 2 ** 20,
    serverBytesPerClientPerSecond: sent / seconds / plan.size,
    /** Bots connected for the whole window. */
    clients: whole.length,
    patchesPerSecond: {
      mean: mean(whole.map((b) => b.delta.patches / b.seconds)),
      min: min(whole.map((b) => b.delta.patches / b.seconds)),
      p1: percentile(whole.map((b) => b.delta.patches / b.seconds), 1),
    },
    /** Patches with no schema bytes (identities unchanged; the position stream still rides on them). */
    emptyPatchesPerSecond: mean(whole.map((b) => b.delta.emptyPatches / b.seconds)),
    bytesPerSecond: {
      mean: mean(whole.map((b) => b.delta.bytes / b.seconds)),
      p95: percentile(whole.map((b) => b.delta.bytes / b.seconds), 95),
      max: Math.max(...whole.map((b) => b.delta.bytes / b.seconds)),
    },
    /** Mean, with each message's WebSocket frame header added. */
    wireBytesPerSecond: mean(whole.map((b) => b.delta.wireBytes / b.seconds)),
    /** The radar alone (once a second, the whole pond), with WebSocket framing, per client, mean over clients. */
    radarPerSecond: mean(whole.map((b) => (b.delta.radarFrames ?? 0) / b.seconds)),
    radarBytesPerSecond: mean(whole.map((b) => (b.delta.radarWireBytes ?? 0) / b.seconds)),
    /** From here on, full (decoding) bots only. */
    decoders: decoders.length,
    inView: sum(decoders, (b) => b.delta.visibleSum) / Math.max(1, sum(decoders, (b) => b.delta.visibleSamples)),
    inViewMax: Math.max(0, ...decoders.map((b) => (b.delta.visibleSamples ? b.delta.visibleSum / b.delta.visibleSamples : 0))),
    positionUpdatesPerSecond: decoderSeconds > 0 ? positionUpdates / decoderSeconds : NaN,
    bytesPerPositionUpdate: per(sum(decoders, (b) => b.delta.bytes)),
    patchBytesPerPositionUpdate: per(sum(decoders, (b) => b.delta.patchBytes)),
    schemaBytesPerPositionUpdate: per(sum(decoders, (b) => b.delta.patchBytes - TIMED_HEADER_BYTES * b.delta.patchFrames)),
    /** Schema changes (identities entering and leaving, names...) per position update. */
    schemaChangesPerPositionUpdate: per(sum(decoders, (b) => b.delta.otherChanges)),
    entersPerSecond: decoderSeconds > 0 ? sum(decoders, (b) => b.delta.adds) / decoderSeconds : NaN,
    leavesPerSecond: decoderSeconds > 0 ? sum(decoders, (b) => b.delta.removes) / decoderSeconds : NaN,
    patchIntervalMs: { p50: binPercentile(merged, 50), p99: binPercentile(merged, 99), max: binMax(merged), samples: binCount(merged) },
    bots: health.map((h) => ({ cpuPercent: h.cpuPercent, loopDelayP99Ms: h.loopDelayP99Ms, loopDelayMaxMs: h.loopDelayMaxMs, rssMb: h.rssBytes / 2 ** 20 })),
  };
}
