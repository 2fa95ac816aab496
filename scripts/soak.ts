/**
 * `npm run soak`: the real server behind a cut proxy, and bots (soak/bot.ts) that join, swim, chat,
 * leave and come back while their sockets are cut; a row per report period (COLUMNS), then the run
 * section of docs/benchmarks/soak.md (which says what each column means). Exit 1 on any error.
 */
import { resolve } from "node:path";
import { SoakBot } from "./soak/bot.ts";
import { FrameTicker } from "../kit/player/ticker.ts";
import { createRng, pick } from "../shared/rng.ts";
import { fetchHealth, fetchMetrics, fetchPonds, type MetricsSnapshot } from "../kit/probes.ts";
import { TcpProxy } from "../kit/tcpProxy.ts";
import { startServer } from "../kit/server.ts";
import { REPO_ROOT } from "../kit/process.ts";
import { delay, waitFor } from "../kit/waitFor.ts";
import { commandLine, readFlags, usage } from "../kit/args.ts";
import { describeMachine, machineText, type Machine } from "./lib/machine.ts";
import { commandText, fixed } from "./lib/report.ts";
import { percentile } from "./lib/stats.ts";
import { missed, table, type Column } from "./lib/table.ts";
import { writeSections } from "./lib/sections.ts";

const FLAGS = {
  minutes: { type: "number", min: 0.05, max: 24 * 60, arg: "m", default: 30, help: "how long to run, minutes; fractions allowed" },
  bots: { type: "number", min: 1, max: 200, integer: true, default: 40, help: "bots, 1..200" },
  "report-every": { type: "number", min: 5, max: 3600, arg: "s", default: 60, help: "seconds between report rows" },
  out: { type: "string", arg: "path", default: "docs/benchmarks/soak.md", help: "markdown report; \"-\" for none" },
  seed: { type: "number", min: 0, max: 2 ** 32 - 1, integer: true, arg: "int", help: "random seed (default: time-based)" },
} as const;
const args = commandLine("soak", usage("npm run soak -- [options]", FLAGS), (argv) => readFlags(argv, FLAGS));
const { minutes, bots: botCount, seed = Date.now() >>> 0, out } = args;
const WINDOW_MS = 5000;

/** What the bots did in one report period (differences of their life totals). */
interface Counts { joins: number; leaves: number; drops: number; reconnects: number; chatsSent: number; chatsSeen: number }

/** One report period: `rates` are the sorted patches/s of every steady bot over each 5 s window, `metrics` the server's at its end (undefined if the read failed). */
interface Row extends Counts { minute: string; bots: number; cuts: number; errors: number; rates: number[]; metrics: MetricsSnapshot | undefined }

const f = (n: number, d = 1) => fixed(n, d, "n/a");
const rate = (r: Row, p: number) => f(r.rates.length ? percentile(r.rates, p) : NaN);
const metric = (name: string, sample: string, scale = 1, digits = 1): Column<Row> => ({ name, cell: (r) => f(r.metrics ? r.metrics.sum(sample) * scale : NaN, digits) });
/** The report's columns, for the console rows and the markdown table alike. */
const COLUMNS: Array<Column<Row>> = [
  { name: "min", cell: (r) => r.minute },
  { name: "bots in", cell: (r) => r.bots },
  ...(["joins", "leaves", "cuts", "drops", "reconnects"] as const).map((key): Column<Row> => ({ name: key, cell: (r) => r[key] })),
  { name: "chat sent/seen", cell: (r) => `${r.chatsSent}/${r.chatsSeen}` },
  { name: "errors", cell: (r) => r.errors, met: (r) => r.errors === 0 },
  { name: "patches/s min (p5, median) over 5 s", cell: (r) => `${rate(r, 0)} (${rate(r, 5)}, ${rate(r, 50)}; ${r.rates.length} windows)` },
  metric("heap MB", "nodejs_heap_size_used_bytes", 2 ** -20),
  metric("RSS MB", "process_resident_memory_bytes", 2 ** -20),
  metric("loop lag p99 ms", "nodejs_eventloop_lag_p99_seconds", 1000),
  metric("players", "pond_players", 1, 0),
  metric("ponds", "pond_rooms", 1, 0),
];
const consoleRow = (cells: Array<string | number>) => console.log(`[soak] ${cells.join(" | ")}`);

async function main(): Promise<void> {
  const command = commandText("soak");
  const machine = describeMachine();
  const durationMs = minutes * 60_000;
  const rng = createRng(seed);

  let serverErrorLines = 0;
  const server = await startServer({
    env: { LOG_LEVEL: "warn", MAX_CONNECTIONS_PER_IP: String(botCount * 3 + 20), JOIN_RATE_PER_IP: "10000" },
    onOutput: (text) => { for (const line of text.split("\n")) if (/"level":(50|60)/.test(line)) serverErrorLines++; },
  });
  const { httpUrl } = server;
  // A hard stop well past the planned end, whatever happens.
  setTimeout(() => {
    console.error("[soak] hard stop: the run overran its time by 2 minutes");
    server.proc.signal("SIGKILL");
    process.exit(3);
  }, durationMs + 120_000).unref();

  const proxy = await TcpProxy.start(server.port);
  const botUrl = `ws://127.0.0.1:${proxy.port}`;
  console.log(`[soak] ${botCount} bots for ${minutes} min against a server started on ${httpUrl} (via cut proxy ${botUrl}), seed ${seed}`);

  const errors: Array<{ bot: number; message: string }> = [];
  let periodErrors = 0;
  const fail = (bot: number, message: string) => {
    periodErrors++;
    if (errors.length < 200) errors.push({ bot, message });
    if (bot >= 0) console.log(`[soak] error (bot ${bot}): ${message}`);
  };
  const sessionSeconds = [Math.max(10, Math.min(45, minutes * 60 / 8)), Math.max(20, Math.min(180, minutes * 60 / 2))] as const;
  const t0 = performance.now();
  // The first joins are staggered over 5 s.
  const bots = Array.from({ length: botCount }, (_, i) => new SoakBot(i, botUrl, createRng(seed + i + 1), sessionSeconds, t0 + (i / botCount) * 5000, (bot, message) => fail(bot.index, message)));
  let stopping = false;
  // One 60 Hz timer drives every bot's frame; a frame that throws is an error, never a stop.
  const ticker = new FrameTicker(60);
  ticker.onError = (error) => fail(-1, `a frame threw: ${(error as Error).message}`);
  for (const bot of bots) ticker.add((now) => bot.frame(now, stopping));

  // Socket cuts: each bot about every three minutes (never in its first 6 s: the SDK does not
  // re-attach a connection younger than its minUptime of 5 s, it leaves).
  let cuts = 0;
  const cutter = setInterval(() => {
    const now = performance.now();
    const steady = bots.filter((b) => b.steadyFor(now, 6000) && b.sessionId);
    if (!stopping && steady.length > 0 && proxy.cutSession(pick(rng, steady).sessionId!) > 0) cuts++;
  }, Math.max(500, 180_000 / botCount));

  // Patch-rate windows: every 5 s, the rate of each bot that was steady the whole window.
  let rates: number[] = [];
  const windowTimer = setInterval(() => {
    const now = performance.now();
    for (const bot of bots) {
      if (!bot.eventInWindow && bot.steadyFor(now, WINDOW_MS + 1000)) rates.push(bot.patchesInWindow / (WINDOW_MS / 1000));
      bot.patchesInWindow = 0;
      bot.eventInWindow = false;
    }
  }, WINDOW_MS);

  const sumBots = (of: (b: SoakBot) => number) => bots.reduce((n, b) => n + of(b), 0);
  const totals = (): Counts & { cuts: number } => ({
    joins: sumBots((b) => b.bot.counters.joins), leaves: sumBots((b) => b.leaves), drops: sumBots((b) => b.drops), reconnects: sumBots((b) => b.reconnects),
    chatsSent: sumBots((b) => b.bot.counters.chatSent), chatsSeen: sumBots((b) => b.bot.counters.chatSeen), cuts,
  });
  const rows: Row[] = [];
  let last = totals();
  const report = async (minute: string) => {
    const now = totals();
    const delta = { ...now };
    for (const key of Object.keys(now) as Array<keyof typeof now>) delta[key] -= last[key];
    last = now;
    const metrics = await fetchMetrics(httpUrl).catch((error: Error) => void fail(-1, `GET /metrics failed: ${error.message}`));
    if (server.proc.hasExited) fail(-1, `the server exited (${server.proc.exit?.code})`);
    const row: Row = { minute, bots: bots.filter((b) => b.in).length, ...delta, errors: periodErrors, rates: rates.sort((a, b) => a - b), metrics: metrics ?? undefined };
    rows.push(row);
    consoleRow(COLUMNS.map((c) => c.cell(row)));
    [periodErrors, rates] = [0, []];
  };
  consoleRow(COLUMNS.map((c) => c.name));
  const elapsed = () => ((performance.now() - t0) / 60_000).toFixed(1);
  const reporter = setInterval(() => void report(elapsed()), args["report-every"] * 1000);

  await delay(durationMs);
  clearInterval(reporter);
  await report(`${elapsed()} (end)`);
  stopping = true;
  for (const timer of [cutter, windowTimer]) clearInterval(timer);

  // Everyone leaves; then the server must be empty again.
  await Promise.all(bots.map((b) => b.stop()));
  ticker.stop();
  let leftover = "";
  let notEmpty = 0;
  await waitFor(() => Promise.all([fetchPonds(httpUrl), fetchHealth(httpUrl), fetchMetrics(httpUrl)]).then(([ponds, health, m]) => {
    leftover = `ponds ${ponds.length}, players ${health.players}, pond_players ${m.sum("pond_players")}, heap ${(m.sum("nodejs_heap_size_used_bytes") / 1048576).toFixed(1)} MB`;
    return ponds.length === 0 && health.players === 0 && m.sum("pond_players") === 0;
  }, (error: Error) => void (leftover = `check failed: ${error.message}`)), { timeoutMs: 30_000, intervalMs: 500, message: "the server to be empty" }).catch(() => {
    notEmpty = 1;
    errors.push({ bot: -1, message: `server not empty 30 s after every bot left: ${leftover}` });
  });
  await proxy.close();
  await server.stop();

  const sum = (of: (r: Row) => number) => rows.reduce((n, r) => n + of(r), 0);
  const summary = {
    totalErrors: sum((r) => r.errors) + notEmpty, serverErrorLogLines: serverErrorLines, totalCuts: cuts, totalJoins: sum((r) => r.joins),
    totalReconnects: sum((r) => r.reconnects), worstRate: Math.min(...rows.flatMap((r) => r.rates.slice(0, 1))), leftover,
  };
  console.log(`[soak] done: ${JSON.stringify(summary)}`);
  if (out !== "-") {
    writeSections(resolve(REPO_ROOT, out), "Soak test", { "": markdown(command, machine, rows, summary, errors) });
    console.log(`[soak] wrote ${out}`);
  }
  process.exitCode = missed(COLUMNS, rows).length > 0 || notEmpty ? 1 : 0;
}

/** The run's section of the report (between its markers; the text around it is written by hand). */
function markdown(command: string, machine: Machine, rows: Row[], summary: object, errors: Array<{ bot: number; message: string }>): string {
  return [`- Command: \`${command}\``, `- Date: ${machine.date}; commit ${machine.commit}`,
    `- Machine: ${machineText(machine)}; load average at start ${machine.loadAverage.join(" ")}`,
    `- Server: started by the soak (server/main.ts, LOG_LEVEL=warn); ${botCount} bots; seed ${seed}`,
    "",
    ...table(COLUMNS, rows),
    "",
    "Summary: `" + JSON.stringify(summary) + "`",
    ...(errors.length ? ["", "Errors (first 20):", "", ...errors.slice(0, 20).map((e) => `- bot ${e.bot}: ${e.message}`)] : []),
  ].join("\n");
}

main().catch((error) => {
  console.error("[soak] failed:", error);
  process.exitCode = 1;
});
