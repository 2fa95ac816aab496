import { SERVER_NODE_FLAGS, startServer, type ServerProcess } from "../../kit/server.ts";
import { parseMetrics, type Scrape } from "../bench/prometheus.ts";

export interface BenchServerOptions {
  /** Merged over this process's environment; undefined removes a variable (e.g. REDIS_URL). */
  env: Record<string, string | undefined>;
  /** CPUs to pin the server to (taskset -c), or undefined to let the OS schedule it. */
  cpus?: string;
  /** How long to wait for /health to report ready (ms). */
  startTimeoutMs?: number;
}

/**
 * The kit's server process run with production's Node flags (as the Dockerfile and the systemd
 * unit run it), plus the HTTP reads the load and network benchmarks make of it.
 */
export class BenchServer {
  private constructor(private readonly server: ServerProcess) {}

  static async start(options: BenchServerOptions): Promise<BenchServer> {
    return new BenchServer(await startServer({
      env: options.env, cpus: options.cpus, timeoutMs: options.startTimeoutMs, nodeFlags: SERVER_NODE_FLAGS,
    }));
  }

  get httpUrl(): string { return this.server.httpUrl; }
  get wsUrl(): string { return this.server.wsUrl; }
  get pid(): number { return this.server.proc.pid!; }
  get alive(): boolean { return !this.server.proc.hasExited; }
  tail(chars = 3000): string { return this.server.proc.tail(chars); }
  stop(graceMs = 5000): Promise<void> { return this.server.stop(graceMs); }

  async metrics(): Promise<Scrape> {
    return parseMetrics(await this.request("GET", "/metrics", 10_000).then((r) => r.text()));
  }

  async json<T>(path: string): Promise<T | undefined> {
    const response = await fetch(`${this.httpUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    return (await response.json()) as T;
  }

  /** POSTs to a debug hook and answers its JSON (throws unless 2xx). */
  async post(path: string): Promise<unknown> {
    return (await this.request("POST", path, 60_000)).json();
  }

  private async request(method: string, path: string, timeoutMs: number): Promise<Response> {
    const response = await fetch(`${this.httpUrl}${path}`, { method, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    return response;
  }
}
