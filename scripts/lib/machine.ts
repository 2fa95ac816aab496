import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";

/** The machine and checkout a benchmark ran on, as every report states them. */
export function describeMachine() {
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    commit: commit(),
    /** CPUs this process may use (what `nproc` counts). */
    cpus: os.availableParallelism(),
    cpuModel: cpuModel(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverage: loadAverage(),
  };
}
export type Machine = ReturnType<typeof describeMachine>;

/** The machine in one line of a report. */
export const machineText = (m: Machine): string => `${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGb} GB, ${m.platform}; Node ${m.node}`;

/** The 1, 5 and 15 minute load averages, to two decimals. */
export const loadAverage = (): number[] => os.loadavg().map((l) => Math.round(l * 100) / 100);

function cpuModel(): string {
  try {
    return /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown";
  } catch {
    return os.cpus()[0]?.model ?? "unknown";
  }
}

/** HEAD's short hash, marked when tracked files have changes; "unknown" outside a checkout. */
function commit(): string {
  const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    return git("rev-parse", "--short", "HEAD") + (git("status", "--porcelain", "--untracked-files=no") ? " (with uncommitted changes)" : "");
  } catch {
    return "unknown";
  }
}
