import { fileURLToPath } from "node:url";
import type { FromWorker, ToWorker, WorkerInit } from "./protocol.ts";
import { ManagedProcess } from "../../kit/process.ts";
import { delay } from "../../kit/waitFor.ts";

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));

type Reply<T extends FromWorker["type"]> = Extract<FromWorker, { type: T }>;

/** One bot worker process (the kit's launcher, with an IPC channel) and a request/reply helper over it. */
export class BotWorker {
  private readonly waiting: Array<{ type: FromWorker["type"]; resolve: (m: FromWorker) => void; reject: (e: Error) => void }> = [];
  private readonly proc: ManagedProcess;
  readonly errors: string[] = [];

  constructor(readonly id: number, cpus: string | undefined, env: Record<string, string> = {}) {
    // taskset wraps node when pinning (the IPC channel's descriptor survives its exec).
    const node = [process.execPath, "--import", "tsx", WORKER];
    const [command, ...args] = cpus ? ["taskset", "-c", cpus, ...node] : node;
    this.proc = new ManagedProcess(command, args, { name: `bot worker ${id}`, env, ipc: true, keepChars: 10_000 });
    this.proc.child.on("message", (message: FromWorker) => this.onMessage(message));
    void this.proc.exited.then(() => {
      for (const w of this.waiting.splice(0)) w.reject(new Error(`bot worker ${id} exited:\n${this.tail()}`));
    });
  }

  tail(chars = 2000): string {
    return this.proc.tail(chars);
  }

  /** Sends `message` and resolves with the worker's next reply of type `reply`. */
  request<T extends FromWorker["type"]>(message: ToWorker, reply: T, timeoutMs: number): Promise<Reply<T>> {
    if (this.proc.hasExited) return Promise.reject(new Error(`bot worker ${this.id} has exited:\n${this.tail()}`));
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
      this.proc.child.send(message);
    });
  }

  init(init: WorkerInit): Promise<Reply<"ready">> {
    return this.request(init, "ready", 60_000);
  }

  /** Asks the worker to leave and exit; kills it if it has not within `graceMs`. */
  async stop(graceMs = 8000): Promise<void> {
    if (this.proc.hasExited) return;
    try { this.proc.child.send({ type: "stop" } satisfies ToWorker); } catch { /* channel gone */ }
    const gone = await Promise.race([this.proc.exited.then(() => true), delay(graceMs).then(() => false)]);
    if (!gone) {
      this.proc.signal("SIGKILL");
      await Promise.race([this.proc.exited, delay(3000)]);
    }
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
