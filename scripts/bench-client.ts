/**
 * Client benchmark (`npm run bench:client`), in two parts.
 *
 * Cold load (scripts/bench-client/coldLoad.ts), first: what a first visit costs. Fresh browser
 * contexts with the cache disabled load the game, unthrottled and on an emulated 1.6 Mbit/s,
 * 150 ms link, --cold-runs times each: bytes transferred over HTTP, the requests and their
 * encodings, first contentful paint and the time to a playable pond, checked against the goal
 * of < 400 KB. `--cold-only` runs only this part (no bots; a minute or two).
 *
 * Frames, then: how smoothly the browser client draws a crowded pond. Starts the real server
 * (serving dist/) on a free loopback port, joins bots in a separate process (`npm run bots` with
 * --orbit) that circle the pond's centre on rings up to --spread units (so they are all in
 * view), opens the game in headless Chromium as a player at the centre, and records every animation frame for --seconds:
 * frame interval p50/p90/p99/max, dropped vsync slots, and the main-thread time of each frame's
 * callbacks (Phaser's step: scene update plus WebGL command submission).
 * Prints tables and writes docs/benchmarks/client.md: each part rewrites only its own section
 * there (between `<!-- bench:cold:begin -->`/`end` and `<!-- bench:frames:begin -->`/`end`;
 * text outside the markers is left alone), so `--cold-only` keeps the last full run's frames.
 * The cold-load section carries the bundle sizes as served (raw, gzip, brotli).
 *
 *   npm run bench:client -- [--cold-only] [--cold-runs 3]
 *                           [--bots 200] [--seconds 20] [--warmup 5] [--spread 300]
 *                           [--width 1280 --height 720 --dpr 1] [--trace 3]
 *                           [--no-write | --report PATH]
 *
 * `--cold-runs 0` skips the cold load (its section is then left as it was). `--report PATH`
 * updates PATH instead of docs/benchmarks/client.md (e.g. a copy of it, to check a short run).
 *
 * Build the client first (`npx vite build`). Headless Chromium renders WebGL in software
 * (SwiftShader): the numbers bound what the software renderer on this CPU manages, not a GPU.
 */
import { join, resolve } from "node:path";
import { spawnTs, REPO_ROOT, type ManagedProcess } from "../kit/process.ts";
import type { ServerProcess } from "../kit/server.ts";
import { waitFor } from "../kit/waitFor.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH, launchBrowser, type LaunchedBrowser } from "../kit/browser/launch.ts";
import { openPond, saveScreenshot, snapshot, waitForPond } from "../kit/browser/pond.ts";
import { copyBuiltClient, startGameServer, type ClientCopy } from "../kit/browser/builtClient.ts";
import { commandLine, readFlags } from "../kit/args.ts";
import { cpuModel, loadAverage, nproc } from "./lib/machine.ts";
import { commandText, fixed, writeText } from "./lib/report.ts";
import { runColdLoads, type ColdLoadResult } from "./bench-client/coldLoad.ts";
import { coldLoadMarkdown, printColdLoad } from "./bench-client/coldReport.ts";
import { INSTRUMENT, RENDERER, START, STOP, summarize, type FrameSummary, type Recording } from "./bench-client/page.ts";
import { updatedReport } from "./lib/sections.ts";
import { traceFrames, type FrameBreakdown } from "./bench-client/trace.ts";

const USAGE = "usage: npm run bench:client -- [--cold-only] [--cold-runs 3] [--bots 200] [--seconds 20] [--warmup 5] [--spread 300] [--width 1280 --height 720 --dpr 1] [--trace 3] [--no-write | --report PATH]";
const count = { type: "number", min: 0, max: Number.MAX_SAFE_INTEGER } as const;
const flags = commandLine("bench:client", USAGE, (argv) => readFlags(argv, {
  bots: count, seconds: count, warmup: count, spread: count, trace: count, width: count, height: count, dpr: count, "cold-runs": count,
  "no-write": { type: "boolean" }, "cold-only": { type: "boolean" }, report: { type: "string" },
}));
const bots = Math.round(flags.bots ?? 200);
const seconds = flags.seconds ?? 20;
const warmup = flags.warmup ?? 5;
const spread = flags.spread ?? 300;
const traceSeconds = flags.trace ?? 3;
const width = Math.round(flags.width ?? 1280);
const height = Math.round(flags.height ?? 720);
const dpr = flags.dpr ?? 1;
const write = !flags["no-write"];
const coldOnly = flags["cold-only"] ?? false;
const coldRuns = Math.round(flags["cold-runs"] ?? 3);
if (coldOnly && coldRuns < 1) {
  console.error("bench:client: --cold-only needs --cold-runs of at least 1");
  process.exit(2);
}
/** The report to update: docs/benchmarks/client.md, or `--report PATH` (to try a run without touching it). */
const REPORT = flags.report ? resolve(flags.report) : join(REPO_ROOT, "docs", "benchmarks", "client.md");
const command = commandText("bench:client");

interface Machine {
  nproc: string;
  cpu: string;
  node: string;
  chromium: string;
  renderer: string;
  loadStart: string;
  loadEnd: string;
}

const load = loadAverage;

const date = (): string => new Date().toISOString().replace(/\.\d+Z$/, "Z");
const machineLine = (): string => `${nproc()} CPU (nproc), ${cpuModel()}; Node ${process.version}`;

async function main(): Promise<void> {
  if (coldRuns > 0) {
    const loadStart = load();
    const cold: ColdLoadResult = await runColdLoads({ runs: coldRuns });
    printColdLoad(cold);
    if (write) writeReport({ cold: coldLoadMarkdown(cold, { command, date: date(), machine: machineLine(), loadStart, loadEnd: load(), cores: Number(nproc()) }) });
  }
  if (!coldOnly) await frames();
}

/** Rewrites the given sections of docs/benchmarks/client.md, keeping everything else. */
function writeReport(updates: { cold?: string; frames?: string }): void {
  const { text, rebuilt } = updatedReport(REPORT, ["cold", "frames"], updates, PLACEHOLDERS, template);
  writeText(REPORT, text);
  console.log(`[bench:client] ${rebuilt ? "wrote (from the template: the file had no bench markers)" : `updated the ${Object.keys(updates).join(" and ")} section in`} ${REPORT}`);
}

const PLACEHOLDERS = {
  cold: "## Cold load\n\nNot measured yet: run `npm run bench:client -- --cold-only`.",
  frames: "## Frames\n\nNot measured yet: run `npm run bench:client`.",
};

/** The whole file, when it has to be made afresh (no markers yet). */
const template = (sections: Record<string, string>): string => `# Client benchmark

The browser client measured in headless Chromium by \`npm run bench:client\`, in two parts, each
written between its \`<!-- bench:…:begin -->\` and \`<!-- bench:…:end -->\` markers by the run that
measured it (its command is in it); the text outside the markers is written by hand.

- **Cold load**: bytes over the wire, first paint and the time to a playable pond, unthrottled and
  on a 1.6 Mbit/s, 150 ms link, with the bundle sizes as served. Written by every run,
  \`npm run bench:client -- --cold-only\` included (that one measures nothing else).
- **Frames**: frame times with a crowd of tadpoles in view. Written only by a full run
  (\`npm run bench:client\`, without \`--cold-only\`).

${sections.cold}

${sections.frames}
`;

async function frames(): Promise<void> {
  const loadStart = load();
  let client: ClientCopy | undefined;
  let server: ServerProcess | undefined;
  let botRun: ManagedProcess | undefined;
  let chromium: LaunchedBrowser | undefined;
  try {
    // Bots and the page connect from 127.0.0.1, and all must share one pond.
    // Serve a private copy of dist/ (a build running meanwhile must not swap the assets).
    client = await copyBuiltClient();
    server = await startGameServer({
      clientDir: client.dir,
      env: { MAX_CONNECTIONS_PER_IP: String(bots + 50), MAX_PLAYERS: String(bots + 50), LOG_LEVEL: "warn" },
    });
    console.log(`[bench:client] server on ${server.httpUrl}`);

    chromium = await launchBrowser();
    const context = await chromium.newContext({ viewport: { width, height }, deviceScaleFactor: dpr });
    await context.addInitScript(INSTRUMENT);
    // ?perf=1 asks the client to mark its scene update (performance.measure "pond:update"),
    // where it supports that; a client that does not simply ignores it.
    const player = await openPond(context, server.httpUrl, "bench", 60_000, { perf: "1" });
    const page = player.page;
    const renderer = String(await page.evaluate(RENDERER));
    const centre = player.joined.pose!;
    console.log(`[bench:client] page joined at (${centre.x.toFixed(0)}, ${centre.y.toFixed(0)}); WebGL: ${renderer}`);

    if (bots > 0) {
      // `npm run bots` circling the page's tadpole, at the 30 Hz frame timer this benchmark has always used.
      botRun = spawnTs("scripts/bots.ts", [
        "--url", server.wsUrl, "--count", String(bots), `--orbit=${centre.x.toFixed(1)},${centre.y.toFixed(1)}`, "--spread", String(spread),
        "--frame-hz", "30", "--join-rate", "25", "--chat-every", "0", "--rename-share", "0", "--duration", String(Math.ceil(warmup + seconds + 600)),
      ], { name: "bots" });
      const ready = await botRun.waitForOutput(/\[bots\] ready (\d+)/, 60_000 + bots * 200);
      console.log(`[bench:client] ${ready[1]}/${bots} bots joined`);
      await waitForPond(page, (s) => s.count >= bots + 1, `the page to know ${bots} bots`, 60_000);
    }
    // Warm-up: let the bots spread onto their rings and the page settle (JIT, texture uploads).
    await new Promise((resolve) => setTimeout(resolve, warmup * 1000));
    const before = await snapshot(page);

    console.log(`[bench:client] recording ${seconds} s of frames with ${before.count} tadpoles known to the page…`);
    await page.evaluate(START);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const recording = (await page.evaluate(STOP)) as Recording;
    const after = await snapshot(page);
    await saveScreenshot(page, "bench-client");
    // Then a short trace (tracing itself costs a little, so it is kept out of the recording).
    let breakdown: FrameBreakdown | undefined;
    if (traceSeconds > 0) {
      console.log(`[bench:client] tracing ${traceSeconds} s to see where frame time goes…`);
      breakdown = await traceFrames(context, page, traceSeconds);
    }

    const summary = summarize(recording);
    const machine: Machine = {
      nproc: nproc(),
      cpu: cpuModel(),
      node: process.version,
      chromium: chromium.browser.version(),
      renderer,
      loadStart,
      loadEnd: load(),
    };
    const problems = player.watch.unexpected();
    if (!after.connected) problems.push("the page lost its connection during the run");

    printSummary(summary, machine, after.count, breakdown);
    if (problems.length) console.warn(`[bench:client] warnings:\n  ${problems.join("\n  ")}`);
    if (write) writeReport({ frames: framesMarkdown(summary, machine, after.count, problems, breakdown) });
  } finally {
    await botRun?.stop(8000);
    await chromium?.close();
    await server?.stop();
    client?.remove();
  }
}

const f = (v: number | undefined, digits = 1): string => fixed(v, digits);

function printSummary(s: FrameSummary, m: Machine, tadpoles: number, t: FrameBreakdown | undefined): void {
  console.log("");
  console.log(`tadpoles known to the page: ${tadpoles}; frames: ${s.frames} over ${f(s.seconds)} s (${f(s.fps)} fps)`);
  console.log(`frame interval ms: p50 ${f(s.intervalP50)}  p90 ${f(s.intervalP90)}  p99 ${f(s.intervalP99)}  max ${f(s.intervalMax)}`);
  console.log(`dropped vsync slots: ${s.dropped} (${f(s.droppedShare * 100)} %); frames > 33 ms: ${s.slowFrames}`);
  console.log(`main-thread time per frame ms: p50 ${f(s.costP50, 2)}  p90 ${f(s.costP90, 2)}  p99 ${f(s.costP99, 2)}  mean ${f(s.costMean, 2)}; long tasks: ${s.longTasks}`);
  console.log(`scene update (pond:update marks): ${s.updateP50 === undefined ? "not marked by the client" : `p50 ${f(s.updateP50, 2)} p99 ${f(s.updateP99, 2)} ms`}`);
  if (t) {
    console.log(`per committed frame (trace, ${t.frames} frames in ${t.seconds} s): game JS ${f(t.rafMs, 2)} ms, commit ${f(t.commitMs, 1)} ms `
      + `of which WebGL readback wait ${f(t.readbackMs, 1)} ms; GPU process (SwiftShader) ${f(t.gpuMs, 1)} ms`);
  }
  console.log(`machine: ${m.nproc} CPU, ${m.cpu}, Node ${m.node}, Chromium ${m.chromium}; load ${m.loadStart} → ${m.loadEnd}`);
  console.log(`WebGL: ${m.renderer}`);
}

/** What makes this run less than the reference run (200 bots, 20 s, quiet machine). */
function caveats(m: Machine): string[] {
  const out: string[] = [];
  if (bots !== 200 || seconds < 20) out.push(`A validation run (${bots} bots, ${seconds} s), not the reference run (\`npm run bench:client\`: 200 bots, 20 s).`);
  const startLoad = Number(m.loadStart.split(" ")[0]);
  if (startLoad >= Number(m.nproc)) out.push(`The machine was busy (1-minute load ${startLoad.toFixed(1)} on ${m.nproc} cores at the start): frame times are pessimistic even for SwiftShader.`);
  return out;
}

/** The frames section of docs/benchmarks/client.md (between its markers). */
function framesMarkdown(s: FrameSummary, m: Machine, tadpoles: number, problems: string[], t: FrameBreakdown | undefined): string {
  return `## Frames: a crowded pond

How smoothly the browser client draws a crowded pond: ${bots} bots circling within ${spread} units of
the player (all in view of a ${width}x${height} window at DPR ${dpr}), measured in headless Chromium.

> **Software rendering.** Headless Chromium here has no GPU: WebGL runs through **SwiftShader**
> (\`${m.renderer}\`), on the CPU, sharing ${m.nproc} cores with the server, the bots and whatever
> else the machine was doing. Frame times below are bounded by the software renderer and
> this machine's load; they are **not representative of a player's GPU**. Use them to compare
> client versions on the same machine, not as absolute numbers.

${caveats(m).map((c) => `> **Note.** ${c}\n`).join("\n")}
- Command: \`${command}\` (this section)
- Date: ${date()}
- Machine: ${m.nproc} CPU (nproc), ${m.cpu}; Node ${m.node}; Chromium ${m.chromium}
- Load average (1/5/15 min): ${m.loadStart} at start, ${m.loadEnd} at end
- Chromium flags: \`${CHROMIUM_ARGS.join(" ")}\` (executable \`${CHROMIUM_PATH}\`)

### Frame times (${f(s.seconds)} s recorded after ${warmup} s warm-up; ${tadpoles} tadpoles known to the page)

| metric | value |
| --- | --- |
| frames / fps | ${s.frames} / ${f(s.fps)} |
| frame interval p50 / p90 / p99 / max (ms) | ${f(s.intervalP50)} / ${f(s.intervalP90)} / ${f(s.intervalP99)} / ${f(s.intervalMax)} |
| dropped vsync slots (1/60 s with no frame) | ${s.dropped} (${f(s.droppedShare * 100)} % of slots) |
| frames longer than 33 ms | ${s.slowFrames} |
| main-thread time per frame p50 / p90 / p99 / mean (ms) | ${f(s.costP50, 2)} / ${f(s.costP90, 2)} / ${f(s.costP99, 2)} / ${f(s.costMean, 2)} |
| long tasks (> 50 ms) | ${s.longTasks} |
| scene update alone (\`pond:update\` marks) | ${s.updateP50 === undefined ? "not measurable: the client marks none (see below)" : `p50 ${f(s.updateP50, 2)} / p99 ${f(s.updateP99, 2)} ms`} |
${problems.length ? `\nWarnings during the run: ${problems.map((p) => `\`${p}\``).join("; ")}\n` : ""}
How it is measured: an init script (scripts/bench-client/page.ts, added from outside; the
client is unchanged) wraps \`requestAnimationFrame\`. Each frame's timestamp gives the interval
since the previous frame; the time its callbacks ran gives the main-thread cost of Phaser's step
(the pond scene's update plus building and submitting the WebGL commands). The rasterizing
itself happens in Chromium's GPU process (SwiftShader) and shows up as longer intervals, not as
main-thread cost. A dropped slot is a 1/60 s vsync that passed without a frame. The scene's update
alone can only be separated if the client wraps it in \`performance.measure("pond:update", …)\`
(the page is opened with \`?perf=1\` for that); the benchmark collects such entries when present.

${t ? `### Where a frame's time goes (${t.seconds} s trace, ${t.frames} committed frames)

| per committed frame | ms |
| --- | --- |
| game JS on the page's main thread (requestAnimationFrame callbacks) | ${f(t.rafMs, 2)} |
| main thread in the commit | ${f(t.commitMs, 1)} |
| … of which waiting for the WebGL canvas readback (\`GLES2::ReadPixels\`) | ${f(t.readbackMs, 1)} |
| GPU process executing the WebGL commands (SwiftShader, CPU) | ${f(t.gpuMs, 1)} |

Without a GPU, Chromium composites in software, so every frame the WebGL canvas is read back
from SwiftShader; the page's main thread blocks in the commit until SwiftShader has rendered the
frame. When the readback wait dwarfs the game's own JS, the frame rate here says how fast
SwiftShader rasterizes a ${width}x${height} canvas on this CPU, not how heavy the client's code is.

` : ""}The bundle sizes are in the cold-load section.`;
}

main().catch((error) => {
  console.error(`[bench:client] failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exitCode = 1;
});
