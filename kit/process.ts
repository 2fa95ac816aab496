import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { waitFor, withTimeout } from "./waitFor.ts";

/** The repository root (kit/..). */
export const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));

export interface SpawnOptions {
  /** Extra environment (merged over process.env; a value of undefined removes the key). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Label used in error messages and echoed output. */
  name?: string;
  /** Echo the child's output to this process's stderr as it arrives (debugging). */
  echo?: boolean;
  /** How much output to keep (characters, default 200 000). */
  keepChars?: number;
  /** Let the child write to this process's stdout and stderr instead of capturing them. */
  inherit?: boolean;
  /** Called with every chunk of output as it arrives (e.g. to count error lines). */
  onOutput?: (text: string) => void;
  /** Open an IPC channel to a Node child (child.send / "message"), as fork() does. */
  ipc?: boolean;
}

/**
 * A child process whose output is captured, with deadline-bound waits and a kill that does not
 * leave grandchildren behind (the child leads its own process group).
 */
export class ManagedProcess {
  readonly child: ChildProcess;
  readonly name: string;
  private out = "";
  /** Bytes printed since the start (stdout and stderr), however much of it `output` still keeps. */
  printedBytes = 0;
  private readonly keepChars: number;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Resolves when the process has exited (or could not start). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(command: string, args: string[], options: SpawnOptions = {}) {
    this.name = options.name ?? command;
    this.keepChars = options.keepChars ?? 200_000;
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [key, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    this.child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env,
      stdio: ["ignore", options.inherit ? "inherit" : "pipe", options.inherit ? "inherit" : "pipe", ...(options.ipc ? ["ipc" as const] : [])],
      detached: true,
    });
    live.add(this);
    const append = (chunk: Buffer) => {
      this.printedBytes += chunk.length;
      const text = chunk.toString("utf8");
      if (options.echo) process.stderr.write(`[${this.name}] ${text}`);
      options.onOutput?.(text);
      this.out += text;
      if (this.out.length > this.keepChars) this.out = this.out.slice(-this.keepChars);
    };
    this.child.stdout?.on("data", append);
    this.child.stderr?.on("data", append);
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exitInfo = { code, signal };
        live.delete(this);
        resolve(this.exitInfo);
      });
      this.child.once("error", (error) => {
        this.out += `\n[spawn error] ${error.message}\n`;
        this.exitInfo = { code: null, signal: null };
        live.delete(this);
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Everything the process printed so far (stdout and stderr interleaved). */
  get output(): string {
    return this.out;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  get exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exitInfo;
  }

  /** Resolves when the process exits (or rejects after `timeoutMs`). */
  waitForExit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return withTimeout(this.exited, timeoutMs, `${this.name} to exit; output:\n${this.tail()}`);
  }

  /** Waits until the output matches `pattern` (returns the match); fails early if the process exits. */
  async waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return waitFor(() => {
      const match = this.out.match(pattern);
      if (match) return match;
      if (this.hasExited) throw new ExitedError(this);
      return null;
    }, { timeoutMs, message: `${this.name} to print ${pattern}`, describe: () => this.tail() }).catch((error) => {
      if (this.hasExited && !pattern.test(this.out)) throw new ExitedError(this);
      throw error;
    });
  }

  /** The last lines of output, for error messages. */
  tail(chars = 3000): string {
    return this.out.slice(-chars);
  }

  /** Sends `signal` to the whole process group (no-op once exited). */
  signal(signal: NodeJS.Signals): void {
    if (this.hasExited || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      try { this.child.kill(signal); } catch { /* already gone */ }
    }
  }

  /** SIGTERM, then SIGKILL if it is still alive after `graceMs`. Resolves once it has exited. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.hasExited) return;
    this.signal("SIGTERM");
    try {
      await this.waitForExit(graceMs);
    } catch {
      this.signal("SIGKILL");
      await this.waitForExit(5000).catch(() => undefined);
    }
  }
}

class ExitedError extends Error {
  constructor(proc: ManagedProcess) {
    const exit = proc.exit;
    super(`${proc.name} exited (code ${exit?.code}, signal ${exit?.signal}) before the expected output; output:\n${proc.tail()}`);
  }
}

/** Every process still running, so a crashing test run still kills them. */
const live = new Set<ManagedProcess>();
process.once("exit", () => {
  for (const proc of live) proc.signal("SIGKILL");
});

/** Runs a TypeScript entry point with the repository's Node and the tsx loader. */
export function spawnTs(entry: string, args: string[], options: SpawnOptions = {}): ManagedProcess {
  return new ManagedProcess(process.execPath, ["--import", "tsx", entry, ...args], { name: entry, ...options });
}

/** Stops every process spawned through these helpers that is still running. */
export async function stopAll(graceMs = 5000): Promise<void> {
  await Promise.all([...live].map((proc) => proc.stop(graceMs)));
}
