import { freePort } from "./ports.ts";
import { spawnTs, type ManagedProcess } from "./process.ts";
import { waitFor } from "./waitFor.ts";

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
  /** Extra environment for the server (PORT, HOST and CLIENT_DIR are set unless given here). */
  env?: Record<string, string | undefined>;
  /** How long to wait for /health (default 30 s: tsx compiles on first start). */
  timeoutMs?: number;
  /** Echo the server's output while it runs. */
  echo?: boolean;
  /** Entry point relative to the repo root (default server/main.ts). */
  entry?: string;
}

/** Polls GET <httpUrl>/health until it answers 200 and says it is ready ({ready: true}, or {ok: true}). */
export async function waitForHealth(httpUrl: string, timeoutMs: number, alive?: () => boolean): Promise<void> {
  let last = "no answer yet";
  await waitFor(async () => {
    if (alive && !alive()) throw new Error("the server process exited");
    try {
      const response = await fetch(`${httpUrl}/health`, { signal: AbortSignal.timeout(2000) });
      const body = await response.text();
      last = `${response.status} ${body}`;
      if (!response.ok) return false;
      const health = JSON.parse(body) as { ok?: unknown; ready?: unknown };
      return health.ready === true || health.ok === true;
    } catch (error) {
      if (alive && !alive()) throw error;
      last = error instanceof Error ? error.message : String(error);
      return false;
    }
  }, { timeoutMs, intervalMs: 100, message: `${httpUrl}/health`, describe: () => last });
}

/**
 * Spawns the real game server (`node --import tsx server/main.ts`) on a free port bound to
 * 127.0.0.1 and waits until /health answers. Retries on a fresh port if the chosen one was
 * taken in the meantime. Always stop() it (in afterAll), even when the test failed.
 */
export async function startServerProcess(options: StartServerOptions = {}): Promise<ServerProcess> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const proc = spawnTs(options.entry ?? "server/main.ts", [], {
      name: `server:${port}`,
      echo: options.echo,
      env: { PORT: String(port), HOST: "127.0.0.1", CLIENT_DIR: "", REDIS_URL: undefined, ...options.env },
    });
    const httpUrl = `http://127.0.0.1:${port}`;
    try {
      await waitForHealth(httpUrl, timeoutMs, () => !proc.hasExited);
      return { proc, port, httpUrl, wsUrl: `ws://127.0.0.1:${port}`, stop: (graceMs) => proc.stop(graceMs) };
    } catch (error) {
      await proc.stop(2000);
      lastError = new Error(`server on port ${port} did not become healthy: ${(error as Error).message}\n${proc.tail()}`);
      if (!/EADDRINUSE/.test(proc.output)) break;
    }
  }
  throw lastError;
}
