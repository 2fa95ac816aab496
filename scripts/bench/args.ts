import { execFileSync } from "node:child_process";
import os from "node:os";
import { ArgsError, numberInRange, readFlags, usage } from "../../kit/args.ts";
import { DEFAULT_FOOD_COUNT } from "../../shared/growth.ts";

/** Command line of `npm run bench` (scripts/bench.ts). */

/**
 * - `on`: interest management at the server's view radius (VIEW_RADIUS, default 1200);
 * - `off`: INTEREST=off, every client receives every tadpole (the baseline);
 * - `const`: interest on with the view radius scaled per size so that, spread evenly over the
 *   pond, about `targetView` tadpoles are in view (constant density as the crowd grows).
 */
export type Mode = "on" | "off" | "const";

export type BenchArgs = ReturnType<typeof parseBenchArgs>;

const FLAGS = {
  sizes: { type: "string", arg: "n,n,...", default: "100,250,500,1000", help: "tadpoles in the pond per run" },
  interest: { type: "string", arg: "modes", default: "all", help: "on | off | const | both (= on,off) | all (= on,off,const); comma lists allowed" },
  seconds: { type: "number", min: 2, max: 3600, arg: "s", default: 30, help: "measurement window per run" },
  spread: { type: "number", min: 0, max: 600, arg: "s", default: 20, help: "longest spread-out phase before measuring" },
  "join-concurrency": { type: "number", min: 1, max: 256, integer: true, default: 8, help: "joins in flight per worker" },
  "frame-hz": { type: "number", min: 20, max: 60, integer: true, arg: "Hz", default: 30, help: "the bots' frame timer (a browser draws at 60; 30 leaves the bots' core room for 1,000)" },
  "no-pin": { type: "boolean", help: "do not pin the server to CPU 0 and the bot workers to the others (pinned with taskset when there are 2+ CPUs)" },
  "no-model": { type: "boolean", help: "skip the in-process tick model (the tick without sockets, timed first)" },
  "model-only": { type: "boolean", help: "run only the in-process tick model" },
  "max-server-rss": { type: "number", min: 64, max: 1 << 20, integer: true, arg: "MB", default: 4096, help: "abort a run when the server's memory passes this" },
  "cpu-prof": { type: "string", arg: "dir", help: "profile each run's server (its joins and its window) into <dir> and print where its CPU went (scripts/bench/profile.ts)" },
  "no-write": { type: "boolean", help: "write neither docs/benchmarks/load.md (between its bench markers) nor docs/benchmarks/load.json: for a check on a busy machine" },
  food: { type: "number", min: 0, max: 60_000, integer: true, default: DEFAULT_FOOD_COUNT, help: "specks of food in the pond, live and in the model; 0 for none" },
  label: { type: "string", arg: "text", help: "a note shown above the results in the doc" },
} as const;
export const USAGE = usage("npm run bench -- [options]", FLAGS);

export function parseBenchArgs(argv: readonly string[]) {
  const f = readFlags(argv, FLAGS);
  return {
    sizes: f.sizes.split(",").map((s) => numberInRange("--sizes", s, 2, 5000, true)),
    modes: parseModes(f.interest),
    seconds: f.seconds,
    spreadSeconds: f.spread,
    joinConcurrency: f["join-concurrency"],
    frameHz: f["frame-hz"],
    pin: !f["no-pin"] && canPin(),
    model: !f["no-model"],
    modelOnly: f["model-only"] ?? false,
    maxServerRssMb: f["max-server-rss"],
    cpuProf: f["cpu-prof"] ?? "",
    write: !f["no-write"],
    food: f.food,
    label: f.label ?? "",
    // Fixed: what the report and docs/benchmarks/load.md describe.
    workers: 4, tickRate: 20, targetView: 40, seed: 1,
  };
}

/** What each word of --interest stands for. */
const MODES = new Map<string, Mode[]>([["on", ["on"]], ["off", ["off"]], ["const", ["const"]], ["both", ["on", "off"]], ["all", ["on", "off", "const"]]]);

function parseModes(list: string): Mode[] {
  return [...new Set(list.split(",").map((s) => s.trim()).flatMap((part) => {
    const modes = MODES.get(part);
    if (!modes) throw new ArgsError(`--interest takes on, off, const, both or all, got "${part}"`);
    return modes;
  }))];
}

/** Pinning needs 2+ CPUs, Linux and taskset. */
function canPin(): boolean {
  if (os.availableParallelism() < 2 || process.platform !== "linux") return false;
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
