import { fileURLToPath } from "node:url";
import { ManagedProcess } from "../../kit/process.ts";
import { withTimeout } from "../../kit/waitFor.ts";
import type { WorkerMethods } from "./worker.ts";

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));

type Result<M extends keyof WorkerMethods> = Awaited<ReturnType<WorkerMethods[M]>>;

/** One bot worker process (the kit's launcher, with an IPC channel), called like a module: `call("join", …)`. */
export class BotWorker {
  private readonly proc: ManagedProcess;
  private readonly waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  /** What the worker reported on its own (a bot's frame threw). */
  readonly errors: string[] = [];

  constructor(readonly id: number, cpus: string | undefined) {
    // taskset wraps node when pinning (the IPC channel's descriptor survives its exec).
    const node = [process.execPath, "--import", "tsx", WORKER];
    const [command, ...args] = cpus ? ["taskset", "-c", cpus, ...node] : node;
    this.proc = new ManagedProcess(command, args, { name: `bot worker ${id}`, ipc: true, keepChars: 10_000 });
    this.proc.child.on("message", (m: { id?: number; result?: unknown; error?: string }) => {
      const waiter = this.waiting.get(m.id ?? -1);
      if (!waiter) {
        if (m.error && this.errors.length < 20) this.errors.push(m.error);
      } else if (m.error !== undefined) waiter.reject(new Error(`bot worker ${id}: ${m.error}`));
      else waiter.resolve(m.result);
    });
    void this.proc.exited.then(() => {
      for (const w of this.waiting.values()) w.reject(new Error(`bot worker ${id} exited:\n${this.proc.tail(2000)}`));
    });
  }

  /** Calls the worker's `method` and resolves with its result, or rejects after `timeoutMs`. */
  async call<M extends keyof WorkerMethods>(method: M, arg: Parameters<WorkerMethods[M]>[0], timeoutMs: number): Promise<Result<M>> {
    if (this.proc.hasExited) throw new Error(`bot worker ${this.id} has exited:\n${this.proc.tail(2000)}`);
    const id = this.nextId++;
    const answer = new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.proc.child.send({ id, method, arg });
    try {
      return (await withTimeout(answer, timeoutMs, `bot worker ${this.id} to answer ${method}`)) as Result<M>;
    } finally {
      this.waiting.delete(id);
    }
  }

  /** Asks the worker to leave and exit; kills it if it has not within `graceMs`. */
  async stop(graceMs = 8000): Promise<void> {
    if (this.proc.hasExited) return;
    try { this.proc.child.send({ id: -1, method: "stop" }); } catch { /* channel gone */ }
    await this.proc.waitForExit(graceMs).catch(() => this.proc.stop(0));
  }
}
