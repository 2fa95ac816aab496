import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FromWorker, ToWorker, WorkerInit } from "./protocol.ts";
import { REPO_ROOT } from "../../kit/process.ts";
import { delay } from "../../kit/waitFor.ts";

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));

type Reply<T extends FromWorker["type"]> = Extract<FromWorker, { type: T }>;

/** One bot worker process and a request/reply helper over its IPC channel. */
export class BotWorker {
  private readonly waiting: Array<{ type: FromWorker["type"]; resolve: (m: FromWorker) => void; reject: (e: Error) => void }> = [];
  private output = "";
  private exited = false;
  readonly errors: string[] = [];
  private readonly exit: Promise<void>;

  constructor(readonly id: number, cpus: string | undefined, env: Record<string, string> = {}) {
    // taskset wraps node when pinning; fork cannot, so pin through the exec path instead.
    this.child = fork(WORKER, [], {
      cwd: REPO_ROOT,
      execPath: cpus ? "taskset" : process.execPath,
      execArgv: cpus ? ["-c", cpus, process.execPath, "--import", "tsx"] : ["--import", "tsx"],
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      detached: true,
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString("utf8")).slice(-10_000);
    };
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", keep);
    this.child.on("message", (message: FromWorker) => this.onMessage(message));
    this.exit = new Promise((resolve) => this.child.once("exit", () => {
      this.exited = true;
      for (const w of this.waiting.splice(0)) w.reject(new Error(`bot worker ${id} exited:\n${this.tail()}`));
      resolve();
    }));
    live.add(this);
  }

  readonly child: ChildProcess;

  tail(chars = 2000): string {
    return this.output.slice(-chars);
  }

  /** Sends `message` and resolves with the worker's next reply of type `reply`. */
  request<T extends FromWorker["type"]>(message: ToWorker, reply: T, timeoutMs: number): Promise<Reply<T>> {
    if (this.exited) return Promise.reject(new Error(`bot worker ${this.id} has exited:\n${this.tail()}`));
    return new Promise<Reply<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new Error(`bot worker ${this.id} did not answer ${message.type} within ${timeoutMs} ms:\n${this.tail()}`));
      }, timeoutMs);
      const entry = {
        type: reply as FromWorker["type"],
        resolve: (m: FromWorker) => { clearTimeout(timer); resolve(m as Reply<T>); },
        reject: (e: Error) => { clearTimeout(timer); reject(e); },
      };
      this.waiting.push(entry);
      this.child.send(message);
    });
  }

  init(init: WorkerInit): Promise<Reply<"ready">> {
    return this.request(init, "ready", 60_000);
  }

  /** Asks the worker to leave and exit; kills it if it has not within `graceMs`. */
  async stop(graceMs = 8000): Promise<void> {
    if (!this.exited) {
      try { this.child.send({ type: "stop" } satisfies ToWorker); } catch { /* channel gone */ }
      const gone = await Promise.race([this.exit.then(() => true), delay(graceMs).then(() => false)]);
      if (!gone) {
        kill(this.child);
        await Promise.race([this.exit, delay(3000)]);
      }
    }
    live.delete(this);
  }

  private onMessage(message: FromWorker): void {
    if (message.type === "error") {
      if (this.errors.length < 20) this.errors.push(message.message);
      return;
    }
    const i = this.waiting.findIndex((w) => w.type === message.type);
    if (i >= 0) this.waiting.splice(i, 1)[0].resolve(message);
  }
}

function kill(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    try { child.kill("SIGKILL"); } catch { /* gone */ }
  }
}

const live = new Set<BotWorker>();
process.once("exit", () => {
  for (const worker of live) kill(worker.child);
});
