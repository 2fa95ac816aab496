import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "../../tests/helpers/ports.ts";
import { parseMetrics, type Scrape } from "../bench/prometheus.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Node flags the server runs with in production (deploy/Dockerfile, deploy/systemd): a 1 GB cap
 * on V8's old generation. Far above what a full process holds (~50 MB of live objects at 1,000
 * players), and below the 2 GB from which V8 lets the heap grow to 4 times what survived the
 * last full collection before the next one: with it, the garbage of a busy tick loop is collected
 * at under twice the live size, and the process stays ~90 MB smaller at 1,000 players
 * (docs/benchmarks/load.md, "Memory").
 */
export const SERVER_NODE_FLAGS = ["--max-old-space-size=1024"];

export interface ServerOptions {
  /** Merged over this process's environment; undefined removes a variable (e.g. REDIS_URL). */
  env: Record<string, string | undefined>;
  /** CPUs to pin the server to (taskset -c), or undefined to let the OS schedule it. */
  cpus?: string;
  /** How long to wait for /health to report ready (ms). */
  startTimeoutMs?: number;
}

/**
 * The real game server (`node --max-old-space-size=1024 --import tsx server/main.ts`, as the
 * Dockerfile and the systemd unit run it) on 127.0.0.1 and a free port, in its own process group
 * so a stop takes everything it started with it. The load and network benchmarks both measure
 * through it, so they start the server the same way.
 */
export class ServerProcess {
  readonly httpUrl: string;
  readonly wsUrl: string;
  private output = "";
  private exited = false;
  private readonly exit: Promise<void>;

  private constructor(readonly child: ChildProcess, readonly port: number) {
    this.httpUrl = `http://127.0.0.1:${port}`;
    this.wsUrl = `ws://127.0.0.1:${port}`;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString("utf8")).slice(-20_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.exit = new Promise((resolve) => child.once("exit", () => { this.exited = true; resolve(); }));
  }

  static async start(options: ServerOptions): Promise<ServerProcess> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const [key, value] of Object.entries(options.env)) {
        if (value === undefined) delete env[key];
        else env[key] = value;
      }
      Object.assign(env, { PORT: String(port), HOST: "127.0.0.1", CLIENT_DIR: "" });
      const node = [process.execPath, ...SERVER_NODE_FLAGS, "--import", "tsx", "server/main.ts"];
      const [command, ...args] = options.cpus ? ["taskset", "-c", options.cpus, ...node] : node;
      const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
      const server = new ServerProcess(child, port);
      live.add(server);
      try {
        await server.waitReady(options.startTimeoutMs ?? 30_000);
        return server;
      } catch (error) {
        lastError = error;
        await server.stop();
        if (!/EADDRINUSE/.test(server.output)) break;
      }
    }
    throw lastError;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return !this.exited;
  }

  tail(chars = 3000): string {
    return this.output.slice(-chars);
  }

  async metrics(): Promise<Scrape> {
    const response = await fetch(`${this.httpUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
    return parseMetrics(await response.text());
  }

  async json<T>(path: string): Promise<T | undefined> {
    const response = await fetch(`${this.httpUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    return (await response.json()) as T;
  }

  /** POSTs to a debug hook and answers its JSON (throws unless 2xx). */
  async post(path: string): Promise<unknown> {
    const response = await fetch(`${this.httpUrl}${path}`, { method: "POST", signal: AbortSignal.timeout(60_000) });
    if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
    return response.json();
  }

  /** SIGTERM to the process group, SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.exited) {
      signalGroup(this.child, "SIGTERM");
      const killed = await Promise.race([this.exit.then(() => true), delay(graceMs).then(() => false)]);
      if (!killed) {
        signalGroup(this.child, "SIGKILL");
        await Promise.race([this.exit, delay(5000)]);
      }
    }
    live.delete(this);
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = "no answer yet";
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`the server exited before it was ready:\n${this.tail()}`);
      try {
        const response = await fetch(`${this.httpUrl}/health`, { signal: AbortSignal.timeout(2000) });
        const body = await response.text();
        last = `${response.status} ${body}`;
        if (response.ok && (JSON.parse(body) as { ready?: unknown }).ready === true) return;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      await delay(100);
    }
    throw new Error(`the server was not ready after ${timeoutMs} ms (last: ${last}):\n${this.tail()}`);
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try { child.kill(signal); } catch { /* gone */ }
  }
}

/** Servers still running, killed if the benchmark itself dies. */
const live = new Set<ServerProcess>();
process.once("exit", () => {
  for (const server of live) signalGroup(server.child, "SIGKILL");
});

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
