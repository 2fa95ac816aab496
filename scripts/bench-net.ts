/**
 * Netcode benchmark (`npm run bench:net`): how the game feels on a perfect link, a decent one and
 * a bad one. Starts the real server (`node --import tsx server/main.ts` on 127.0.0.1, a free port, no page),
 * then for each link runs scripted swimmers and an observer through the network simulator
 * (client/net/netsim.ts) plus a truth client on a perfect link, frames at 60 fps from one timer,
 * and prints a table that it also writes into docs/benchmarks/net.md between its bench markers
 * (the page's text around them, which says what each column measures, is written by hand).
 * `--help` lists the options.
 */
import { join } from "node:path";
import { fetchMetrics } from "../kit/probes.ts";
import { runLink, type LinkResult, type LinkSpec, type Samples, type TraceSpec } from "./bench-net/measure.ts";
import { pathSvg } from "./bench-net/plot.ts";
import { REPO_ROOT } from "../kit/process.ts";
import { SERVER_NODE_FLAGS, startServer } from "../kit/server.ts";
import { commandLine, readFlags, usage } from "../kit/args.ts";
import { delay } from "../kit/waitFor.ts";
import { describeMachine, machineText } from "./lib/machine.ts";
import { commandText, fixed, writeText } from "./lib/report.ts";
import { writeSections } from "./lib/sections.ts";
import { table, type Column } from "./lib/table.ts";

const LINKS: LinkSpec[] = [
  { name: "perfect", label: "perfect (0 ms)", query: "" },
  { name: "100ms", label: "100 ms ±10 ms", query: "lag=100&jitter=10" },
  { name: "train", label: "60 ms ±20 ms, 2 % loss (phone on a train)", query: "lag=60&jitter=20&loss=0.02" },
  { name: "150ms", label: "150 ms ±30 ms, 5 % loss", query: "lag=150&jitter=30&loss=0.05" },
  { name: "ocean", label: "300 ms ±50 ms (across an ocean)", query: "lag=300&jitter=50" },
];
/** The link whose plot of one remote's path goes into docs/netcode.md, and the swimmer and seconds traced. */
const PLOT_LINK = "150ms";
const TRACE: TraceSpec = { kind: "zigzag", from: 8, to: 14 };

const FLAGS = {
  seconds: { type: "number", min: 0.1, max: 3600, arg: "s", default: 20, help: "frames per link" },
  seed: { type: "number", min: 0, max: 2 ** 32 - 1, integer: true, default: 7, help: "the network simulators' seeds derive from it" },
  links: { type: "string", arg: "a,b,...", default: LINKS.map((l) => l.name).join(","), help: "named links, or ad-hoc ones as netsim queries (lag=80&jitter=40)" },
  "no-write": { type: "boolean", help: "print only: write neither docs/benchmarks/net.md nor the plot" },
  plot: { type: "string", arg: "name", default: "after", help: `the ${PLOT_LINK} link's plot (one remote's true path against what the observer drew) goes to docs/benchmarks/net-path-<name>.svg ("before" was made from the playout before Netcode II); "" for none` },
} as const;
const USAGE = usage("npm run bench:net -- [options]", FLAGS);

const f = fixed;
/** "mean / p99" (or another quantile) of a figure. */
const spread = (x: Samples, digits: number, q = 0.99) => `${f(x.mean(), digits)} / ${f(x.quantile(q), digits)}`;
const link: Column<LinkResult> = { name: "link", cell: (r) => r.link.label };

/** What the player sees, then how the link and the server behaved; docs/benchmarks/net.md says what each column measures. */
const FEEL: Array<Column<LinkResult>> = [
  link,
  { name: "own response, frames (mean / max)", cell: (r) => `${f(r.response.mean(), 2)} / ${f(r.response.max(), 0)}` },
  { name: "prediction error, units (mean / p99)", cell: (r) => spread(r.predictionError, 3) },
  { name: "corrections / min", cell: (r) => f(r.correctionsPerMinute, 1) },
  { name: "remote error, units (mean / p99)", cell: (r) => spread(r.remoteError, 2) },
  { name: "remote jump, units (mean / p99)", cell: (r) => spread(r.remoteJump, 2) },
  { name: "backward steps", cell: (r) => r.backwardSteps },
  { name: "interp. delay, ms", cell: (r) => f(r.delayMs.mean(), 0) },
  { name: "starved frames", cell: (r) => `${f(r.starvedShare * 100, 1)} %` },
];
const LINK: Array<Column<LinkResult>> = [
  link,
  { name: "round trip, ms", cell: (r) => f(r.rttMs.mean(), 0) },
  { name: "input → ack, ms", cell: (r) => f(r.pingMs.mean(), 0) },
  { name: "A's input → B's screen, ms (mean / p95)", cell: (r) => spread(r.reaction, 0, 0.95) },
  { name: "jitter, ms", cell: (r) => f(r.jitterMs.mean(), 1) },
  { name: "patches / s", cell: (r) => f(r.patchesPerSecond.mean(), 1) },
  { name: "bytes / s down", cell: (r) => f(r.bytesPerSecondDown.mean(), 0) },
  { name: "response events (starts / turns)", cell: (r) => `${r.responseEvents.starts} / ${r.responseEvents.turns}` },
  { name: "reaction events", cell: (r) => `${r.reaction.count} (${r.reactionMissed} missed)` },
  { name: "acks checked", cell: (r) => r.predictionError.count },
  { name: "remote samples", cell: (r) => r.remoteFrames },
  { name: "server ticks a moving swimmer stood still", cell: ({ serverStalls: s }) => `${f(s.moving > 0 ? (100 * s.stalled) / s.moving : NaN, 1)} %` },
  { name: "ticks guessed / corrected (mean correction, units)", cell: ({ guesses: g }) => `${g.guessed} / ${g.corrected} (${f(g.correctedUnits / Math.max(1, g.corrected), 2)})` },
];

async function main(): Promise<void> {
  const flags = commandLine("bench:net", USAGE, (argv) => readFlags(argv, FLAGS));
  const { seconds, seed, plot } = flags;
  const wanted = flags.links.split(",");
  // Named links, or ad-hoc ones given as a netsim query ("lag=80&jitter=40").
  const links = wanted.map((w) => LINKS.find((l) => l.name === w) ?? (w.includes("=") ? { name: w, label: w, query: w } : undefined))
    .filter((l): l is LinkSpec => l !== undefined);
  const write = !flags["no-write"];
  if (links.length === 0) throw new Error(USAGE);

  const machine = describeMachine();
  const host = `${machineText(machine)}; load average at start ${machine.loadAverage.join(" ")}`;
  console.log(`bench:net — ${links.length} link(s) × ${seconds} s, seed ${seed}\n${host}`);
  // Quiet logs, and never a Redis from the caller's environment: one standalone server.
  const server = await startServer({ env: { LOG_LEVEL: "warn", REDIS_URL: undefined }, timeoutMs: 60_000, nodeFlags: SERVER_NODE_FLAGS });
  const stop = () => { void server.stop(1000).then(() => process.exit(130)); };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const results: LinkResult[] = [];
  try {
    for (const link of links) {
      console.log(`… ${link.label}`);
      const before = await fetchMetrics(server.httpUrl);
      const result = await runLink(server.wsUrl, link, seconds, seed, link.name === PLOT_LINK ? TRACE : undefined);
      // The room adds its guess counts to /metrics once a second.
      await delay(1100);
      const after = await fetchMetrics(server.httpUrl);
      const delta = (name: string): number => after.sum(name) - before.sum(name);
      result.guesses.guessed = delta("pond_input_guesses_total");
      result.guesses.corrected = delta("pond_input_guess_correction_units_count");
      result.guesses.correctedUnits = delta("pond_input_guess_correction_units_sum");
      results.push(result);
      if (write && link.name === PLOT_LINK && plot !== "") {
        const file = join(REPO_ROOT, `docs/benchmarks/net-path-${plot}.svg`);
        writeText(file, pathSvg(`${link.label}: the ${TRACE.kind} swimmer, ${TRACE.from}–${TRACE.to} s (${plot})`, result.trace));
        console.log(`wrote ${file}`);
      }
    }
  } finally {
    await server.stop();
  }

  const out = [...table(FEEL, results), "", ...table(LINK, results)].join("\n");
  console.log(`\n${out}\n`);
  if (write) {
    writeSections(join(REPO_ROOT, "docs/benchmarks/net.md"), "Netcode benchmark", { "": [`- Command: \`${commandText("bench:net")}\` (scripts/bench-net.ts)`,
      `- Date: ${machine.date}; commit ${machine.commit}`, `- Machine: ${host}`, `- ${seconds} s of frames per link; simulator seeds derived from seed ${seed}`, "", out].join("\n") });
    console.log("wrote docs/benchmarks/net.md");
  }
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
