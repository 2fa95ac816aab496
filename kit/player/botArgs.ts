import { ArgsError, numberInRange, readFlags, urlFlag } from "../args.ts";

/** Command line of `npm run bots` (USAGE says what each option does). */
export type BotArgs = ReturnType<typeof parseBotArgs>;

/** A pond is meant to hold a thousand: one bots process can fill it (the client benchmark's --bots is capped by this too). */
export const MAX_BOTS = 1000;
export const DEFAULT_URL = "ws://127.0.0.1:2567";

export const USAGE = `Usage: npm run bots -- [options]
  --count <n>          bots to run, 1..${MAX_BOTS} (default 10)
  --url <ws-url>       server endpoint (default ${DEFAULT_URL})
  --duration <s>       stop after this many seconds (default: run until Ctrl-C)
  --chat-every <s>     each bot chats about this often, 0 = never (default 20)
  --join-rate <n/s>    joins per second (default 20)
  --rename-share <f>   fraction of bots that rename once, 0..1 (default 0.3)
  --summary-every <s>  seconds between summary lines (default 5)
  --seed <int>         random seed (default: time-based)
  --orbit <x,y>        circle this point instead of wandering, on rings 40..--spread units out
  --spread <units>     with --orbit: the largest ring (default 300; thrust 0.35)
  --frame-hz <n>       the bots' shared frame timer, 20..60 (default 60)
  --help               show this help`;

export { ArgsError };

const FLAGS = {
  count: { type: "number", min: 1, max: MAX_BOTS, integer: true },
  url: { type: "string" },
  duration: { type: "number", min: 0.1, max: 7 * 24 * 3600 },
  "chat-every": { type: "number", min: 0, max: 24 * 3600 },
  "join-rate": { type: "number", min: 0.1, max: 1000 },
  "rename-share": { type: "number", min: 0, max: 1 },
  "summary-every": { type: "number", min: 0.2, max: 3600 },
  seed: { type: "number", min: 0, max: 2 ** 32 - 1, integer: true },
  orbit: { type: "string" },
  spread: { type: "number", min: 60, max: 100_000 },
  "frame-hz": { type: "number", min: 20, max: 60, integer: true },
  help: { type: "boolean", short: "h" },
} as const;

export function parseBotArgs(argv: readonly string[], now: number = Date.now()) {
  const flags = readFlags(argv, FLAGS);
  return {
    count: flags.count ?? 10,
    url: flags.url === undefined ? DEFAULT_URL : parseUrl(flags.url),
    durationSec: flags.duration,
    chatEverySec: flags["chat-every"] ?? 20,
    joinRate: flags["join-rate"] ?? 20,
    renameShare: flags["rename-share"] ?? 0.3,
    summaryEverySec: flags["summary-every"] ?? 5,
    seed: flags.seed ?? now >>> 0,
    orbit: flags.orbit === undefined ? undefined : { ...point("--orbit", flags.orbit), spread: flags.spread ?? 300, thrust: 0.35 },
    frameHz: flags["frame-hz"] ?? 60,
    help: flags.help ?? false,
  };
}

/** `x,y` in pond units. */
function point(flag: string, value: string): { x: number; y: number } {
  const parts = value.split(",");
  if (parts.length !== 2) throw new ArgsError(`${flag} takes x,y, got "${value}"`);
  return { x: numberInRange(flag, parts[0], -1e6, 1e6), y: numberInRange(flag, parts[1], -1e6, 1e6) };
}

function parseUrl(value: string): string {
  urlFlag("--url", value, ["ws:", "wss:", "http:", "https:"], DEFAULT_URL);
  return value.replace(/\/+$/, "");
}
