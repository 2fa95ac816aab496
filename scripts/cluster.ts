/**
 * `npm run cluster`: N game server processes (PORT = BASE_PORT + i) sharing matchmaking through
 * Redis, a private redis-server unless REDIS_URL is set. What it reads, prints and how it stops
 * (Ctrl-C forwarded once, a second one kills; exit 0 clean, 1 not, 2 bad command line):
 * docs/operations.md, "Quick start: a local cluster".
 */
import { availableParallelism } from "node:os";
import { createServer } from "node:net";
import { parseArgs } from "node:util";
import { freePort } from "../kit/ports.ts";
import { ManagedProcess, spawnTs } from "../kit/process.ts";
import { redisCommand } from "../kit/redis.ts";
import { waitForHealth } from "../kit/server.ts";
import { waitFor } from "../kit/waitFor.ts";
import { ArgsError, commandLine, numberInRange } from "../kit/args.ts";

const USAGE = "usage: npm run cluster -- [N | --processes N]   (env: BASE_PORT, REDIS_URL, PUBLIC_ADDRESS, HOST, and every server setting)";
const log = (message: string): void => console.error(`cluster: ${message}`);

/** `npm run cluster -- 3`, `-n 3` or `--processes 3`; else CLUSTER_PROCESSES, else one per CPU. */
function parseClusterArgs(argv: readonly string[], env: NodeJS.ProcessEnv): { processes: number; basePort: number } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { processes: { type: "string", short: "n" } } });
  } catch (error) {
    throw new ArgsError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new ArgsError(`unknown argument "${positionals[1]}"`);
  const given = values.processes ?? positionals[0] ?? env.CLUSTER_PROCESSES;
  const processes = given === undefined ? availableParallelism() : numberInRange("the number of processes", given, 1, 64, true);
  const basePort = env.BASE_PORT ? Number(env.BASE_PORT) : 2567;
  if (!Number.isInteger(basePort) || basePort < 1 || basePort + processes - 1 > 65535) {
    throw new ArgsError(`BASE_PORT must be a port from 1 to ${65536 - processes}, got "${env.BASE_PORT}"`);
  }
  return { processes, basePort };
}

/** Throws if something already listens on `port` (a clear message beats N EADDRINUSE crashes). */
function ensureFree(port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      reject(new ArgsError(error.code === "EADDRINUSE" ? `port ${port} is in use (set BASE_PORT)` : `cannot bind ${host}:${port}: ${error.message}`));
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

async function startPrivateRedis(): Promise<{ url: string; proc: ManagedProcess }> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const proc = new ManagedProcess("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"], { name: "redis-server" });
  await waitFor(async () => {
    if (proc.hasExited) throw new Error(`could not start redis-server; install it or set REDIS_URL\n${proc.tail()}`);
    return (await redisCommand(url, "PING")) === "+PONG";
  }, { timeoutMs: 10_000, intervalMs: 100, message: `redis-server to answer on port ${port}` });
  return { url, proc };
}

function publicAddressFor(pattern: string | undefined, index: number, port: number, processes: number): string {
  if (pattern === undefined) return `localhost:${port}`;
  if (!pattern.includes("{port}") && !pattern.includes("{index}")) {
    if (processes > 1) throw new ArgsError(`PUBLIC_ADDRESS "${pattern}" would be shared by ${processes} processes; use {port} or {index} in it`);
    return pattern;
  }
  return pattern.replaceAll("{port}", String(port)).replaceAll("{index}", String(index + 1));
}

async function main(): Promise<number> {
  const args = commandLine("cluster", USAGE, (argv) => parseClusterArgs(argv, process.env));
  const host = process.env.HOST?.trim() || "127.0.0.1";
  const pattern = process.env.PUBLIC_ADDRESS?.trim() || undefined;
  const ports = Array.from({ length: args.processes }, (_, i) => args.basePort + i);
  let redis: { url: string; proc: ManagedProcess } | undefined;
  let redisUrl = process.env.REDIS_URL?.trim() || undefined;
  let addresses: string[];
  try {
    addresses = ports.map((port, i) => publicAddressFor(pattern, i, port, args.processes));
    for (const port of ports) await ensureFree(port, host);
    if (!redisUrl) {
      redis = await startPrivateRedis();
      redisUrl = redis.url;
      log(`started a private redis-server at ${redisUrl} (set REDIS_URL to use your own)`);
    }
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    return error instanceof ArgsError ? 2 : 1;
  }
  // Each in its own process group: a terminal's Ctrl-C reaches only us, and we forward it exactly
  // once (Colyseus shuts down gracefully on the first SIGINT/SIGTERM and dies on a second). Never
  // left behind, even if this script crashes: kit/process.ts kills them on exit.
  const members = ports.map((port, i) => ({ index: i, port, publicAddress: addresses[i], proc: spawnTs("server/main.ts", [], {
    name: `process ${i + 1}`, inherit: true, env: { PORT: String(port), HOST: host, REDIS_URL: redisUrl, PUBLIC_ADDRESS: addresses[i] },
  }) }));

  let stopping = false;
  let firstSignalAt = 0;
  const forward = (signal: NodeJS.Signals) => {
    // npm, tsx and the terminal may each deliver the same Ctrl-C: repeats within half a second
    // are one signal; a later one is a second Ctrl-C and forces.
    if (stopping && Date.now() - firstSignalAt < 500) return;
    const force = stopping;
    if (!stopping) firstSignalAt = Date.now();
    stopping = true;
    const sent = force ? "SIGKILL" : signal;
    const running = members.filter((m) => !m.proc.hasExited).length;
    log(force ? `killing ${running} remaining process(es)` : `${signal}: shutting down ${running} process(es) gracefully (again to force)`);
    for (const m of members) m.proc.signal(sent);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => forward(signal));

  for (const m of members) {
    void m.proc.exited.then((exit) => {
      if (!stopping) log(`process ${m.index + 1} (port ${m.port}) exited (code ${exit.code}, signal ${exit.signal}); ${members.filter((x) => !x.proc.hasExited).length} still running`);
    });
  }

  const ready = await Promise.all(members.map((m) => waitForHealth(`http://127.0.0.1:${m.port}`, 60_000, () => !m.proc.hasExited, m.proc.pid).then(() => true, () => false)));
  if (!stopping) {
    const lines = members.map((m, i) =>
      `  ${i + 1}. http://${host === "0.0.0.0" ? "localhost" : host}:${m.port}  pid ${m.proc.pid}  public ${m.publicAddress}  ${ready[i] ? "ready" : m.proc.hasExited ? "EXITED" : "NOT READY"}`);
    console.log(`Tadpole Pond cluster: ${members.length} process(es), Redis ${process.env.REDIS_URL ? "REDIS_URL" : "private"}\n${lines.join("\n")}\nPlay at any of them; Ctrl-C stops all.`);
  }

  const exits = await Promise.all(members.map((m) => m.proc.exited));
  await redis?.proc.stop(3000);
  const clean = exits.every((e) => e.code === 0);
  log(`all processes exited${clean ? "" : ": " + exits.map((e, i) => `${i + 1}=${e.code ?? e.signal}`).join(" ")}`);
  return clean ? 0 : 1;
}

process.exitCode = await main();
