/**
 * Load benchmark: one process, one pond, a crowd of headless tadpoles.
 *
 * First the in-process tick model (scripts/bench/model.ts), then for each size and interest mode
 * it starts the real server (server/main.ts) on 127.0.0.1 and a free port, runs the bots in
 * worker processes (scripts/bench/worker.ts), lets them swim out over the whole pond, measures a
 * window, and stops everything. Results go to stdout, to docs/benchmarks/load.json and into
 * docs/benchmarks/load.md between its bench markers. `--help` lists the options; the doc explains
 * what each number means.
 */
import { writeFileSync } from "node:fs";
import { commandLine } from "../kit/args.ts";
import { commandText } from "./lib/report.ts";
import { USAGE, parseBenchArgs } from "./bench/args.ts";
import { modelTick, type ModelResult } from "./bench/model.ts";
import { describeMachine, machineText } from "./lib/machine.ts";
import { writeSections } from "./lib/sections.ts";
import { detailTable, mainTable, modelTable, resultsMarkdown, verdicts } from "./bench/report.ts";
import { planRun, runOnce, type RunResult } from "./bench/run.ts";

const args = commandLine("bench", USAGE, parseBenchArgs);

const command = commandText("bench", true);
const machine = describeMachine();
const log = (line: string) => console.log(`[bench] ${line}`);
log(`${machine.date} · ${machineText(machine)} · load ${machine.loadAverage.join(" ")}`);
if (machine.loadAverage[0] > 0.5) log(`note: the machine is not idle (load ${machine.loadAverage[0]}); numbers will be pessimistic`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping (servers and bot workers are killed on exit)`);
    process.exit(130);
  });
}

const runs = args.sizes.flatMap((size) => args.modes.map((mode) => planRun(size, mode, args)));
const models: ModelResult[] = [];
const results: RunResult[] = [];
const [DOC, JSON_FILE] = ["docs/benchmarks/load.md", "docs/benchmarks/load.json"];
const saveJson = () => { if (args.write) writeFileSync(JSON_FILE, `${JSON.stringify({ machine, command, args, models, results }, null, 2)}\n`); };

for (const plan of args.model || args.modelOnly ? runs : []) {
  const model = { ...modelTick(plan.size, plan.mode !== "off", plan.viewRadius ?? 1200, { seed: args.seed, food: args.food }), mode: plan.mode, viewRadius: plan.viewRadius };
  models.push(model);
  log(`model ${plan.size} ${plan.mode}: move ${model.moveMs.toFixed(2)} + eat ${model.foodMs.toFixed(2)} + sweep ${model.sweepMs.toFixed(2)} + encode ${model.encodeMs.toFixed(2)} ms`
    + ` (p99 ${model.totalP99Ms.toFixed(2)} ms, CPU ${model.cpuMs.toFixed(2)} ms) · ${model.inView.toFixed(1)} in view`);
}

for (const plan of args.modelOnly ? [] : runs) {
  log(`— ${plan.size} tadpoles, interest ${plan.mode}${plan.viewRadius ? `, view radius ${plan.viewRadius}` : ""}`
    + ` (${plan.full} decoding bots${plan.raw ? `, ${plan.raw} counting-only` : ""})`);
  const result = await runOnce(plan, args, (line) => log(`  ${line}`));
  results.push(result);
  const w = result.window;
  if (w) {
    log(`  tick p50 ${w.tickP50Ms.toFixed(2)} ms p99 ${w.tickP99Ms.toFixed(2)} ms · CPU ${w.serverCpuPercent.toFixed(0)}% · RSS ${w.rssMb.toFixed(0)} MB`
      + ` · ${w.patchesPerSecond.mean.toFixed(1)} patches/s (min ${w.patchesPerSecond.min.toFixed(1)}) · ${w.bytesPerSecond.mean.toFixed(0)} B/s per client`
      + ` · ${w.inView.toFixed(1)} in view · ${w.bytesPerPositionUpdate.toFixed(2)} B/update`);
  }
  saveJson(); // after every run, so a long benchmark that dies keeps what it measured
}

saveJson();
console.log("");
if (results.length) {
  for (const line of [...mainTable(results, args.tickRate), "", ...detailTable(results), ""]) console.log(line);
  for (const v of verdicts(results, args.tickRate, models)) console.log(`${v.status.toUpperCase()}: ${v.goal} — ${v.evidence}`);
  console.log("");
}
if (models.length) for (const line of modelTable(models, args.tickRate)) console.log(line);
if (args.write) {
  writeSections(DOC, "Load benchmark", { "": resultsMarkdown(results, models, args, machine, command, args.label || undefined) });
  log(`wrote ${DOC} and ${JSON_FILE}`);
}
process.exit(results.every((r) => r.ok) ? 0 : 1);
