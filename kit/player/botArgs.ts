import { ArgsError, numberInRange, readFlags, urlFlag, usage } from "../args.ts";

/** Command line of `npm run bots` (USAGE says what each option does). */
export type BotArgs = ReturnType<typeof parseBotArgs>;

/** A pond is meant to hold a thousand: one bots process can fill it (the client benchmark's --bots is capped by this too). */
export const MAX_BOTS = 1000;
export const DEFAULT_URL = "ws://127.0.0.1:2567";

const FLAGS = {
  count: { type: "number", min: 1, max: MAX_BOTS, integer: true, default: 10, help: `bots to run, 1..${MAX_BOTS}` },
  url: { type: "string", arg: "ws-url", default: DEFAULT_URL, help: "server endpoint" },
  duration: { type: "number", min: 0.1, max: 7 * 24 * 3600, arg: "s", help: "stop after this many seconds (default: run until Ctrl-C)" },
  "chat-every": { type: "number", min: 0, max: 24 * 3600, arg: "s", default: 20, help: "each bot chats about this often, 0 = never" },
  "join-rate": { type: "number", min: 0.1, max: 1000, arg: "n/s", default: 20, help: "joins per second" },
  "rename-share": { type: "number", min: 0, max: 1, arg: "f", default: 0.3, help: "fraction of bots that rename once, 0..1" },
  "summary-every": { type: "number", min: 0.2, max: 3600, arg: "s", default: 5, help: "seconds between summary lines" },
  seed: { type: "number", min: 0, max: 2 ** 32 - 1, integer: true, arg: "int", help: "random seed (default: time-based)" },
  orbit: { type: "string", arg: "x,y", help: "circle this point instead of wandering, on rings 40..--spread units out" },
  spread: { type: "number", min: 60, max: 100_000, arg: "units", default: 300, help: "with --orbit: the largest ring (thrust 0.35)" },
  "frame-hz": { type: "number", min: 20, max: 60, integer: true, default: 60, help: "the bots' shared frame timer, 20..60" },
} as const;
export const USAGE = usage("npm run bots -- [options]", FLAGS);

export { ArgsError };

export function parseBotArgs(argv: readonly string[], now: number = Date.now()) {
  const flags = readFlags(argv, FLAGS);
  return {
    count: flags.count,
    url: parseUrl(flags.url),
    durationSec: flags.duration,
    chatEverySec: flags["chat-every"],
    joinRate: flags["join-rate"],
    renameShare: flags["rename-share"],
    summaryEverySec: flags["summary-every"],
    seed: flags.seed ?? now >>> 0,
    orbit: flags.orbit === undefined ? undefined : { ...point("--orbit", flags.orbit), spread: flags.spread, thrust: 0.35 },
    frameHz: flags["frame-hz"],
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
