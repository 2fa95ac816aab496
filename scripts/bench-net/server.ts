import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A TCP port free on 127.0.0.1 right now (the server binds it a moment later; we retry on a clash). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error("no port"))));
    });
  });
}

/**
 * The real game server, `npx tsx server/main.ts`, on 127.0.0.1 and a free port, serving no page,
 * in its own process group so stop() takes npx, tsx and node down together.
 */
export class GameServer {
  readonly wsUrl: string;
  readonly httpUrl: string;
  private output = "";
  private exited = false;
  private readonly exit: Promise<void>;

  private constructor(readonly child: ChildProcess, readonly port: number) {
    this.wsUrl = `ws://127.0.0.1:${port}`;
    this.httpUrl = `http://127.0.0.1:${port}`;
    const keep = (chunk: Buffer) => { this.output = (this.output + chunk.toString("utf8")).slice(-10_000); };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.exit = new Promise((resolve) => child.once("exit", () => { this.exited = true; resolve(); }));
  }

  static async start(env: Record<string, string> = {}, timeoutMs = 60_000): Promise<GameServer> {
    let last: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "warn", ...env, PORT: String(port), HOST: "127.0.0.1", CLIENT_DIR: "" };
      delete childEnv.REDIS_URL;
      const child = spawn("npx", ["tsx", "server/main.ts"], { cwd: REPO_ROOT, env: childEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
      const server = new GameServer(child, port);
      try {
        await server.waitHealthy(timeoutMs);
        return server;
      } catch (error) {
        last = new Error(`server did not start: ${(error as Error).message}\n${server.output.slice(-2000)}`);
        await server.stop();
        if (!/EADDRINUSE/.test(server.output)) break;
      }
    }
    throw last;
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen = "no answer";
    while (Date.now() < deadline) {
      if (this.exited) throw new Error("the server process exited");
      try {
        const response = await fetch(`${this.httpUrl}/health`, { signal: AbortSignal.timeout(2000) });
        seen = `${response.status}`;
        if (response.ok) return;
      } catch (error) {
        seen = (error as Error).message;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`/health did not answer within ${timeoutMs} ms (${seen})`);
  }

  /** SIGTERM to the whole group, SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited || this.child.pid === undefined) return;
    const group = -this.child.pid;
    try { process.kill(group, "SIGTERM"); } catch { /* gone */ }
    const timer = setTimeout(() => { try { process.kill(group, "SIGKILL"); } catch { /* gone */ } }, graceMs);
    await this.exit;
    clearTimeout(timer);
  }
}
