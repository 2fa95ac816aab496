/**
 * `npm run soak -- --minutes 30`: a long run against the real server. It starts the server
 * (node --import tsx server/main.ts on a free 127.0.0.1 port) unless --url names a running one,
 * puts a cut proxy in front of it, and runs bots (default 40) that join, swim, chat, leave and
 * come back, while the soak cuts random bots' sockets (the SDK must reconnect them). Every
 * report period it prints a row: errors (the goal is zero), patch-rate dips (the lowest patches/s
 * any steady bot got over a 5 s window), the server's heap and RSS from /metrics, event-loop lag.
 * It ends by itself and writes docs/benchmarks/soak.md. Exit code 1 if there was any error.
 * Traffic goes to 127.0.0.1 only.
 */
import { cpus, totalmem, release, platform } from "node:os";
import { resolve } from "node:path";
import { USAGE, parseSoakArgs, type SoakArgs } from "./soak/args.ts";
import { SoakBot, emptyCounters, type PeriodCounters } from "./soak/bot.ts";
import { createRng, pick } from "../shared/rng.ts";
import { fetchHealth, fetchMetrics, fetchPonds } from "../kit/probes.ts";
import { TcpProxy } from "../kit/tcpProxy.ts";
import { DEFAULT_TICK_RATE } from "../shared/constants.ts";
import { startServer, waitForHealth } from "../kit/server.ts";
import { REPO_ROOT } from "../kit/process.ts";
import { waitFor } from "../kit/waitFor.ts";
import { commandLine } from "../kit/args.ts";
import { commandText, fixed, markdownTable, writeText } from "./lib/report.ts";

const WINDOW_MS = 5000;

interface Row {
  minute: string;
  bots: number;
  counters: PeriodCounters;
  cuts: number;
  errors: number;
  minRate: number;
  p5Rate: number;
  medianRate: number;
  windows: number;
  heapMb: number;
  rssMb: number;
  lagP99Ms: number;
  players: number;
  ponds: number;
}

async function main(): Promise<void> {
  const args = commandLine("soak", USAGE, parseSoakArgs);
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const command = commandText("soak");
  const started = new Date();
  const durationMs = args.minutes * 60_000;
  const rng = createRng(args.seed);

  // The server: ours, or the one at --url.
  let serverErrorLines = 0;
  const server = args.url ? undefined : await startServer({
    env: { LOG_LEVEL: "warn", MAX_CONNECTIONS_PER_IP: String(args.bots * 3 + 20), JOIN_RATE_PER_IP: "10000" },
    onOutput: (text) => { for (const line of text.split("\n")) if (/"level":(50|60)/.test(line)) serverErrorLines++; },
  });
  const port = server?.port ?? Number(new URL(args.url!).port);
  const httpUrl = `http://127.0.0.1:${port}`;
  // A hard stop well past the planned end, whatever happens.
  const hardStop = setTimeout(() => {
    console.error("[soak] hard stop: the run overran its time by 2 minutes");
    server?.proc.signal("SIGKILL");
    process.exit(3);
  }, durationMs + 120_000);
  hardStop.unref();

  if (!server) await waitForHealth(httpUrl, 30_000);
  const proxy = await TcpProxy.start(port);
  const botUrl = `ws://127.0.0.1:${proxy.port}`;
  console.log(`[soak] ${args.bots} bots for ${args.minutes} min against ${args.url ?? `a server started on ${httpUrl}`} (via cut proxy ${botUrl}), seed ${args.seed}`);

  // Bots.
  let counters = emptyCounters();
  const errors: Array<{ at: number; bot: number; message: string }> = [];
  let periodErrors = 0;
  const sessionSeconds: [number, number] = [Math.max(10, Math.min(45, args.minutes * 60 / 8)), Math.max(20, Math.min(180, args.minutes * 60 / 2))];
  const bots = Array.from({ length: args.bots }, (_, i) => new SoakBot(i, botUrl, createRng(args.seed + i + 1), sessionSeconds, () => counters, {
    error: (bot, message) => {
      periodErrors++;
      if (errors.length < 200) errors.push({ at: performance.now(), bot: bot.index, message });
      console.log(`[soak] error (bot ${bot.index}): ${message}`);
    },
  }));
  const t0 = performance.now();
  let stopping = false;
  // Stagger the first joins over 5 s.
  bots.forEach((bot, i) => { (bot as unknown as { rejoinAt: number }).rejoinAt = t0 + (i / args.bots) * 5000; });
  const ticker = setInterval(() => {
    const now = performance.now();
    for (const bot of bots) {
      try {
        bot.frame(now, stopping);
      } catch (error) {
        periodErrors++;
        if (errors.length < 200) errors.push({ at: now, bot: bot.index, message: `frame threw: ${(error as Error).message}` });
      }
    }
  }, 1000 / 60);

  // Socket cuts: each bot about every three minutes (never in its first 6 s: the SDK does not
  // re-attach a connection younger than its minUptime of 5 s, it leaves).
  let cuts = 0;
  const cutEveryMs = Math.max(500, 180_000 / args.bots);
  const cutter = setInterval(() => {
    if (stopping) return;
    const now = performance.now();
    const steady = bots.filter((b) => b.state === "in" && b.dropAt === undefined && now - b.steadySince > 6000 && b.sessionId);
    if (steady.length === 0) return;
    const victim = pick(rng, steady);
    if (proxy.cutSession(victim.sessionId!) > 0) cuts++;
  }, cutEveryMs);

  // Patch-rate windows: every 5 s, the rate of each bot that was steady the whole window.
  let rates: number[] = [];
  const windowTimer = setInterval(() => {
    const now = performance.now();
    for (const bot of bots) {
      if (bot.state === "in" && bot.dropAt === undefined && !bot.eventInWindow && now - bot.steadySince >= WINDOW_MS + 1000) {
        rates.push(bot.patchesInWindow / (WINDOW_MS / 1000));
      }
      bot.patchesInWindow = 0;
      bot.eventInWindow = false;
    }
  }, WINDOW_MS);

  // Report rows.
  const rows: Row[] = [];
  const reportEveryMs = args.reportEverySec * 1000;
  let periodCuts = 0;
  let lastCuts = 0;
  const report = async (label: string) => {
    const sorted = [...rates].sort((a, b) => a - b);
    const pick = (q: number) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
    periodCuts = cuts - lastCuts;
    lastCuts = cuts;
    let heapMb = NaN, rssMb = NaN, lagP99Ms = NaN, players = NaN, ponds = NaN;
    try {
      const m = await fetchMetrics(httpUrl);
      heapMb = m.sum("nodejs_heap_size_used_bytes") / 1048576;
      rssMb = m.sum("process_resident_memory_bytes") / 1048576;
      lagP99Ms = m.sum("nodejs_eventloop_lag_p99_seconds") * 1000;
      players = m.sum("pond_players");
      ponds = m.sum("pond_rooms");
    } catch (error) {
      periodErrors++;
      errors.push({ at: performance.now(), bot: -1, message: `GET /metrics failed: ${(error as Error).message}` });
    }
    if (server?.proc.hasExited) {
      periodErrors++;
      errors.push({ at: performance.now(), bot: -1, message: `the server exited (${server.proc.exit?.code})` });
    }
    const row: Row = {
      minute: label,
      bots: bots.filter((b) => b.state === "in").length,
      counters,
      cuts: periodCuts,
      errors: periodErrors,
      minRate: pick(0),
      p5Rate: pick(0.05),
      medianRate: pick(0.5),
      windows: sorted.length,
      heapMb, rssMb, lagP99Ms, players, ponds,
    };
    rows.push(row);
    console.log(`[soak] ${cells(row).join(" | ")}`);
    counters = emptyCounters();
    periodErrors = 0;
    rates = [];
  };
  console.log(`[soak] ${HEADER.join(" | ")}`);
  const reporter = setInterval(() => {
    const elapsed = (performance.now() - t0) / 60_000;
    void report(elapsed.toFixed(1));
  }, reportEveryMs);

  await new Promise((r) => setTimeout(r, durationMs));
  clearInterval(reporter);
  await report(`${((performance.now() - t0) / 60_000).toFixed(1)} (end)`);
  stopping = true;
  clearInterval(cutter);
  clearInterval(windowTimer);

  // Everyone leaves; then the server must be empty again.
  await Promise.all(bots.map((b) => b.stop()));
  clearInterval(ticker);
  let leftover = "";
  if (!args.url) {
    await waitFor(async () => {
      try {
        const [ponds, health] = await Promise.all([fetchPonds(httpUrl), fetchHealth(httpUrl)]);
        const m = await fetchMetrics(httpUrl);
        leftover = `ponds ${ponds.length}, players ${health.players}, pond_players ${m.sum("pond_players")}, heap ${(m.sum("nodejs_heap_size_used_bytes") / 1048576).toFixed(1)} MB`;
        return ponds.length === 0 && health.players === 0 && m.sum("pond_players") === 0;
      } catch (error) {
        leftover = `check failed: ${(error as Error).message}`;
        return false;
      }
    }, { timeoutMs: 30_000, intervalMs: 500, message: "the server to be empty" }).catch(() => {
      errors.push({ at: performance.now(), bot: -1, message: `server not empty 30 s after every bot left: ${leftover}` });
    });
  }
  await proxy.close();
  await server?.stop();

  const totalErrors = rows.reduce((n, r) => n + r.errors, 0) + errors.filter((e) => e.message.startsWith("server not empty")).length;
  const summary = {
    totalErrors,
    serverErrorLogLines: serverErrorLines,
    totalCuts: cuts,
    totalJoins: rows.reduce((n, r) => n + r.counters.joins, 0),
    totalReconnects: rows.reduce((n, r) => n + r.counters.reconnects, 0),
    worstRate: Math.min(...rows.map((r) => r.minRate).filter(Number.isFinite)),
    leftover,
  };
  console.log(`[soak] done: ${JSON.stringify(summary)}`);
  if (args.out !== "-") {
    writeText(resolve(REPO_ROOT, args.out), markdown(command, started, args, rows, summary, errors));
    console.log(`[soak] wrote ${args.out}`);
  }
  process.exitCode = totalErrors > 0 ? 1 : 0;
}

const HEADER = ["min", "bots in", "joins", "leaves", "cuts", "drops", "reconnects", "chat sent/seen", "errors", "patches/s min (p5, median) over 5 s", "heap MB", "RSS MB", "loop lag p99 ms", "players", "ponds"];

/** One report row's cells (the console line joins them with " | ", as the table does). */
function cells(r: Row): Array<string | number> {
  const f = (n: number, d = 1) => fixed(n, d, "n/a");
  return [
    r.minute, r.bots, r.counters.joins, r.counters.leaves, r.cuts, r.counters.drops, r.counters.reconnects,
    `${r.counters.chatsSent}/${r.counters.chatsSeen}`, r.errors,
    `${f(r.minRate)} (${f(r.p5Rate)}, ${f(r.medianRate)}; ${r.windows} windows)`,
    f(r.heapMb), f(r.rssMb), f(r.lagP99Ms), f(r.players, 0), f(r.ponds, 0),
  ];
}

function markdown(command: string, started: Date, args: SoakArgs, rows: Row[], summary: Record<string, unknown>, errors: Array<{ at: number; bot: number; message: string }>): string {
  const cpu = cpus();
  const lines = [
    "# Soak test",
    "",
    "Bots (the game's own net layer, `PondConnection`) join, swim at 60 frames/s, chat, leave and",
    "come back, while the soak cuts random bots' TCP connections through a proxy (no close frame; the",
    "SDK must reconnect). Each row covers one report period. **errors** should be 0: a join, leave or",
    "reconnect that failed, an unexpected disconnect, a server notice, a failed /metrics read or a",
    "server exit. **patches/s** is the lowest (then 5th percentile and median) rate any bot that was",
    "steadily connected got over a 5 s window; the tick rate is " + `${DEFAULT_TICK_RATE} Hz, so ${DEFAULT_TICK_RATE} is no dip.`,
    "Memory is the server's, read from /metrics (heap used without a forced GC, so it saws; a leak",
    "shows as a rising floor over the run, and as heap left after everyone leaves).",
    "",
    `- Command: \`${command}\``,
    `- Date: ${started.toISOString()}`,
    `- Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${platform()} ${release()}, Node ${process.version} (shared with other work while it ran)`,
    `- Server: ${args.url ? `already running at ${args.url}` : "started by the soak (server/main.ts, LOG_LEVEL=warn)"}; ${args.bots} bots; seed ${args.seed}`,
    "",
    ...markdownTable(HEADER, rows.map(cells)),
    "",
    "Summary: `" + JSON.stringify(summary) + "`",
    "",
  ];
  if (errors.length > 0) {
    lines.push("Errors (first 20):", "", ...errors.slice(0, 20).map((e) => `- bot ${e.bot}: ${e.message}`), "");
  }
  return lines.join("\n");
}

main().catch((error) => {
  console.error("[soak] failed:", error);
  process.exitCode = 1;
});
