/**
 * A local cluster: N game server processes sharing matchmaking through Redis.
 *
 *   npm run cluster                 # one process per core, ports 2567, 2568, ...
 *   npm run cluster -- 3            # three processes
 *   BASE_PORT=3000 REDIS_URL=redis://127.0.0.1:6379 npm run cluster -- --processes 2
 *
 * Each process gets PORT = BASE_PORT + i, REDIS_URL and PUBLIC_ADDRESS (default
 * `localhost:<port>`; a PUBLIC_ADDRESS containing `{port}` or `{index}` is a pattern, e.g.
 * `game.example.com/p{index}` behind a reverse proxy). Every other variable of
 * server/config.ts passes through unchanged (HOST defaults to 127.0.0.1 here: set HOST=0.0.0.0
 * to serve the LAN). Without REDIS_URL a private redis-server is started on a free loopback
 * port and stopped at the end.
 *
 * Ctrl-C or SIGTERM is forwarded once to every process (graceful shutdown: ponds close with
 * SERVER_SHUTDOWN and players move); a second Ctrl-C kills them. Stop one process alone
 * (`kill -TERM <pid>`) to watch its players move to the others. The script exits when every
 * process has exited: 0 if all exited cleanly, 1 otherwise; 2 for a bad command line.
 */
import { availableParallelism } from "node:os";
import { createServer } from "node:net";
import { freePort } from "../kit/ports.ts";
import { ManagedProcess, spawnTs } from "../kit/process.ts";
import { redisCommand } from "../kit/redis.ts";
import { waitForHealth } from "../kit/server.ts";
import { waitFor } from "../kit/waitFor.ts";
import { ArgsError, commandLine, numberInRange } from "../kit/args.ts";
import { parseArgs } from "node:util";

interface Member {
  index: number;
  port: number;
  publicAddress: string;
  proc: ManagedProcess;
}

/** `npm run cluster -- 3`, `-n 3` or `--processes 3`; else CLUSTER_PROCESSES, else one per CPU. */
function parseClusterArgs(argv: readonly string[], env: NodeJS.ProcessEnv): { processes: number; basePort: number; help: boolean } {
  const { values, positionals } = readCommand(argv);
  if (positionals.length > 1) throw new ArgsError(`unknown argument "${positionals[1]}"`);
  const given = values.processes ?? positionals[0] ?? env.CLUSTER_PROCESSES;
  const processes = given === undefined ? availableParallelism() : count(given);
  const basePort = env.BASE_PORT ? Number(env.BASE_PORT) : 2567;
  if (!Number.isInteger(basePort) || basePort < 1 || basePort + processes - 1 > 65535) {
    throw new ArgsError(`BASE_PORT must be a port from 1 to ${65536 - processes}, got "${env.BASE_PORT}"`);
  }
  return { processes, basePort, help: values.help ?? false };
}

function readCommand(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, options: { processes: { type: "string", short: "n" }, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    throw new ArgsError((error as Error).message);
  }
}

function count(raw: string): number {
  return numberInRange("the number of processes", raw, 1, 64, true);
}

const USAGE = "usage: npm run cluster -- [N | --processes N]   (env: BASE_PORT, REDIS_URL, PUBLIC_ADDRESS, HOST, and every server setting)";

function log(message: string): void {
  console.error(`cluster: ${message}`);
}

/** Throws if something already listens on `port` (a clear message beats N EADDRINUSE crashes). */
async function ensureFree(port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
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
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const host = process.env.HOST?.trim() || "127.0.0.1";
  const pattern = process.env.PUBLIC_ADDRESS?.trim() || undefined;
  const members: Member[] = [];
  let redis: { url: string; proc: ManagedProcess } | undefined;

  const stopRedis = async () => { await redis?.proc.stop(3000); };
  // Never leave children behind, even if this script crashes: kit/process.ts kills them on exit.

  try {
    const addresses = Array.from({ length: args.processes }, (_, i) => publicAddressFor(pattern, i, args.basePort + i, args.processes));
    for (let i = 0; i < args.processes; i++) await ensureFree(args.basePort + i, host);

    let redisUrl = process.env.REDIS_URL?.trim() || undefined;
    if (!redisUrl) {
      redis = await startPrivateRedis();
      redisUrl = redis.url;
      log(`started a private redis-server at ${redisUrl} (set REDIS_URL to use your own)`);
    }

    for (let i = 0; i < args.processes; i++) {
      const port = args.basePort + i;
      // Its own process group: a terminal's Ctrl-C reaches only us, and we forward it exactly
      // once (Colyseus shuts down gracefully on the first SIGINT/SIGTERM and dies on a second).
      const proc = spawnTs("server/main.ts", [], {
        name: `process ${i + 1}`,
        inherit: true,
        env: { PORT: String(port), HOST: host, REDIS_URL: redisUrl, PUBLIC_ADDRESS: addresses[i] },
      });
      const member: Member = { index: i, port, publicAddress: addresses[i], proc };
      members.push(member);
    }
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    await Promise.all(members.map((m) => m.proc.stop(60_000)));
    await stopRedis();
    return error instanceof ArgsError ? 2 : 1;
  }

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
  process.on("SIGINT", () => forward("SIGINT"));
  process.on("SIGTERM", () => forward("SIGTERM"));

  for (const m of members) {
    void m.proc.exited.then((exit) => {
      if (!stopping) log(`process ${m.index + 1} (port ${m.port}) exited (code ${exit.code}, signal ${exit.signal}); ${members.filter((x) => !x.proc.hasExited).length} still running`);
    });
  }

  const ready = await Promise.all(members.map((m) => waitForHealth(`http://127.0.0.1:${m.port}`, 60_000, () => !m.proc.hasExited).then(() => true, () => false)));
  if (!stopping) {
    const lines = members.map((m, i) =>
      `  ${i + 1}. http://${host === "0.0.0.0" ? "localhost" : host}:${m.port}  pid ${m.proc.pid}  public ${m.publicAddress}  ${ready[i] ? "ready" : m.proc.hasExited ? "EXITED" : "NOT READY"}`);
    console.log(`Tadpole Pond cluster: ${members.length} process(es), Redis ${process.env.REDIS_URL ? "REDIS_URL" : "private"}\n${lines.join("\n")}\nPlay at any of them; Ctrl-C stops all.`);
  }

  const exits = await Promise.all(members.map((m) => m.proc.exited));
  await stopRedis();
  const clean = exits.every((e) => e.code === 0);
  log(`all processes exited${clean ? "" : ": " + exits.map((e, i) => `${i + 1}=${e.code ?? e.signal}`).join(" ")}`);
  return clean ? 0 : 1;
}

process.exitCode = await main();
