import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fetchMetrics, fetchPonds, type MetricsSnapshot } from "../../kit/probes.ts";
import { SERVER_NODE_FLAGS, startServer, type ServerProcess } from "../../kit/server.ts";
import { delay } from "../../kit/waitFor.ts";
import type { TickSamples as ServerTickSamples } from "../../server/metrics.ts";
import { CELLS_PER_VIEW_RADIUS, LEAVE_FACTOR } from "../../server/sim/Pond.ts";
import { WORLD_HALF } from "../../shared/constants.ts";
import { writeText } from "../lib/report.ts";
import { binCount, binMax, binPercentile, max, mean, min, percentile } from "../lib/stats.ts";
import type { BenchArgs, Mode } from "./args.ts";
import { TIMED_HEADER_BYTES, type BotKind } from "./bots.ts";
import { formatSummary, summarizeProfile, type CpuProfile, type ProfileSummary } from "./profile.ts";
import type { WorkerMethods } from "./worker.ts";
import { BotWorker } from "./workers.ts";

const POND_AREA = (2 * WORLD_HALF) ** 2;
/**
 * A client receives whole cells, kept until they are past the leave radius: on average what lies
 * within about this many view radii (midway between enter and leave, plus ~0.6 of a cell).
 */
const RECEIVED_RADII = (1 + LEAVE_FACTOR) / 2 + 0.6 / CELLS_PER_VIEW_RADIUS;
/**
 * Tadpole updates per second all decoding bots together may decode (about a fifth of a core for
 * PondConnection bots). Past it, a sample decodes (never fewer than MIN_DECODERS: the in-view and
 * bytes-per-update figures come from them) and the rest are wire bots.
 */
const DECODE_BUDGET_PER_SECOND = 100_000;
const MIN_DECODERS = 8;

/** One run's plan: the view radius given to the server (undefined: its default, 1200), and how many bots decode. */
export function planRun(size: number, mode: Mode, args: BenchArgs) {
  // Evenly spread, a disc of radius R holds size·πR²/area others, and a client receives about the
  // disc of RECEIVED_RADII view radii (whole cells, the leave margin): solve for targetView.
  const viewRadius = mode === "const" ? Math.round(Math.sqrt((args.targetView * POND_AREA) / (Math.PI * Math.max(1, size - 1))) / RECEIVED_RADII) : undefined;
  const r = (viewRadius ?? 1200) * RECEIVED_RADII;
  const expectedInView = mode === "off" ? size - 1 : Math.min(size - 1, Math.round(((size - 1) * Math.PI * r * r) / POND_AREA));
  const perBot = Math.max(1, expectedInView) * args.tickRate;
  const full = size * perBot > DECODE_BUDGET_PER_SECOND ? Math.min(size, Math.max(MIN_DECODERS, Math.floor(DECODE_BUDGET_PER_SECOND / perBot))) : size;
  return { size, mode, viewRadius, expectedInView, full, raw: size - full };
}
export type RunPlan = ReturnType<typeof planRun>;

export interface RunResult {
  plan: RunPlan;
  ok: boolean;
  aborted?: string;
  warnings: string[];
  join?: { seconds: number; perSecond: number; failures: number; latencyP50Ms: number; latencyP99Ms: number; ponds: number; clientsInPond: number };
  /** Where the server's CPU went over the window, and while the crowd joined (with --cpu-prof). */
  profile?: ProfileSummary;
  joinProfile?: ProfileSummary;
  spread?: { seconds: number; arrivedFraction: number; meanRadius: number };
  window?: ReturnType<typeof summarize>;
}

/** What the server's hook answers (BENCH_HOOKS=on, GET /debug/ticks): raw tick durations since a cursor (ms; step = sim + interest). */
type TickSamples = ReturnType<ServerTickSamples["since"]>;
/** One read of /metrics, stamped with when it was read (performance.now()). */
interface Scrape { at: number; metrics: MetricsSnapshot }
type Collected = ReturnType<WorkerMethods["collect"]>;

/**
 * One run: a fresh server, `size` bots in one pond, a spread-out phase, a measured window, and a
 * clean stop. Everything it starts is stopped before it returns, on success or not.
 */
export async function runOnce(plan: RunPlan, args: BenchArgs, log: (line: string) => void): Promise<RunResult> {
  const result: RunResult = { plan, ok: false, warnings: [] };
  const env: Record<string, string> = {
    LOG_LEVEL: "warn", TICK_RATE: String(args.tickRate), INTEREST: plan.mode === "off" ? "off" : "on", FOOD_COUNT: String(args.food),
    MAX_PLAYERS: String(plan.size + 50), MAX_PLAYERS_PER_PROCESS: String(plan.size + 100), MAX_CONNECTIONS_PER_IP: String(plan.size + 100),
    RECONNECT_GRACE_SECONDS: "0",
    BENCH_HOOKS: "on", // exact tick durations at /debug/ticks, and the CPU profiler
    ...(plan.viewRadius !== undefined ? { VIEW_RADIUS: String(plan.viewRadius) } : {}),
  };
  const cpus = os.availableParallelism();
  let server: ServerProcess | undefined;
  const workers: BotWorker[] = [];
  try {
    server = await startServer({ env, cpus: args.pin ? "0" : undefined, nodeFlags: SERVER_NODE_FLAGS });
    const s = server;
    log(`server pid ${s.proc.pid} on ${s.httpUrl} (INTEREST=${env.INTEREST}${env.VIEW_RADIUS ? ` VIEW_RADIUS=${env.VIEW_RADIUS}` : ""})`);
    const debug = async <T>(route: string, method = "GET"): Promise<T> => {
      const response = await fetch(`${s.httpUrl}${route}`, { method, signal: AbortSignal.timeout(60_000) });
      if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as T;
    };
    const saveProfile = async (name: string, what: string): Promise<ProfileSummary> => {
      const profile = await debug<CpuProfile>("/debug/profile/stop", "POST");
      const file = path.join(args.cpuProf, `server-${plan.size}-${plan.mode}${name}.cpuprofile`);
      writeText(file, JSON.stringify(profile));
      const summary = summarizeProfile(profile);
      log(`CPU profile of ${what} (${file}):\n${formatSummary(summary)}`);
      return summary;
    };
    /** Throws when the server died or grew past --max-server-rss; returns its RSS (MB). */
    const guard = (): number => {
      if (s.proc.hasExited) throw new Error(`the server exited:\n${s.proc.tail()}`);
      const rss = rssMb(s.proc.pid!);
      if (rss > args.maxServerRssMb) throw new Error(`server RSS ${rss.toFixed(0)} MB passed --max-server-rss ${args.maxServerRssMb} MB (patches pile up faster than they are sent)`);
      return rss;
    };

    // Bots, round-robin over the workers; the decoding sample is spread evenly over the indexes.
    const count = Math.min(args.workers, plan.size);
    const assignment = Array.from({ length: count }, () => [] as Array<{ index: number; kind: BotKind }>);
    let nextFull = 0;
    for (let i = 0; i < plan.size; i++) {
      const full = plan.full > 0 && i >= Math.round(nextFull) && Math.round(nextFull) < plan.size;
      if (full) nextFull += plan.size / plan.full;
      assignment[i % count].push({ index: i, kind: full ? "full" : "raw" });
    }
    const maxLifeMs = (60 + args.spreadSeconds + args.seconds + plan.size / 5) * 1000 + 120_000;
    for (let w = 0; w < count; w++) workers.push(new BotWorker(w, args.pin && cpus > 1 ? `1-${cpus - 1}` : undefined));
    await Promise.all(workers.map((w, i) => w.call("init", { url: s.wsUrl, bots: assignment[i], seed: args.seed * 1000 + i, frameHz: args.frameHz, maxLifeMs }, 60_000)));

    // Joins: one first (it creates the pond), then everyone else as fast as the server takes them.
    const first = await workers[0].call("join", { count: 1, concurrency: 1, attempts: 3, timeoutMs: 20_000 }, 90_000);
    if (first.joined !== 1) throw new Error(`the first bot could not join: ${first.errors.join("; ")}`);
    if (args.cpuProf) await debug("/debug/profile/start", "POST");
    const joinStarted = performance.now();
    const reports = await Promise.all(workers.map((w) => w.call("join", { concurrency: args.joinConcurrency, attempts: 5, timeoutMs: 20_000 }, 60_000 + plan.size * 200)));
    const joinSeconds = (performance.now() - joinStarted) / 1000;
    if (args.cpuProf) result.joinProfile = await saveProfile("-joins", "the joins");
    const all = [first, ...reports];
    const [joined, failures] = [all.reduce((n, r) => n + r.joined, 0), all.reduce((n, r) => n + r.failures, 0)];
    const latencies = all.flatMap((r) => r.latenciesMs);
    const ponds = await fetchPonds(s.httpUrl, 10_000);
    result.join = {
      seconds: joinSeconds, perSecond: (joined - 1) / joinSeconds, failures,
      latencyP50Ms: percentile(latencies, 50), latencyP99Ms: percentile(latencies, 99), ponds: ponds.length, clientsInPond: ponds[0]?.clients ?? 0,
    };
    log(`joined ${joined}/${plan.size} in ${joinSeconds.toFixed(1)} s (${result.join.perSecond.toFixed(0)}/s, ${failures} failed attempts) in ${ponds.length} pond(s)`);
    if (failures > 0) result.warnings.push(`${failures} join attempts failed first (${reports.flatMap((r) => r.errors).slice(0, 2).join("; ")})`);
    if (ponds.length !== 1) result.warnings.push(`bots ended up in ${ponds.length} ponds, not one`);
    if (joined < plan.size) throw new Error(`only ${joined} of ${plan.size} bots could join`);

    // Spread out: bots swim from the spawn area to targets all over the pond.
    const spreadStarted = performance.now();
    let arrivedFraction = 0;
    let meanRadius = 0;
    for (;;) {
      const statuses = await Promise.all(workers.map((w) => w.call("status", undefined, 10_000)));
      const connected = statuses.reduce((n, st) => n + st.connected, 0);
      meanRadius = statuses.reduce((n, st) => n + st.meanRadius * st.connected, 0) / Math.max(1, connected);
      arrivedFraction = statuses.reduce((n, st) => n + st.arrived, 0) / plan.size;
      guard();
      if (arrivedFraction >= 0.9 || (performance.now() - spreadStarted) / 1000 >= args.spreadSeconds) break;
      await delay(1000);
    }
    result.spread = { seconds: (performance.now() - spreadStarted) / 1000, arrivedFraction, meanRadius };
    log(`spread for ${result.spread.seconds.toFixed(1)} s: ${(arrivedFraction * 100).toFixed(0)}% reached a first target, mean distance from centre ${meanRadius.toFixed(0)}`);

    // The measured window: /metrics and every bot's counters at both ends.
    const tickHook = await debug<{ next: number }>("/debug/ticks");
    if (args.cpuProf) await debug("/debug/profile/start", "POST");
    const before = { at: performance.now(), metrics: await fetchMetrics(s.httpUrl, 10_000) };
    await Promise.all(workers.map((w) => w.call("mark", undefined, 10_000)));
    const windowStarted = performance.now();
    let rssMax = 0;
    while (performance.now() - windowStarted < args.seconds * 1000) {
      rssMax = Math.max(rssMax, guard());
      await delay(Math.min(1000, args.seconds * 1000 - (performance.now() - windowStarted)));
    }
    const collected = await Promise.all(workers.map((w) => w.call("collect", undefined, 30_000)));
    const after = { at: performance.now(), metrics: await fetchMetrics(s.httpUrl, 10_000) };
    if (args.cpuProf) result.profile = await saveProfile("", "the window");
    const ticks = await debug<TickSamples>(`/debug/ticks?since=${tickHook.next}`);
    rssMax = Math.max(rssMax, guard());
    const w = result.window = summarize(plan, before, after, ticks, collected, rssMax);
    for (const worker of workers) for (const e of worker.errors) result.warnings.push(`bot worker ${worker.id}: ${e}`);
    const botCores = args.pin ? Math.max(1, cpus - 1) : cpus;
    const botCpu = w.bots.reduce((n, b) => n + b.cpuPercent, 0);
    const lag = Math.max(...w.bots.map((b) => b.loopDelayP99Ms));
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

/** The process's resident memory from /proc (0 when it cannot be read). */
function rssMb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** The window's figures (docs/benchmarks/load.md, "What each number means"). */
function summarize(plan: RunPlan, before: Scrape, after: Scrape, ticks: TickSamples, collected: Collected[], rssMax: number) {
  const seconds = (after.at - before.at) / 1000;
  const delta = (name: string) => after.metrics.sum(name) - before.metrics.sum(name);

  type Bot = Collected["bots"][number];
  const whole = collected.flatMap((c) => c.bots).filter((b) => b.connected && b.seconds > 0);
  const decoders = whole.filter((b) => b.kind === "full");
  const sum = (list: Bot[], f: (b: Bot) => number) => list.reduce((n, b) => n + f(b), 0);
  const rate = (f: (b: Bot) => number) => whole.map((b) => f(b) / b.seconds);
  const positionUpdates = sum(decoders, (b) => b.delta.positionUpdates);
  const decoderSeconds = sum(decoders, (b) => b.seconds);
  const perDecoderSecond = (n: number) => (decoderSeconds > 0 ? n / decoderSeconds : NaN);
  const per = (n: number) => (positionUpdates > 0 ? n / positionUpdates : NaN);
  const merged = new Array<number>(collected[0]?.intervals.length ?? 0).fill(0);
  for (const c of collected) c.intervals.forEach((n, i) => { merged[i] += n; });
  const patchRates = rate((b) => b.delta.patches);
  const byteRates = rate((b) => b.delta.bytes);

  return {
    seconds, ticks: ticks.totalMs.length, ticksPerSecond: ticks.totalMs.length / seconds,
    tickMeanMs: mean(ticks.totalMs), tickP50Ms: percentile(ticks.totalMs, 50), tickP99Ms: percentile(ticks.totalMs, 99), tickMaxMs: max(ticks.totalMs),
    // The simulation + interest part alone (wall), and process CPU per tick (not inflated by other processes).
    stepP50Ms: percentile(ticks.stepMs, 50), stepP99Ms: percentile(ticks.stepMs, 99),
    tickCpuP50Ms: percentile(ticks.cpuMs, 50), tickCpuP99Ms: percentile(ticks.cpuMs, 99),
    serverCpuPercent: (delta("process_cpu_seconds_total") / seconds) * 100,
    rssMb: after.metrics.sum("process_resident_memory_bytes") / 2 ** 20, rssMaxMb: rssMax,
    heapUsedMb: after.metrics.sum("nodejs_heap_size_used_bytes") / 2 ** 20,
    serverBytesPerClientPerSecond: delta("pond_bytes_sent_total") / seconds / plan.size,
    /** Ticks the server played on a guess because an input was late (docs/netcode.md), per client per second. */
    guessesPerClientPerSecond: delta("pond_input_guesses_total") / seconds / plan.size,
    /** Bots connected for the whole window; the rates below are over them. */
    clients: whole.length,
    patchesPerSecond: { mean: mean(patchRates), min: min(patchRates), p1: percentile(patchRates, 1) },
    emptyPatchesPerSecond: mean(rate((b) => b.delta.emptyPatches)),
    bytesPerSecond: { mean: mean(byteRates), p95: percentile(byteRates, 95), max: Math.max(...byteRates) },
    wireBytesPerSecond: mean(rate((b) => b.delta.wireBytes)),
    radarPerSecond: mean(rate((b) => b.delta.radarFrames)), radarBytesPerSecond: mean(rate((b) => b.delta.radarWireBytes)),
    /** From here on, decoding bots only. */
    decoders: decoders.length,
    inView: sum(decoders, (b) => b.delta.visibleSum) / Math.max(1, sum(decoders, (b) => b.delta.visibleSamples)),
    inViewMax: Math.max(0, ...decoders.map((b) => (b.delta.visibleSamples ? b.delta.visibleSum / b.delta.visibleSamples : 0))),
    positionUpdatesPerSecond: perDecoderSecond(positionUpdates),
    bytesPerPositionUpdate: per(sum(decoders, (b) => b.delta.bytes)),
    patchBytesPerPositionUpdate: per(sum(decoders, (b) => b.delta.patchBytes)),
    schemaBytesPerPositionUpdate: per(sum(decoders, (b) => b.delta.patchBytes - TIMED_HEADER_BYTES * b.delta.patchFrames)),
    schemaChangesPerPositionUpdate: per(sum(decoders, (b) => b.delta.otherChanges)),
    entersPerSecond: perDecoderSecond(sum(decoders, (b) => b.delta.adds)), leavesPerSecond: perDecoderSecond(sum(decoders, (b) => b.delta.removes)),
    patchIntervalMs: { p50: binPercentile(merged, 50), p99: binPercentile(merged, 99), max: binMax(merged), samples: binCount(merged) },
    bots: collected.map(({ health: h }) => ({ cpuPercent: h.cpuPercent, loopDelayP99Ms: h.loopDelayP99Ms, loopDelayMaxMs: h.loopDelayMaxMs, rssMb: h.rssBytes / 2 ** 20 })),
  };
}
