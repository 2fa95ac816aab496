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
import { spawn, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { createConnection, createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { freePort } from "../tests/helpers/ports.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

interface Member {
  index: number;
  port: number;
  publicAddress: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
}

class UsageError extends Error {}

function parseArgs(argv: string[], env: NodeJS.ProcessEnv): { processes: number; basePort: number; help: boolean } {
  let processes: number | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") help = true;
    else if (arg === "-n" || arg === "--processes") processes = count(argv[++i]);
    else if (arg.startsWith("--processes=")) processes = count(arg.slice("--processes=".length));
    else if (/^\d+$/.test(arg)) processes = count(arg);
    else throw new UsageError(`unknown argument "${arg}"`);
  }
  processes ??= env.CLUSTER_PROCESSES ? count(env.CLUSTER_PROCESSES) : availableParallelism();
  const basePort = env.BASE_PORT ? Number(env.BASE_PORT) : 2567;
  if (!Number.isInteger(basePort) || basePort < 1 || basePort + processes - 1 > 65535) {
    throw new UsageError(`BASE_PORT must be a port from 1 to ${65536 - processes}, got "${env.BASE_PORT}"`);
  }
  return { processes, basePort, help };
}

function count(raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`the number of processes must be an integer from 1 to 64, got "${raw}"`);
  return n;
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
      reject(new UsageError(error.code === "EADDRINUSE" ? `port ${port} is in use (set BASE_PORT)` : `cannot bind ${host}:${port}: ${error.message}`));
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** Resolves once Redis answers PING on `port`; rejects after `timeoutMs`. */
async function waitForRedis(port: number, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error("redis-server exited");
    const pong = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: "127.0.0.1" });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(500, () => done(false));
      socket.on("error", () => done(false));
      socket.on("connect", () => socket.write("PING\r\n"));
      socket.on("data", (data) => done(data.toString().startsWith("+PONG")));
    });
    if (pong) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`redis-server did not answer on port ${port} within ${timeoutMs} ms`);
}

async function startPrivateRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"], {
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  let alive = true;
  const failed = new Promise<never>((_, reject) => {
    child.once("error", (error) => {
      alive = false;
      reject(new Error(`could not start redis-server (${error.message}); install it or set REDIS_URL`));
    });
  });
  child.once("exit", () => { alive = false; });
  await Promise.race([waitForRedis(port, 10_000, () => alive), failed]);
  return { url: `redis://127.0.0.1:${port}`, child };
}

/** GET /health until it says ready (or the process exits / time runs out). */
async function waitReady(member: Member, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && member.exit === undefined) {
    try {
      const response = await fetch(`http://127.0.0.1:${member.port}/health`, { signal: AbortSignal.timeout(1000) });
      if (response.ok && ((await response.json()) as { ready?: boolean }).ready === true) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function publicAddressFor(pattern: string | undefined, index: number, port: number, processes: number): string {
  if (pattern === undefined) return `localhost:${port}`;
  if (!pattern.includes("{port}") && !pattern.includes("{index}")) {
    if (processes > 1) throw new UsageError(`PUBLIC_ADDRESS "${pattern}" would be shared by ${processes} processes; use {port} or {index} in it`);
    return pattern;
  }
  return pattern.replaceAll("{port}", String(port)).replaceAll("{index}", String(index + 1));
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof UsageError) {
      log(`${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const host = process.env.HOST?.trim() || "127.0.0.1";
  const pattern = process.env.PUBLIC_ADDRESS?.trim() || undefined;
  const members: Member[] = [];
  let redis: { url: string; child: ChildProcess } | undefined;

  const stopRedis = async () => {
    if (!redis || redis.child.exitCode !== null || redis.child.signalCode !== null) return;
    const exited = new Promise((r) => redis!.child.once("exit", r));
    redis.child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (redis.child.exitCode === null && redis.child.signalCode === null) redis.child.kill("SIGKILL");
  };
  // Never leave children behind, even if this script crashes.
  process.once("exit", () => {
    for (const m of members) if (m.exit === undefined) try { process.kill(-m.child.pid!, "SIGKILL"); } catch { /* gone */ }
    if (redis && redis.child.exitCode === null) try { redis.child.kill("SIGKILL"); } catch { /* gone */ }
  });

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
      const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
        cwd: ROOT,
        env: { ...process.env, PORT: String(port), HOST: host, REDIS_URL: redisUrl, PUBLIC_ADDRESS: addresses[i] },
        stdio: ["ignore", "inherit", "inherit"],
        detached: true,
      });
      const member: Member = {
        index: i,
        port,
        publicAddress: addresses[i],
        child,
        exited: new Promise((resolve) => {
          child.once("exit", (code, signal) => {
            member.exit = { code, signal };
            resolve(member.exit);
          });
          child.once("error", (error) => {
            log(`process ${i + 1} could not start: ${error.message}`);
            member.exit = { code: null, signal: null };
            resolve(member.exit);
          });
        }),
      };
      members.push(member);
    }
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    for (const m of members) m.child.kill("SIGTERM");
    await Promise.all(members.map((m) => m.exited));
    await stopRedis();
    return error instanceof UsageError ? 2 : 1;
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
    const running = members.filter((m) => m.exit === undefined).length;
    log(force ? `killing ${running} remaining process(es)` : `${signal}: shutting down ${running} process(es) gracefully (again to force)`);
    for (const m of members) {
      if (m.exit === undefined && m.child.pid !== undefined) {
        try { process.kill(-m.child.pid, sent); } catch { /* already gone */ }
      }
    }
  };
  process.on("SIGINT", () => forward("SIGINT"));
  process.on("SIGTERM", () => forward("SIGTERM"));

  for (const m of members) {
    void m.exited.then((exit) => {
      if (!stopping) log(`process ${m.index + 1} (port ${m.port}) exited (code ${exit.code}, signal ${exit.signal}); ${members.filter((x) => x.exit === undefined).length} still running`);
    });
  }

  const ready = await Promise.all(members.map((m) => waitReady(m, 60_000)));
  if (!stopping) {
    const lines = members.map((m, i) =>
      `  ${i + 1}. http://${host === "0.0.0.0" ? "localhost" : host}:${m.port}  pid ${m.child.pid}  public ${m.publicAddress}  ${ready[i] ? "ready" : m.exit ? "EXITED" : "NOT READY"}`);
    console.log(`Tadpole Pond cluster: ${members.length} process(es), Redis ${process.env.REDIS_URL ? "REDIS_URL" : "private"}\n${lines.join("\n")}\nPlay at any of them; Ctrl-C stops all.`);
  }

  const exits = await Promise.all(members.map((m) => m.exited));
  await stopRedis();
  const clean = exits.every((e) => e.code === 0);
  log(`all processes exited${clean ? "" : ": " + exits.map((e, i) => `${i + 1}=${e.code ?? e.signal}`).join(" ")}`);
  return clean ? 0 : 1;
}

process.exitCode = await main();
