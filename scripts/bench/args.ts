import { execFileSync } from "node:child_process";
import os from "node:os";
import { DEFAULT_FOOD_COUNT } from "../../shared/growth.ts";
import { ArgsError, numberInRange, readFlags } from "../../kit/args.ts";
/** Command line of `npm run bench` (scripts/bench.ts). */

/**
 * - `on`: interest management at the server's view radius (VIEW_RADIUS, default 1200);
 * - `off`: INTEREST=off, every client receives every tadpole (the baseline);
 * - `const`: interest on with the view radius scaled per size so that, spread evenly over the
 *   pond, about --target-view tadpoles are in view (constant density as the crowd grows).
 */
export type Mode = "on" | "off" | "const";

/** The options of a run, as parsed from the command line (USAGE says what each one does). */
export type BenchArgs = ReturnType<typeof parseBenchArgs>;

export const USAGE = `Usage: npm run bench -- [options]
  --sizes <n,n,...>      tadpoles in the pond per run (default 100,250,500,1000)
  --interest <modes>     on | off | const | both (= on,off) | all (= on,off,const); comma lists allowed (default all)
  --seconds <s>          measurement window per run (default 30)
  --spread <s>           longest spread-out phase before measuring (default 20)
  --workers <n>          bot worker processes (default 4)
  --frame-hz <n>         each worker's frame timer, 20..60 (default 30)
  --tick-rate <n>        server TICK_RATE (default 20)
  --view-radius <n>      server VIEW_RADIUS for mode on (default: the server's, 1200)
  --target-view <n>      tadpoles in view that mode const aims at (default 40)
  --decode <how>         full: every bot runs PondConnection and decodes; raw: only a sample does, the
                         others count patches without decoding; auto (default): full while the bots'
                         decode work fits a budget, else a sample
  --sample <n>           decoding bots when not all decode (default: as many as the budget allows, 8+)
  --ws <impl>            the bots' WebSocket: ws (the package; default) or native (Node's built-in)
  --join-concurrency <n> joins in flight per worker (default 8)
  --pin / --no-pin       pin the server to CPU 0 and the bot workers to the other CPUs with taskset
                         (default: pin when there are 2 or more CPUs and taskset exists)
  --no-model             skip the in-process tick model (the tick without sockets, timed first)
  --model-only           run only the in-process tick model
  --max-server-rss <MB>  abort a run when the server's memory passes this (default 4096)
  --cpu-prof <dir>       profile the server of each run (its join phase and its measured window) into
                         <dir> and print where its CPU went (scripts/bench/profile.ts)
  --doc <path>           markdown file to update between <!-- bench:begin --> and <!-- bench:end -->
                         (default docs/benchmarks/load.md; "" for none)
  --json <path>          raw results (default docs/benchmarks/load.json; "" for none)
  --no-write             write neither the doc nor the JSON (= --doc "" --json ""): for a check on a busy machine
  --from-json <path>     print the tables and rewrite the doc from a saved results file, without running
  --seed <int>           seed for the bots' targets (default 1)
  --food <n>             specks of food in the pond, live and in the model (default 2000, the server's; 0 for none)
  --label <text>         a note shown above the results in the doc
  --help`;

function canPin(): boolean {
  if (os.availableParallelism() < 2 || process.platform !== "linux") return false;
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const int = (min: number, max: number) => ({ type: "number", min, max, integer: true }) as const;
const text = { type: "string" } as const;
const on = { type: "boolean" } as const;
const FLAGS = {
  sizes: text, interest: text, seconds: { type: "number", min: 2, max: 3600 }, spread: { type: "number", min: 0, max: 600 },
  workers: int(1, 32), "frame-hz": int(20, 60), "tick-rate": int(1, 120), "view-radius": int(100, 10_000),
  "target-view": int(1, 1000), decode: text, ws: text, sample: int(1, 5000), "join-concurrency": int(1, 256),
  "max-server-rss": int(64, 1 << 20), doc: text, "cpu-prof": text, json: text, "from-json": text, label: text,
  seed: int(0, 2 ** 32 - 1), food: int(0, 60_000),
  pin: on, "no-pin": on, "no-model": on, "model-only": on, "no-write": on, help: { type: "boolean", short: "h" },
} as const;

export function parseBenchArgs(argv: readonly string[]) {
  const f = readFlags(argv, FLAGS);
  const write = !f["no-write"];
  return {
    sizes: f.sizes?.split(",").map((s) => numberInRange("--sizes", s, 2, 5000, true)) ?? [100, 250, 500, 1000],
    modes: parseModes(f.interest ?? "all"),
    seconds: f.seconds ?? 30,
    spreadSeconds: f.spread ?? 20,
    workers: f.workers ?? 4,
    frameHz: f["frame-hz"] ?? 30,
    tickRate: f["tick-rate"] ?? 20,
    viewRadius: f["view-radius"],
    targetView: f["target-view"] ?? 40,
    decode: oneOf("--decode", f.decode ?? "auto", ["full", "raw", "auto"] as const),
    sample: f.sample,
    ws: oneOf("--ws", f.ws ?? "ws", ["ws", "native"] as const),
    joinConcurrency: f["join-concurrency"] ?? 8,
    pin: f["no-pin"] ? false : f.pin || canPin(),
    model: !f["no-model"],
    modelOnly: f["model-only"] ?? false,
    maxServerRssMb: f["max-server-rss"] ?? 4096,
    doc: write ? f.doc ?? "docs/benchmarks/load.md" : "",
    json: write ? f.json ?? "docs/benchmarks/load.json" : "",
    cpuProf: f["cpu-prof"] ?? "",
    fromJson: f["from-json"] ?? "",
    seed: f.seed ?? 1,
    food: f.food ?? DEFAULT_FOOD_COUNT,
    label: f.label ?? "",
    help: f.help ?? false,
  };
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new ArgsError(`${flag} must be ${allowed.join(", ")}, got "${value}"`);
  return value as T;
}

function parseModes(text: string): Mode[] {
  const modes: Mode[] = [];
  for (const part of text.split(",").map((s) => s.trim())) {
    const expanded: Mode[] = part === "both" ? ["on", "off"] : part === "all" ? ["on", "off", "const"]
      : part === "on" || part === "off" || part === "const" ? [part] : [];
    if (expanded.length === 0) throw new ArgsError(`--interest takes on, off, const, both or all, got "${part}"`);
    for (const m of expanded) if (!modes.includes(m)) modes.push(m);
  }
  return modes;
}
