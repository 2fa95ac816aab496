import { machineText, type Machine } from "../lib/machine.ts";
import { fixed as f, markdownTable } from "../lib/report.ts";
import { table, type Column } from "../lib/table.ts";
import type { BenchArgs } from "./args.ts";
import type { ModelResult } from "./model.ts";
import type { RunResult } from "./run.ts";

/** The tables, goals and doc section of `npm run bench`; docs/benchmarks/load.md says what each column means. */

const modeName = (m: { mode: string }) => (m.mode === "off" ? "off" : m.mode === "const" ? "on, ~const density" : "on");
const radius = (m: { mode: string; viewRadius?: number }) => (m.mode === "off" ? "∞" : String(m.viewRadius ?? 1200));
const both = (a: string, b: string) => `${a} / ${b}`;

type Run = RunResult & { window: NonNullable<RunResult["window"]> };
const measured = (results: RunResult[]): Run[] => results.filter((r): r is Run => r.window !== undefined);

/** The main table: one row per (size, mode). An aborted run shows why, and its joins/s. */
function mainColumns(tickRate: number): Array<Column<Run>> {
  return [
    { name: "tadpoles", cell: (r) => String(r.plan.size) },
    { name: "interest", cell: (r) => modeName(r.plan) },
    { name: "view radius", cell: (r) => radius(r.plan) },
    { name: "in view (avg)", cell: (r) => f(r.window.inView, 1) },
    { name: "tick p50 ms", cell: (r) => f(r.window.tickP50Ms, 2) },
    { name: "tick p99 ms", cell: (r) => f(r.window.tickP99Ms, 2) },
    { name: "server CPU %", cell: (r) => f(r.window.serverCpuPercent) },
    { name: "RSS MB", cell: (r) => f(r.window.rssMb) },
    { name: `patches/s per client (mean / min; goal ${tickRate})`, cell: ({ window: w }) => both(f(w.patchesPerSecond.mean, 1), f(w.patchesPerSecond.min, 1)) },
    { name: "down B/s per client: mean / p95 (mean with WS framing)", cell: ({ window: w }) => `${both(f(w.bytesPerSecond.mean), f(w.bytesPerSecond.p95))} (${f(w.wireBytesPerSecond)})` },
    { name: "radar B/s per client (msgs/s)", cell: ({ window: w }) => `${f(w.radarBytesPerSecond)} (${f(w.radarPerSecond, 2)})` },
    { name: "B per position update", cell: (r) => f(r.window.bytesPerPositionUpdate, 2) },
    { name: "joins/s", cell: (r) => f(r.join?.perSecond) },
  ];
}

export function mainTable(results: RunResult[], tickRate: number): string[] {
  const columns = mainColumns(tickRate);
  const last = columns.length - 1;
  return markdownTable(columns.map((c) => c.name), results.map((r) => columns.map(({ cell }, c) =>
    r.window || c < 3 || c === last ? cell(r as Run) : c === 3 ? `aborted: ${r.aborted ?? "?"}` : "")));
}

/** Supporting numbers: where the time and bytes go, and how healthy the bots were. */
const DETAIL: Array<Column<Run>> = [
  { name: "tadpoles", cell: (r) => String(r.plan.size) },
  { name: "interest", cell: (r) => modeName(r.plan) },
  { name: "decoding bots", cell: ({ window: w }) => `${w.decoders} of ${w.clients}` },
  { name: "tick mean ms", cell: (r) => f(r.window.tickMeanMs, 2) },
  { name: "tick CPU p50 / p99 ms", cell: ({ window: w }) => both(f(w.tickCpuP50Ms, 2), f(w.tickCpuP99Ms, 2)) },
  { name: "step (sim + interest) p50 / p99 ms", cell: ({ window: w }) => both(f(w.stepP50Ms, 2), f(w.stepP99Ms, 2)) },
  { name: "ticks/s", cell: (r) => f(r.window.ticksPerSecond, 1) },
  { name: "patches/s without schema bytes, per client", cell: (r) => f(r.window.emptyPatchesPerSecond, 2) },
  { name: "patch interval p99 / max ms (server clock)", cell: ({ window: w }) => both(f(w.patchIntervalMs.p99), f(w.patchIntervalMs.max)) },
  { name: "server-counted B/s per client", cell: (r) => f(r.window.serverBytesPerClientPerSecond) },
  { name: "ticks guessed per client per s", cell: (r) => f(r.window.guessesPerClientPerSecond, 2) },
  { name: "patch B / body B per position update", cell: ({ window: w }) => both(f(w.patchBytesPerPositionUpdate, 2), f(w.schemaBytesPerPositionUpdate, 2)) },
  { name: "schema changes per position update", cell: (r) => f(r.window.schemaChangesPerPositionUpdate, 3) },
  { name: "enters / leaves per client per s", cell: ({ window: w }) => both(f(w.entersPerSecond, 2), f(w.leavesPerSecond, 2)) },
  { name: "bot CPU % (sum) / loop delay p99 max ms", cell: ({ window: w }) => both(f(w.bots.reduce((n, b) => n + b.cpuPercent, 0)), f(Math.max(...w.bots.map((b) => b.loopDelayP99Ms)), 1)) },
  { name: "join latency p50 / p99 ms", cell: (r) => both(f(r.join?.latencyP50Ms), f(r.join?.latencyP99Ms)) },
  { name: "RSS max MB", cell: (r) => f(r.window.rssMaxMb) },
];
export const detailTable = (results: RunResult[]): string[] => table(DETAIL, measured(results));

/** The in-process tick model: what the tick costs without sockets. */
export function modelTable(models: ModelResult[], tickRate: number): string[] {
  return table<ModelResult>([
    { name: "tadpoles", cell: (m) => String(m.size) },
    { name: "interest", cell: modeName },
    { name: "view radius", cell: radius },
    { name: "in view", cell: (m) => f(m.inView, 1) },
    { name: "move ms", cell: (m) => f(m.moveMs, 2) },
    { name: "interest sweep ms", cell: (m) => f(m.sweepMs, 2) },
    { name: "patch encode ms (all views)", cell: (m) => f(m.encodeMs, 2) },
    { name: "tick p50 / p99 ms", cell: (m) => both(f(m.totalP50Ms, 2), f(m.totalP99Ms, 2)) },
    { name: "CPU ms per tick", cell: (m) => f(m.cpuMs, 2) },
    { name: `schema B/s per client at ${tickRate} Hz (+ 9 B header per patch)`, cell: (m) => `${f(m.bytesPerClientPerTick * tickRate)} (+${9 * tickRate})` },
    { name: "radar B/s per client (build ms, once a second)", cell: (m) => `${f(m.radarBytesPerClientPerSecond)} (${f(m.radarBuildMs, 2)})` },
    { name: "specks of food: eating ms per tick, food B/s per client", cell: (m) => `${f(m.food)}: ${f(m.foodMs, 3)} ms, ${f(m.foodBytesPerClientPerSecond)} B/s` },
  ], models);
}

export type Verdict = { goal: string; status: "met" | "missed" | "not measured"; evidence: string };

/**
 * Downstream per client scaled to exactly `view` tadpoles in view and `tickRate` patches/s: the
 * per-patch overhead (9-byte timing header + 2-byte WebSocket header) stays, the rest of each
 * patch scales with the tadpoles in view. Makes runs with a different in-view count, or a server
 * that fell behind its tick rate, comparable with the goal.
 */
function scaledDownstream({ window: w }: Run, tickRate: number, view = 40): number {
  const perPatch = w.wireBytesPerSecond / w.patchesPerSecond.mean;
  return w.inView > 0 ? ((perPatch - 11) * view / w.inView + 11) * tickRate : NaN;
}

/** The goals, checked against these results (judged at ~40–75 in view: mode const, else on). */
export function verdicts(results: RunResult[], tickRate: number, models: ModelResult[] = []): Verdict[] {
  const ok = measured(results);
  const byMode = (m: string) => ok.filter((r) => r.plan.mode === m).sort((a, b) => a.plan.size - b.plan.size);
  /** The run at `size` (const density first, else interest on), as a list of none or one. */
  const at = (size: number) => [byMode("const").find((r) => r.plan.size === size) ?? byMode("on").find((r) => r.plan.size === size)].filter((r) => r !== undefined);
  const judged = (goal: string, met: boolean, evidence: string): Verdict => ({ goal, status: met ? "met" : "missed", evidence });
  /** Judged from `runs` when there are any, else "not measured" with `none` as the evidence. */
  const over = <T>(goal: string, runs: T[], none: string, met: (r: T[]) => boolean, evidence: (r: T[]) => string): Verdict =>
    runs.length ? judged(goal, met(runs), evidence(runs)) : { goal, status: "not measured", evidence: none };
  const mode = (r: Run) => modeName(r.plan);
  const where = (r: Run) => `${mode(r)}, ${f(r.window.inView, 1)} in view`;
  const minPatches = tickRate * 0.975;
  const out = [
    over(`1,000 tadpoles in one pond: tick p99 < 25 ms, every client ≥ ${f(minPatches, 1)} patches/s, server CPU < 60 %, RSS < 250 MB`, at(1000),
      "no 1,000-tadpole run with interest on",
      ([{ window: w }]) => w.tickP99Ms < 25 && w.patchesPerSecond.min >= minPatches && w.serverCpuPercent < 60 && w.rssMaxMb < 250,
      ([r]) => `${r.plan.size} tadpoles, interest ${where(r)}: tick p99 ${f(r.window.tickP99Ms, 2)} ms; patches/s per client mean ${f(r.window.patchesPerSecond.mean, 1)},`
        + ` min ${f(r.window.patchesPerSecond.min, 1)}; server CPU ${f(r.window.serverCpuPercent)} %; RSS max ${f(r.window.rssMaxMb)} MB`),
    over("500 tadpoles: server CPU < 20 % of one core", at(500), "no 500-tadpole run with interest on",
      ([r]) => r.window.serverCpuPercent < 20, ([r]) => `${f(r.window.serverCpuPercent)} % (${where(r)})`),
    over("1,000 joining at once: all in < 5 s", ok.filter((r) => r.plan.size >= 1000 && r.join), "no 1,000-tadpole run", (runs) => runs.every((r) => r.join!.seconds < 5),
      (runs) => runs.map((r) => `${mode(r)}: ${f(r.join!.seconds, 1)} s (${f(r.join!.perSecond)} joins/s)`).join("; ")),
  ];

  // Judged at exactly 40 in view and the full patch rate (see scaledDownstream), measured figures alongside.
  const constant = byMode("const");
  if (constant.length === 0) out.push({ goal: "per-client downstream < 4 KB/s with ~40 in view, flat from 100 to 1,000", status: "not measured", evidence: "no run in mode const (--interest const or all)" });
  else {
    const rates = constant.map((r) => scaledDownstream(r, tickRate));
    const spread = Math.max(...rates) / Math.min(...rates);
    const underAndFlat = rates.every((b) => b < 4000) && spread <= 1.2;
    const covers = constant[0].plan.size <= 100 && constant[constant.length - 1].plan.size >= 1000;
    out.push({
      goal: "per-client downstream < 4 KB/s (4,000 B/s) with ~40 in view, flat from 100 to 1,000",
      status: underAndFlat && covers ? "met" : underAndFlat ? "not measured" : "missed",
      evidence: constant.map((r, i) => `${r.plan.size}: ${f(r.window.wireBytesPerSecond)} B/s with WS framing with ${f(r.window.inView, 1)} in view`
        + ` (≈ ${f(rates[i])} B/s scaled to 40 in view at ${tickRate} patches/s)`).join("; ")
        + `; largest/smallest ${f(spread, 2)}×` + (covers ? "" : " (sizes 100 and 1,000 not both run)"),
    });
  }

  // The radar (the whole pond, once a second). Without a live run at 1,000 (on a busy machine the
  // crowd may not get to join), the tick model's: the same encoder over 1,000 spread tadpoles.
  const radarGoal = "radar ≤ 1 KB/s (1,000 B/s, with WS framing) per client with 1,000 tadpoles";
  const radarRuns = ok.filter((r) => r.plan.size >= 1000 && Number.isFinite(r.window.radarBytesPerSecond) && r.window.radarPerSecond > 0);
  const radarModels = models.filter((m) => m.size >= 1000 && m.radarBytesPerClientPerSecond !== undefined);
  out.push(radarRuns.length || !radarModels.length
    ? over(radarGoal, radarRuns, "no 1,000-tadpole run that received the radar", (runs) => runs.every((r) => r.window.radarBytesPerSecond <= 1000),
      (runs) => runs.map((r) => `${r.plan.size}, ${mode(r)}: ${f(r.window.radarBytesPerSecond)} B/s`
        + ` (${f(r.window.radarPerSecond, 2)} radars/s, ${f(r.window.radarBytesPerSecond / r.window.radarPerSecond)} B each)`).join("; "))
    : judged(radarGoal, radarModels.every((m) => m.radarBytesPerClientPerSecond <= 1000),
      `no live run; the tick model (the server's radar over ${radarModels[0].size} spread tadpoles): ${f(radarModels[0].radarBytesPerClientPerSecond)} B/s`));

  const bpu = (r: Run) => r.window.bytesPerPositionUpdate;
  out.push(over("≤ 5 bytes per position update", ok.filter((r) => r.plan.mode !== "off" && Number.isFinite(bpu(r))), "no run with decoding bots and interest on",
    (runs) => runs.every((r) => bpu(r) <= 5), (runs) => {
      const worst = runs.reduce((a, b) => (bpu(a) > bpu(b) ? a : b));
      const best = runs.reduce((a, b) => (bpu(a) < bpu(b) ? a : b));
      const bodies = runs.map((r) => r.window.schemaBytesPerPositionUpdate);
      return `all downstream bytes ÷ position updates: ${f(bpu(best), 2)} (${best.plan.size}, ${mode(best)}) to ${f(bpu(worst), 2)} (${worst.plan.size}, ${mode(worst)});`
        + ` patch bodies alone ${f(Math.min(...bodies), 2)}–${f(Math.max(...bodies), 2)}`;
    }));
  return out;
}

/** The doc's results section: how it was run, the tables, the goals and the warnings. */
export function resultsMarkdown(results: RunResult[], models: ModelResult[], args: BenchArgs, machine: Machine, command: string, label?: string): string {
  const lines = label ? [`> **${label}**`, ""] : [];
  lines.push(
    `- Command: \`${command}\``,
    `- Date: ${machine.date}; commit ${machine.commit}`,
    `- Machine: ${machineText(machine)}; load average at start ${machine.loadAverage.join(" / ")}`,
    `- Server: TICK_RATE=${args.tickRate}, one pond, fresh process per run${args.pin ? ", pinned to CPU 0 (bots on the others)" : ", sharing the CPUs with the bots"};`
      + ` ${args.workers} bot worker processes, frame timer ${args.frameHz} Hz; window ${args.seconds} s after a spread-out phase of up to ${args.spreadSeconds} s`,
  );
  if (results.length) {
    lines.push("", ...mainTable(results, args.tickRate), "", "Supporting numbers:", "", ...detailTable(results), "", "Goals, as checked by the script:", "",
      ...verdicts(results, args.tickRate, models).map((v) => `- **${v.status.toUpperCase()}** — ${v.goal}: ${v.evidence}`));
  }
  if (models.length) {
    lines.push("", "The tick alone, in-process without sockets or bots (scripts/bench/model.ts; CPU-bound, so less sensitive to a busy machine):", "", ...modelTable(models, args.tickRate));
  }
  const warnings = results.flatMap((r) => r.warnings.map((w) => `${r.plan.size}/${r.plan.mode}: ${w}`));
  if (warnings.length) lines.push("", "Warnings:", "", ...warnings.slice(0, 20).map((w) => `- ${w}`));
  return lines.join("\n");
}
