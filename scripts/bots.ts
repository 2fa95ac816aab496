/**
 * `npm run bots` (options: kit/player/botArgs.ts): headless bots, each the kit's player wandering,
 * chatting and maybe renaming itself once, with a summary line every few seconds. Ctrl-C, SIGTERM
 * or the end of --duration leaves the rooms and exits 0; 1 if no bot ever connected, 2 bad usage.
 */
import { commandLine } from "../kit/args.ts";
import { USAGE, parseBotArgs } from "../kit/player/botArgs.ts";
import { BotSwarm, formatSummary } from "../kit/player/swarm.ts";

const args = commandLine("bots", USAGE, (argv) => parseBotArgs(argv));

// The SDK warns on every refused or failed connection; the swarm already reports those (once
// per reason, then as counts in the summary), so keep its repeats off the console.
const sdkWarn = console.warn.bind(console);
console.warn = (...parts: unknown[]) => {
  if (typeof parts[0] !== "string" || !parts[0].startsWith("Room connection was closed unexpectedly")) sdkWarn(...parts);
};

const swarm = new BotSwarm(args);
console.log(`[bots] starting ${args.count} bot(s) against ${args.url}`
  + (args.durationSec !== undefined ? ` for ${args.durationSec}s` : " (Ctrl-C to stop)") + ` (seed ${args.seed})`);
swarm.start();

let everConnected = false;
const report = () => {
  const summary = swarm.summary();
  if (summary.connected > 0) everConnected = true;
  console.log(formatSummary(summary));
  return summary;
};
const timers = [
  setInterval(report, args.summaryEverySec * 1000),
  // Once every bot is in (the client benchmark waits for this line before it measures).
  setInterval(() => {
    if (swarm.connected < args.count) return;
    clearInterval(timers[1]);
    console.log(`[bots] ready ${args.count}`);
  }, 100),
  ...(args.durationSec !== undefined ? [setTimeout(() => void shutdown("duration reached", false), args.durationSec * 1000)] : []),
];

let stopping = false;
async function shutdown(reason: string, bySignal: boolean): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const timer of timers) clearTimeout(timer);
  console.log(`[bots] ${reason}: leaving ${report().connected} room connection(s)`);
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
