/**
 * `npm run bench:cluster`: joins round robin over the processes, each with the game's own
 * PondSession (not the kit's player: the drain phase measures how a session moves when its process
 * shuts down), then SIGTERM to the busiest process and the time until its players are back
 * elsewhere; docs/benchmarks/cluster.md says what and how. Prints JSON; exit 0 if none failed or lost.
 */
import { writeFileSync } from "node:fs";
import { PondSession } from "../client/net/PondSession.ts";
import { commandLine, readFlags, usage } from "../kit/args.ts";
import { fetchMetrics, fetchPonds } from "../kit/probes.ts";
import { freePort } from "../kit/ports.ts";
import { spawnTs, type ManagedProcess } from "../kit/process.ts";
import { waitFor, withTimeout } from "../kit/waitFor.ts";
import { max, percentile } from "./lib/stats.ts";
import { describeMachine, loadAverage } from "./lib/machine.ts";

const FLAGS = {
  joins: { type: "number", min: 1, max: 100_000, integer: true, default: 200, help: "players to join" },
  concurrency: { type: "number", min: 1, max: 1000, integer: true, default: 10, help: "joins in flight" },
  processes: { type: "number", min: 1, max: 64, integer: true, default: 2, help: "processes to start, MAX_PLAYERS=20 each; 1 = a single-process baseline, no drain" },
  urls: { type: "string", arg: "u,u,...", help: "bench an existing cluster instead (no drain phase)" },
  json: { type: "string", arg: "file", help: "write the results as JSON" },
} as const;
const args = commandLine("bench:cluster", usage("npm run bench:cluster -- [options]", FLAGS), (argv) => readFlags(argv, FLAGS));
const { joins, concurrency } = args;
const MAX_PLAYERS = 20;
const log = (message: string) => console.error(`bench:cluster: ${message}`);
const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;
const portOf = (session: PondSession) => (session.socketUrl ? Number(new URL(session.socketUrl).port) : undefined);

interface Node { url: string; port: number; pid?: number }

/** Starts scripts/cluster.ts (private Redis) on a run of free ports; resolves once every process is ready. */
async function startCluster(processes: number): Promise<{ proc: ManagedProcess; nodes: Node[] }> {
  for (let attempt = 1; ; attempt++) {
    // Every bench player comes from 127.0.0.1: lift the per-address limit (default 20).
    const proc = spawnTs("scripts/cluster.ts", [String(processes)], { name: "cluster", env: {
      BASE_PORT: String(await freePort()), HOST: "127.0.0.1", CLIENT_DIR: "", LOG_LEVEL: "warn", MAX_PLAYERS: String(MAX_PLAYERS), MAX_CONNECTIONS_PER_IP: "100000", PUBLIC_ADDRESS: undefined,
    } });
    try {
      await proc.waitForOutput(/Play at any of them/, 90_000);
    } catch (error) {
      // The port after the free one was taken meanwhile: cluster.ts refuses, try another run.
      if (attempt < 10 && /is in use/.test(proc.output)) continue;
      throw error;
    }
    const nodes = [...proc.output.matchAll(/^\s+\d+\. (http:\/\/[^ ]+)\s+pid (\d+)/gm)].map((m) => ({ url: m[1], port: Number(new URL(m[1]).port), pid: Number(m[2]) }));
    if (nodes.length !== processes) throw new Error(`expected ${processes} processes in the cluster's output:\n${proc.output}`);
    return { proc, nodes };
  }
}

async function metricsOf(url: string): Promise<{ players: number; rooms: number }> {
  const m = await fetchMetrics(url, 5000);
  return { players: m.sum("pond_players"), rooms: m.sum("pond_rooms") };
}

async function main(): Promise<number> {
  const processes = args.processes;
  const listed = args.urls?.split(",").map((u) => u.trim()).filter(Boolean);
  const urls = listed?.length ? listed : undefined;
  let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
  const sessions: PondSession[] = [];
  const stop = async () => {
    await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
    await cluster?.proc.stop(20_000);
  };
  // Ctrl-C: leave and stop the cluster rather than orphan it.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void stop().finally(() => process.exit(1)));
  const results: Record<string, unknown> = {
    machine: describeMachine(),
    args: { joins, concurrency, processes: urls?.length ?? processes, maxPlayers: urls ? "server's" : MAX_PLAYERS },
  };
  let ok = true;
  try {
    if (!urls) log(`starting npm run cluster -- ${processes} (MAX_PLAYERS=${MAX_PLAYERS})`);
    cluster = urls ? undefined : await startCluster(processes);
    const nodes: Node[] = cluster?.nodes ?? urls!.map((url) => ({ url, port: Number(new URL(url).port) }));
    log(`processes: ${nodes.map((n) => n.url).join(", ")}`);

    // Phase 1: joins, round robin over the endpoints, `concurrency` at a time.
    const latencies: number[] = [];
    let failures = 0;
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      for (let i = next++; i < joins; i = next++) {
        // The other endpoints follow, so a moved player can rejoin through a surviving process.
        const first = i % nodes.length;
        const session = new PondSession({ url: [...nodes.slice(first), ...nodes.slice(0, first)].map((n) => n.url), name: `bench-${i}` });
        sessions.push(session);
        const t0 = performance.now();
        // start() retries failed attempts itself (counted below); a join slower than 30 s failed.
        await withTimeout(session.start(), 30_000, `join ${i}`).then(() => latencies.push(performance.now() - t0), () => { failures++; log(`join ${i} via ${nodes[first].url} failed`); });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    results.join = {
      joins: latencies.length, failures, retriedAttempts: sessions.reduce((sum, s) => sum + s.counts.failedAttempts, 0), seconds: round(seconds, 2), joinsPerSecond: round(latencies.length / seconds, 1),
      latencyMs: { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)), p99: round(percentile(latencies, 99)), max: round(max(latencies)) },
    };
    if (failures > 0) ok = false;

    // Where did everyone land?
    await waitFor(async () => (await Promise.all(nodes.map((n) => metricsOf(n.url)))).reduce((sum, c) => sum + c.players, 0) === latencies.length,
      { timeoutMs: 10_000, intervalMs: 50, message: "the metrics to count every player" }).catch((error) => log(String(error)));
    const here = (n: Node) => sessions.filter((s) => portOf(s) === n.port);
    results.perProcess = await Promise.all(nodes.map(async (n) => metricsOf(n.url).then((m) => ({ url: n.url, players: m.players, ponds: m.rooms, socketsHere: here(n).length }))));
    const ponds = (await fetchPonds(nodes[0].url)).map((p) => p.clients).sort((a, b) => b - a);
    results.ponds = { count: ponds.length, sizes: ponds };

    // Phase 2: drain the busiest process; time until its players are back elsewhere.
    if (cluster && processes >= 2) {
      const victim = [...nodes].sort((a, b) => here(b).length - here(a).length)[0];
      const movers = here(victim);
      const t0 = performance.now();
      process.kill(victim.pid!, "SIGTERM");
      const back = (s: PondSession) => s.status === "connected" && portOf(s) !== victim.port;
      const lost = await waitFor(() => movers.every((s) => back(s) && s.connection?.self !== undefined),
        { timeoutMs: 60_000, intervalMs: 50, message: "every moved player to be connected elsewhere" }).then(() => 0, () => movers.filter((s) => !back(s)).length);
      const allBackMs = round(performance.now() - t0);
      const survivors = await Promise.all(nodes.filter((n) => n !== victim).map(async (n) => ({ url: n.url, ...(await metricsOf(n.url)) })));
      results.drain = { victim: victim.url, moved: movers.length, lost, allBackMs, survivors };
      if (lost > 0) ok = false;
    }
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    if (cluster) log(`cluster output:\n${cluster.proc.tail()}`);
    ok = false;
  } finally {
    await stop();
  }

  results.loadAverageAtEnd = loadAverage();
  console.log(JSON.stringify(results, null, 2));
  if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2) + "\n");
  return ok ? 0 : 1;
}

// The SDK logs every reconnection step; the figures are what this script reports.
const info = console.info.bind(console);
console.info = (...parts: unknown[]) => {
  if (typeof parts[0] !== "string" || !parts[0].startsWith("[Colyseus reconnection]")) info(...parts);
};

process.exitCode = await main();
