import { execFileSync } from "node:child_process";
import os from "node:os";
import { ArgsError, numberInRange, readFlags } from "../../kit/args.ts";
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

export const USAGE = `Usage: npm run bench -- [options]
  --sizes <n,n,...>      tadpoles in the pond per run (default 100,250,500,1000)
  --interest <modes>     on | off | const | both (= on,off) | all (= on,off,const); comma lists allowed (default all)
  --seconds <s>          measurement window per run (default 30)
  --spread <s>           longest spread-out phase before measuring (default 20)
  --join-concurrency <n> joins in flight per worker (default 8)
  --no-pin               do not pin the server to CPU 0 and the bot workers to the other CPUs
                         (by default they are pinned with taskset when there are 2 or more CPUs)
  --no-model             skip the in-process tick model (the tick without sockets, timed first)
  --model-only           run only the in-process tick model
  --max-server-rss <MB>  abort a run when the server's memory passes this (default 4096)
  --cpu-prof <dir>       profile the server of each run (its join phase and its measured window) into
                         <dir> and print where its CPU went (scripts/bench/profile.ts)
  --no-write             write neither docs/benchmarks/load.md (between its bench markers) nor the raw
                         results in docs/benchmarks/load.json: for a check on a busy machine
  --food <n>             specks of food in the pond, live and in the model (default 2000, the server's; 0 for none)
  --label <text>         a note shown above the results in the doc
  --help`;

const text = { type: "string" } as const;
const on = { type: "boolean" } as const;
const FLAGS = {
  sizes: text, interest: text, seconds: { type: "number", min: 2, max: 3600 }, spread: { type: "number", min: 0, max: 600 },
  "join-concurrency": { type: "number", min: 1, max: 256, integer: true },
  "max-server-rss": { type: "number", min: 64, max: 1 << 20, integer: true }, food: { type: "number", min: 0, max: 60_000, integer: true },
  "cpu-prof": text, label: text,
  "no-pin": on, "no-model": on, "model-only": on, "no-write": on, help: { type: "boolean", short: "h" },
} as const;

export function parseBenchArgs(argv: readonly string[]) {
  const f = readFlags(argv, FLAGS);
  return {
    sizes: f.sizes?.split(",").map((s) => numberInRange("--sizes", s, 2, 5000, true)) ?? [100, 250, 500, 1000],
    modes: parseModes(f.interest ?? "all"),
    seconds: f.seconds ?? 30,
    spreadSeconds: f.spread ?? 20,
    joinConcurrency: f["join-concurrency"] ?? 8,
    pin: !f["no-pin"] && canPin(),
    model: !f["no-model"],
    modelOnly: f["model-only"] ?? false,
    maxServerRssMb: f["max-server-rss"] ?? 4096,
    cpuProf: f["cpu-prof"] ?? "",
    write: !f["no-write"],
    food: f.food ?? DEFAULT_FOOD_COUNT,
    label: f.label ?? "",
    help: f.help ?? false,
    // Fixed: what the report and docs/benchmarks/load.md describe.
    workers: 4, frameHz: 30, tickRate: 20, targetView: 40, seed: 1,
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
