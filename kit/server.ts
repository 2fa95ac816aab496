import { freePort } from "./ports.ts";
import { ManagedProcess } from "./process.ts";
import { waitFor } from "./waitFor.ts";

type Env = Record<string, string | undefined>;

/** The real game server in a process of its own, on 127.0.0.1. */
export interface ServerProcess {
  proc: ManagedProcess;
  port: number;
  /** http://127.0.0.1:<port> */
  httpUrl: string;
  /** ws://127.0.0.1:<port> */
  wsUrl: string;
  /** SIGTERM (then SIGKILL after the grace period); resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartServerOptions {
  /**
   * Extra environment (PORT, HOST, CLIENT_DIR and REDIS_URL are set unless given here); a function
   * gets the port chosen (e.g. to advertise it, or a proxy in front of it).
   */
  env?: Env | ((port: number) => Env | Promise<Env>);
  /** How long to wait for /health (default 30 s: tsx compiles on first start). */
  timeoutMs?: number;
  /** Echo the server's output while it runs. */
  echo?: boolean;
  /** Entry point relative to the repo root (default server/main.ts). */
  entry?: string;
  /** Listen on this port (no retry); default: a free one, retried on EADDRINUSE. */
  port?: number;
  /** Node flags before the entry point (the benchmarks pass production's, SERVER_NODE_FLAGS). */
  nodeFlags?: string[];
  /** CPUs to pin the server to (taskset -c), or undefined to let the OS schedule it. */
  cpus?: string;
  /** Called with every chunk of the server's output as it arrives. */
  onOutput?: (text: string) => void;
  /** Label in error messages (default "server"). */
  name?: string;
}

/**
 * Node flags the server runs with in production (deploy/Dockerfile, deploy/systemd): a 1 GB cap
 * on V8's old generation. Far above what a full process holds (~50 MB of live objects at 1,000
 * players), and below the 2 GB from which V8 lets the heap grow to 4 times what survived the
 * last full collection before the next one: with it, the garbage of a busy tick loop is collected
 * at under twice the live size, and the process stays ~90 MB smaller at 1,000 players
 * (docs/benchmarks/load.md, "Memory").
 */
export const SERVER_NODE_FLAGS = ["--max-old-space-size=1024"];

/**
 * Polls GET <httpUrl>/health until it answers 200 and says it is ready ({ready: true}, or {ok: true}).
 * With `pid`, only that process's answer counts: a port picked free can be taken by another
 * server before ours binds it, and that one would answer for ours (ours then fails EADDRINUSE).
 */
export async function waitForHealth(httpUrl: string, timeoutMs: number, alive?: () => boolean, pid?: number): Promise<void> {
  let last = "no answer yet";
  await waitFor(async () => {
    if (alive && !alive()) throw new Error("the server process exited");
    try {
      const response = await fetch(`${httpUrl}/health`, { signal: AbortSignal.timeout(2000) });
      const body = await response.text();
      last = `${response.status} ${body}`;
      if (!response.ok) return false;
      const health = JSON.parse(body) as { ok?: unknown; ready?: unknown; pid?: unknown };
      if (pid !== undefined && health.pid !== pid) {
        last = `another process (pid ${String(health.pid)}) answers there, not ours (pid ${pid})`;
        return false;
      }
      return health.ready === true || health.ok === true;
    } catch (error) {
      if (alive && !alive()) throw error;
      last = error instanceof Error ? error.message : String(error);
      return false;
    }
  }, { timeoutMs, intervalMs: 100, message: `${httpUrl}/health`, describe: () => last });
}

/**
 * Spawns the real game server (`node --import tsx server/main.ts`) on a free loopback port, in
 * its own process group, and waits until /health says ready. Retries on a fresh port if the
 * chosen one was taken in the meantime. Always stop() it, even when the caller failed.
 */
export async function startServer(options: StartServerOptions = {}): Promise<ServerProcess> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const label = options.name ?? "server";
  let lastError: unknown;
  for (let attempt = 0; attempt < (options.port ? 1 : 3); attempt++) {
    const port = options.port ?? (await freePort());
    const node = [process.execPath, ...(options.nodeFlags ?? []), "--import", "tsx", options.entry ?? "server/main.ts"];
    const [command, ...args] = options.cpus ? ["taskset", "-c", options.cpus, ...node] : node;
    const env = typeof options.env === "function" ? await options.env(port) : options.env;
    const proc = new ManagedProcess(command, args, {
      name: `${label}:${port}`,
      echo: options.echo,
      onOutput: options.onOutput,
      env: { PORT: String(port), HOST: "127.0.0.1", CLIENT_DIR: "", REDIS_URL: undefined, ...env },
    });
    const httpUrl = `http://127.0.0.1:${port}`;
    try {
      await waitForHealth(httpUrl, timeoutMs, () => !proc.hasExited, proc.pid);
      return { proc, port, httpUrl, wsUrl: `ws://127.0.0.1:${port}`, stop: (graceMs) => proc.stop(graceMs) };
    } catch (error) {
      await proc.stop(2000);
      lastError = new Error(`${label} on port ${port} did not become healthy: ${(error as Error).message}\n${proc.tail()}`);
      if (!/EADDRINUSE/.test(proc.output)) break;
    }
  }
  throw lastError;
}
