/**
 * `npm run bench:client`: the cold load (bench-client/coldLoad.ts) and the frames of a crowded pond
 * (--bots bots circling the page's tadpole; bench-client/page.ts and trace.ts), each rewriting only
 * its own section of docs/benchmarks/client.md (or of `--report PATH`), which says how each figure
 * is measured. Build the client first (`npx vite build`).
 */
import { join, resolve } from "node:path";
import { spawnTs, REPO_ROOT, type ManagedProcess } from "../kit/process.ts";
import { delay } from "../kit/waitFor.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH, DESKTOP } from "../kit/browser/launch.ts";
import { openPond, saveScreenshot, snapshot, waitForPond } from "../kit/browser/pond.ts";
import { commandLine, readFlags, usage } from "../kit/args.ts";
import { MAX_BOTS } from "../kit/player/botArgs.ts";
import { describeMachine, loadAverage, type Machine } from "./lib/machine.ts";
import { commandText } from "./lib/report.ts";
import { writeSections } from "./lib/sections.ts";
import { measureTable } from "./lib/table.ts";
import { runColdLoads } from "./bench-client/coldLoad.ts";
import { coldLoadMarkdown, coldTable, runHeader, verdict, type RunInfo } from "./bench-client/coldReport.ts";
import { FRAME_MEASURES, INSTRUMENT, RENDERER, START, STOP, frames as measured, type Frames, type Recording } from "./bench-client/page.ts";
import { TRACE_MEASURES, traceFrames, type FrameBreakdown } from "./bench-client/trace.ts";
import { onStage } from "./bench-client/stage.ts";

const FLAGS = {
  "cold-only": { type: "boolean", help: "measure the cold load only (not the frames)" },
  "cold-runs": { type: "number", min: 0, max: 100, integer: true, default: 3, help: "cold loads per link; 0 skips the cold load" },
  // `npm run bots` runs the crowd, so its cap is this one's.
  bots: { type: "number", min: 0, max: MAX_BOTS, integer: true, default: 200, help: "bots circling the page's tadpole while the frames are recorded" },
  seconds: { type: "number", min: 1, max: 3600, arg: "s", default: 20, help: "frames recorded" },
  report: { type: "string", arg: "path", help: "the report to update instead of docs/benchmarks/client.md (to try a run without touching it)" },
} as const;
const flags = commandLine("bench:client", usage("npm run bench:client -- [options]", FLAGS), (argv) => readFlags(argv, FLAGS));
const { bots, seconds, "cold-runs": coldRuns, "cold-only": coldOnly = false } = flags;
if (coldOnly && coldRuns < 1) {
  console.error("bench:client: --cold-only needs --cold-runs of at least 1");
  process.exit(2);
}
/** The crowd circles the page's tadpole on rings up to this far out (all in view), after this warm-up; then a trace this long. */
const [SPREAD, WARMUP_S, TRACE_S] = [300, 5, 3];
const { width, height } = DESKTOP.viewport!;
const dpr = DESKTOP.deviceScaleFactor!;
const REPORT = flags.report ? resolve(flags.report) : join(REPO_ROOT, "docs", "benchmarks", "client.md");
const command = commandText("bench:client");

/** Where and when a section was measured: the machine as it was at the start, and the load now. */
const runInfo = (machine: Machine): RunInfo => ({ command, machine, loadEnd: loadAverage() });

async function main(): Promise<void> {
  if (coldRuns > 0) {
    const machine = describeMachine();
    const cold = await runColdLoads(coldRuns);
    const v = verdict(cold);
    console.log(`\n${coldTable(cold).join("\n")}\ngoal < 400 KB: ${v.met ? "met" : "missed"}. ${v.sentence}`);
    if (cold.problems.length) console.warn(`[bench:client] cold load warnings:\n  ${cold.problems.join("\n  ")}`);
    writeReport({ cold: coldLoadMarkdown(cold, runInfo(machine)) });
  }
  if (!coldOnly) await frames();
}

/** Rewrites the given sections of docs/benchmarks/client.md (cold, frames), keeping everything else. */
function writeReport(updates: { cold?: string; frames?: string }): void {
  writeSections(REPORT, "Client benchmark", updates);
  console.log(`[bench:client] updated the ${Object.keys(updates).join(" and ")} section in ${REPORT}`);
}

/** Bots and the page connect from 127.0.0.1, and all must share one pond. */
function frames(): Promise<void> {
  const machine = describeMachine();
  return onStage({ MAX_CONNECTIONS_PER_IP: String(bots + 50), MAX_PLAYERS: String(bots + 50) }, async ({ server, chromium }) => {
    console.log(`[bench:client] server on ${server.httpUrl}`);
    const context = await chromium.newContext(DESKTOP);
    await context.addInitScript(INSTRUMENT);
    // ?perf=1 asks the client to mark its scene update (performance.measure "pond:update").
    const player = await openPond(context, server.httpUrl, "bench", 60_000, { perf: "1" });
    const page = player.page;
    const renderer = String(await page.evaluate(RENDERER));
    const centre = player.joined.pose!;
    console.log(`[bench:client] page joined at (${centre.x.toFixed(0)}, ${centre.y.toFixed(0)}); WebGL: ${renderer}`);
    let botRun: ManagedProcess | undefined;
    try {
      if (bots > 0) {
        // `npm run bots` circling the page's tadpole, at the 30 Hz frame timer this benchmark has always used.
        botRun = spawnTs("scripts/bots.ts", [
          "--url", server.wsUrl, "--count", String(bots), `--orbit=${centre.x.toFixed(1)},${centre.y.toFixed(1)}`, "--spread", String(SPREAD),
          "--frame-hz", "30", "--join-rate", "25", "--chat-every", "0", "--rename-share", "0", "--duration", String(Math.ceil(WARMUP_S + seconds + 600)),
        ], { name: "bots" });
        const ready = await botRun.waitForOutput(/\[bots\] ready (\d+)/, 60_000 + bots * 200);
        console.log(`[bench:client] ${ready[1]}/${bots} bots joined`);
        await waitForPond(page, (s) => s.count >= bots + 1, `the page to know ${bots} bots`, 60_000);
      }
      // Warm-up: let the bots spread onto their rings and the page settle (JIT, texture uploads).
      await delay(WARMUP_S * 1000);
      console.log(`[bench:client] recording ${seconds} s of frames with ${(await snapshot(page)).count} tadpoles known to the page…`);
      await page.evaluate(START);
      await delay(seconds * 1000);
      const recording = measured((await page.evaluate(STOP)) as Recording);
      const after = await snapshot(page);
      await saveScreenshot(page, "bench-client");
      // Then a short trace (tracing itself costs a little, so it is kept out of the recording).
      console.log(`[bench:client] tracing ${TRACE_S} s to see where frame time goes…`);
      const breakdown = await traceFrames(context, page, TRACE_S);

      const problems = player.watch.unexpected();
      if (!after.connected) problems.push("the page lost its connection during the run");
      const section = framesMarkdown(recording, runInfo(machine), chromium.browser.version(), renderer, after.count, problems, breakdown);
      // The console gets the section's tables.
      console.log(`\n${section.split("\n").filter((line) => line.startsWith("|") || line.startsWith("###")).join("\n")}`);
      if (problems.length) console.warn(`[bench:client] warnings:\n  ${problems.join("\n  ")}`);
      writeReport({ frames: section });
    } finally {
      await botRun?.stop(8000);
    }
  });
}

/** The frames section of docs/benchmarks/client.md (between its markers). */
function framesMarkdown(f: Frames, m: RunInfo, chromium: string, renderer: string, tadpoles: number, problems: string[], t: FrameBreakdown): string {
  return `## Frames: a crowded pond

How smoothly the browser client draws a crowded pond: ${bots} bots circling within ${SPREAD} units of
the player (all in view of a ${width}x${height} window at DPR ${dpr}), measured in headless Chromium.

${bots !== 200 || seconds < 20 ? `> **Note.** A validation run (${bots} bots, ${seconds} s), not the reference run (\`npm run bench:client\`: 200 bots, 20 s).\n\n` : ""}${runHeader(m, `Chromium ${chromium}`, "frame times are pessimistic even for SwiftShader.")}
- Chromium flags: \`${CHROMIUM_ARGS.join(" ")}\` (executable \`${CHROMIUM_PATH}\`)
- WebGL: \`${renderer}\` (no GPU: software, on ${m.machine.cpus} cores shared with the server and the bots)

### Frame times (${f.seconds.toFixed(1)} s recorded after ${WARMUP_S} s warm-up; ${tadpoles} tadpoles known to the page)

${measureTable("metric", ["value"], FRAME_MEASURES, [f]).join("\n")}
${problems.length ? `\nWarnings during the run: ${problems.map((p) => `\`${p}\``).join("; ")}\n` : ""}
### Where a frame's time goes (${t.seconds} s trace, ${t.frames} committed frames)

${measureTable("per committed frame", ["ms"], TRACE_MEASURES, [t]).join("\n")}`;
}

main().catch((error) => {
  console.error(`[bench:client] failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exitCode = 1;
});
