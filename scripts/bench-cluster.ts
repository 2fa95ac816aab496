/**
 * Matchmaking across processes, measured:
 *
 *   npm run bench:cluster                       # starts `npm run cluster -- 2` on free ports
 *   npm run bench:cluster -- --joins 200 --concurrency 10 --max-players 20
 *   npm run bench:cluster -- --urls http://127.0.0.1:2567,http://127.0.0.1:2568   # an existing cluster
 *
 * Phase 1 (join): `--joins` players join through the processes in turn (round robin over the
 * matchmaking endpoints, `--concurrency` joins in flight), each with the game's own PondSession:
 * a join is the matchmaking request, the WebSocket and the first state. Reports joins/s and the
 * join latency, then where the players landed (per process: players, ponds; from /metrics and
 * the sockets' addresses).
 *
 * Phase 2 (drain, skipped with --no-drain or --urls): SIGTERM the process holding the most
 * players and time how long until every one of its players is connected again on another
 * process (PondSession moves them), and count any that did not make it.
 *
 * Exit code 0 when every join succeeded (and nobody was lost in the drain), 1 otherwise,
 * 2 for a bad command line. `--json <file>` writes the figures.
 */
import { writeFileSync } from "node:fs";
import { cpus, availableParallelism, loadavg } from "node:os";
import { createServer } from "node:net";
import { PondSession } from "../client/net/PondSession.ts";
import { ArgsError, commandLine, readFlags } from "../kit/args.ts";
import { fetchMetrics, fetchPonds } from "../kit/probes.ts";
import { freePort } from "../kit/ports.ts";
import { spawnTs, type ManagedProcess } from "../kit/process.ts";
import { waitFor, withTimeout } from "../kit/waitFor.ts";

const USAGE = `Usage: npm run bench:cluster -- [options]
  --joins <n>          players to join (default 200)
  --concurrency <n>    joins in flight (default 10)
  --processes <n>      processes to start (default 2; 1 = a single-process baseline, no drain; ignored with --urls)
  --max-players <n>    MAX_PLAYERS per pond for the started cluster (default 20)
  --urls <u,u,...>     bench an existing cluster instead (no drain phase)
  --no-drain           skip the graceful-shutdown phase
  --json <file>        write the results as JSON`;

const FLAGS = {
  joins: { type: "number", min: 1, max: 100_000, integer: true },
  concurrency: { type: "number", min: 1, max: 1000, integer: true },
  processes: { type: "number", min: 1, max: 64, integer: true },
  "max-players": { type: "number", min: 1, max: 5000, integer: true },
  urls: { type: "string" },
  "no-drain": { type: "boolean" },
  json: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function parseClusterBenchArgs(argv: readonly string[]) {
  const f = readFlags(argv, FLAGS);
  const urls = f.urls?.split(",").map((u) => u.trim()).filter(Boolean);
  if (urls !== undefined && urls.length === 0) throw new ArgsError("--urls needs at least one URL");
  const processes = f.processes ?? 2;
  // Draining needs somewhere to move to.
  const drain = !f["no-drain"] && !urls && processes >= 2;
  return { joins: f.joins ?? 200, concurrency: f.concurrency ?? 10, processes, maxPlayers: f["max-players"] ?? 20, urls, drain, json: f.json ?? "", help: f.help ?? false };
}

function log(message: string): void {
  console.error(`bench:cluster: ${message}`);
}

/** A run of `count` consecutive free loopback ports (the cluster takes BASE_PORT, BASE_PORT + 1, ...). */
async function freeBase(count: number): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = await freePort();
    let ok = true;
    for (let i = 1; i < count && ok; i++) ok = await isFree(base + i);
    if (ok) return base;
  }
  throw new Error("no run of free ports found");
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

interface ProcessInfo {
  url: string;
  port: number;
  pid: number | undefined;
}

/** Starts scripts/cluster.ts (private Redis) and returns its processes once all are ready. */
async function startCluster(processes: number, maxPlayers: number): Promise<{ proc: ManagedProcess; nodes: ProcessInfo[] }> {
  const proc = spawnTs("scripts/cluster.ts", [String(processes)], {
    name: "cluster",
    env: {
      BASE_PORT: String(await freeBase(processes)),
      HOST: "127.0.0.1",
      CLIENT_DIR: "",
      LOG_LEVEL: "warn",
      MAX_PLAYERS: String(maxPlayers),
      // Every bench player comes from 127.0.0.1: lift the per-address limit (default 20).
      MAX_CONNECTIONS_PER_IP: "100000",
      PUBLIC_ADDRESS: undefined,
    },
  });
  await proc.waitForOutput(/Play at any of them/, 90_000);
  const nodes: ProcessInfo[] = [];
  for (const match of proc.output.matchAll(/^\s+\d+\. (http:\/\/[^ ]+)\s+pid (\d+)/gm)) {
    nodes.push({ url: match[1], port: Number(new URL(match[1]).port), pid: Number(match[2]) });
  }
  if (nodes.length !== processes) throw new Error(`expected ${processes} processes in the cluster's output:\n${proc.output}`);
  return { proc, nodes };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function metricsOf(url: string): Promise<{ players: number; rooms: number }> {
  const m = await fetchMetrics(url, 5000);
  return { players: m.sum("pond_players"), rooms: m.sum("pond_rooms") };
}

function portOf(session: PondSession): number | undefined {
  const url = session.socketUrl;
  return url ? Number(new URL(url).port) : undefined;
}

async function main(): Promise<number> {
  const args = commandLine("bench:cluster", USAGE, parseClusterBenchArgs);
  if (args.help) {
    console.log(USAGE);
    return 0;
  }

  let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
  const sessions: PondSession[] = [];
  // Ctrl-C: leave and stop the cluster rather than orphan it.
  let interrupted = false;
  const interrupt = () => {
    if (interrupted) return;
    interrupted = true;
    log("interrupted: stopping");
    void Promise.all(sessions.map((s) => s.close().catch(() => undefined))).finally(() => {
      setTimeout(() => process.exit(1), 20_000).unref();
      void (cluster?.proc.stop(20_000) ?? Promise.resolve()).then(() => process.exit(1));
    });
  };
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: { nproc: availableParallelism(), cpu: cpus()[0]?.model ?? "unknown", node: process.version, loadAverageAtStart: loadavg().map((l) => round(l, 2)) },
    args: { joins: args.joins, concurrency: args.concurrency, processes: args.urls?.length ?? args.processes, maxPlayers: args.urls ? "server's" : args.maxPlayers },
  };
  let ok = true;
  try {
    let nodes: ProcessInfo[];
    if (args.urls) {
      nodes = args.urls.map((url) => ({ url, port: Number(new URL(url).port), pid: undefined }));
    } else {
      log(`starting npm run cluster -- ${args.processes} (MAX_PLAYERS=${args.maxPlayers})`);
      cluster = await startCluster(args.processes, args.maxPlayers);
      nodes = cluster.nodes;
    }
    log(`processes: ${nodes.map((n) => n.url).join(", ")}`);

    // Phase 1: joins, round robin over the endpoints, `concurrency` at a time.
    const latencies: number[] = [];
    let failures = 0;
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= args.joins) return;
        const url = nodes[i % nodes.length].url;
        // Other endpoints follow, so a moved player can rejoin through a surviving process.
        const urls = [...nodes.slice(i % nodes.length), ...nodes.slice(0, i % nodes.length)].map((n) => n.url);
        const session = new PondSession({ url: urls, name: `bench-${i}` });
        sessions.push(session);
        const t0 = performance.now();
        try {
          // start() retries failed attempts itself (counted below); a join that takes longer
          // than this is a failure.
          await withTimeout(session.start(), 30_000, `join ${i}`);
          latencies.push(performance.now() - t0);
        } catch {
          failures++;
          log(`join ${i} via ${url} failed`);
        }
      }
    };
    await Promise.all(Array.from({ length: args.concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const join = {
      joins: latencies.length,
      failures,
      retriedAttempts: sessions.reduce((sum, s) => sum + s.counts.failedAttempts, 0),
      seconds: round(seconds, 2),
      joinsPerSecond: round(latencies.length / seconds, 1),
      latencyMs: { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1) ?? NaN) },
    };
    results.join = join;
    if (failures > 0) ok = false;

    // Where did everyone land?
    await waitFor(async () => {
      const counts = await Promise.all(nodes.map((n) => metricsOf(n.url)));
      return counts.reduce((sum, c) => sum + c.players, 0) === latencies.length;
    }, { timeoutMs: 10_000, intervalMs: 50, message: "the metrics to count every player" }).catch((error) => log(String(error)));
    const perProcess = await Promise.all(nodes.map(async (n) => {
      const m = await metricsOf(n.url);
      return { url: n.url, players: m.players, ponds: m.rooms, socketsHere: sessions.filter((s) => portOf(s) === n.port).length };
    }));
    const ponds = await fetchPonds(nodes[0].url);
    results.perProcess = perProcess;
    results.ponds = { count: ponds.length, sizes: ponds.map((p) => p.clients).sort((a, b) => b - a) };

    // Phase 2: drain the busiest process; time until its players are back elsewhere.
    if (args.drain && cluster) {
      const victim = [...nodes].sort((a, b) => sessions.filter((s) => portOf(s) === b.port).length - sessions.filter((s) => portOf(s) === a.port).length)[0];
      const movers = sessions.filter((s) => portOf(s) === victim.port);
      const t0 = performance.now();
      process.kill(victim.pid!, "SIGTERM");
      let lost = 0;
      try {
        await waitFor(() => movers.every((s) => s.status === "connected" && portOf(s) !== victim.port && s.connection?.self !== undefined),
          { timeoutMs: 60_000, intervalMs: 50, message: "every moved player to be connected elsewhere" });
      } catch {
        lost = movers.filter((s) => !(s.status === "connected" && portOf(s) !== victim.port)).length;
      }
      const drainMs = performance.now() - t0;
      const survivors = await Promise.all(nodes.filter((n) => n !== victim).map(async (n) => ({ url: n.url, ...(await metricsOf(n.url)) })));
      results.drain = { victim: victim.url, moved: movers.length, lost, allBackMs: round(drainMs), survivors };
      if (lost > 0) ok = false;
    }
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    if (cluster) log(`cluster output:\n${cluster.proc.tail()}`);
    ok = false;
  } finally {
    await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
    await cluster?.proc.stop(20_000);
  }

  (results.machine as Record<string, unknown>).loadAverageAtEnd = loadavg().map((l) => round(l, 2));
  console.log(JSON.stringify(results, null, 2));
  if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2) + "\n");
  return ok ? 0 : 1;
}

function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

// The SDK logs every reconnection step; the figures are what this script reports.
const info = console.info.bind(console);
console.info = (...parts: unknown[]) => {
  if (typeof parts[0] === "string" && parts[0].startsWith("[Colyseus reconnection]")) return;
  info(...parts);
};

process.exitCode = await main();
