import { ArgsError, flagValue, numberInRange, splitFlag } from "../lib/args.ts";

/** Command line of `npm run bots`. */
export interface BotArgs {
  /** How many bots to run. */
  count: number;
  /** Server endpoint; the bots connect nowhere else. */
  url: string;
  /** Stop by itself after this many seconds (undefined: run until Ctrl-C / SIGTERM). */
  durationSec: number | undefined;
  /** Each bot says a line about this often, seconds (randomized ±50%); 0 = never. */
  chatEverySec: number;
  /** Joins per second (staggered so many bots do not stampede the matchmaker). */
  joinRate: number;
  /** Fraction of bots that rename themselves once with `name: Bot-123`. */
  renameShare: number;
  /** Seconds between summary lines. */
  summaryEverySec: number;
  /** Seed for the bots' randomness (default: time-based). */
  seed: number;
  help: boolean;
}

export const MAX_BOTS = 500;
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
  --help               show this help`;

export { ArgsError };

type Spec = { key: keyof BotArgs; min: number; max: number; integer?: boolean };

const NUMERIC: Record<string, Spec> = {
  "--count": { key: "count", min: 1, max: MAX_BOTS, integer: true },
  "--duration": { key: "durationSec", min: 0.1, max: 7 * 24 * 3600 },
  "--chat-every": { key: "chatEverySec", min: 0, max: 24 * 3600 },
  "--join-rate": { key: "joinRate", min: 0.1, max: 1000 },
  "--rename-share": { key: "renameShare", min: 0, max: 1 },
  "--summary-every": { key: "summaryEverySec", min: 0.2, max: 3600 },
  "--seed": { key: "seed", min: 0, max: 2 ** 32 - 1, integer: true },
};

export function parseBotArgs(argv: readonly string[], now: number = Date.now()): BotArgs {
  const args: BotArgs = {
    count: 10,
    url: DEFAULT_URL,
    durationSec: undefined,
    chatEverySec: 20,
    joinRate: 20,
    renameShare: 0.3,
    summaryEverySec: 5,
    seed: now >>> 0,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const { flag, inline } = splitFlag(argv[i]);
    if (flag === "--help" || flag === "-h") {
      args.help = true;
      continue;
    }
    if (flag !== "--url" && !(flag in NUMERIC)) throw new ArgsError(`unknown option "${argv[i]}"`);
    const taken = flagValue(argv, i, flag, inline);
    const value = taken.value;
    i = taken.i;
    if (flag === "--url") {
      args.url = parseUrl(value);
      continue;
    }
    const spec = NUMERIC[flag];
    (args as unknown as Record<string, number>)[spec.key] = numberInRange(flag, value, spec.min, spec.max, spec.integer);
  }
  return args;
}

function parseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ArgsError(`--url must be a URL like ${DEFAULT_URL}, got "${value}"`);
  }
  if (!["ws:", "wss:", "http:", "https:"].includes(url.protocol)) {
    throw new ArgsError(`--url must use ws, wss, http or https, got "${value}"`);
  }
  return value.replace(/\/+$/, "");
}
