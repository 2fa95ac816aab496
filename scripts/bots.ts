/**
 * Headless bots for load and soak testing:
 *
 *   npm run bots -- --count 50 --url ws://localhost:2567 [--duration 60] [--chat-every 20]
 *
 * Each bot joins through the game's own net layer (client/net/PondConnection.ts), wanders
 * around the pond, chats now and then and may rename itself once. A summary line goes to
 * stdout every few seconds. Ctrl-C / SIGTERM (or the end of --duration) leaves the rooms and
 * exits 0; exit code 1 means no bot ever connected, 2 a bad command line.
 */
import { commandLine } from "../kit/args.ts";
import { USAGE, parseBotArgs } from "../kit/player/botArgs.ts";
import { BotSwarm, formatSummary } from "../kit/player/swarm.ts";

const args = commandLine("bots", USAGE, (argv) => parseBotArgs(argv));
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

// The SDK warns on every refused or failed connection; the swarm already reports those (once
// per reason, then as counts in the summary), so keep its repeats off the console.
const sdkWarn = console.warn.bind(console);
console.warn = (...parts: unknown[]) => {
  if (typeof parts[0] === "string" && parts[0].startsWith("Room connection was closed unexpectedly")) return;
  sdkWarn(...parts);
};

const swarm = new BotSwarm({
  url: args.url,
  count: args.count,
  chatEverySec: args.chatEverySec,
  joinRate: args.joinRate,
  renameShare: args.renameShare,
  seed: args.seed,
  frameHz: args.frameHz,
  orbit: args.orbit,
});

console.log(`[bots] starting ${args.count} bot(s) against ${args.url}`
  + (args.durationSec !== undefined ? ` for ${args.durationSec}s` : " (Ctrl-C to stop)")
  + ` (seed ${args.seed})`);
swarm.start();

let everConnected = false;
const summaryTimer = setInterval(() => {
  const summary = swarm.summary();
  if (summary.connected > 0) everConnected = true;
  console.log(formatSummary(summary));
}, args.summaryEverySec * 1000);
// Once every bot is in (the client benchmark waits for this line before it measures).
const readyTimer = setInterval(() => {
  if (swarm.connected < args.count) return;
  clearInterval(readyTimer);
  console.log(`[bots] ready ${args.count}`);
}, 100);
const durationTimer = args.durationSec !== undefined
  ? setTimeout(() => void shutdown("duration reached", false), args.durationSec * 1000)
  : undefined;

let stopping = false;
async function shutdown(reason: string, bySignal: boolean): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(summaryTimer);
  clearInterval(readyTimer);
  clearTimeout(durationTimer);
  const summary = swarm.summary();
  if (summary.connected > 0) everConnected = true;
  console.log(formatSummary(summary));
  console.log(`[bots] ${reason}: leaving ${summary.connected} room connection(s)`);
  await swarm.stop(3000);
  const ok = bySignal || everConnected;
  console.log(`[bots] done${ok ? "" : " (no bot ever connected)"}`);
  process.exit(ok ? 0 : 1);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) {
      console.log(`[bots] second ${signal}: exiting now`);
      process.exit(130);
    }
    void shutdown(`${signal} received`, true);
  });
}
