import { ArgsError, flagValue, numberInRange, splitFlag } from "../lib/args.ts";

/** Command line of `npm run soak`. */
export interface SoakArgs {
  /** How long to run, in minutes (fractions allowed, e.g. 0.5). */
  minutes: number;
  /** Use this running server (ws://127.0.0.1:port) instead of starting one. */
  url: string | undefined;
  bots: number;
  /** Seconds between report rows (default 60). */
  reportEverySec: number;
  /** Markdown report path, relative to the repository ("-" to write none). */
  out: string;
  seed: number;
  help: boolean;
}

export const MAX_BOTS = 200;

export const USAGE = `Usage: npm run soak -- [options]
  --minutes <m>        how long to run, minutes; fractions allowed (default 30)
  --url <ws-url>       soak this running server (loopback only) instead of starting one
  --bots <n>           bots, 1..${MAX_BOTS} (default 40)
  --report-every <s>   seconds between report rows (default 60)
  --out <path>         markdown report (default docs/benchmarks/soak.md; "-" for none)
  --seed <int>         random seed (default: time-based)
  --help`;

export { ArgsError };

export function parseSoakArgs(argv: readonly string[], now = Date.now()): SoakArgs {
  const args: SoakArgs = { minutes: 30, url: undefined, bots: 40, reportEverySec: 60, out: "docs/benchmarks/soak.md", seed: now >>> 0, help: false };
  for (let i = 0; i < argv.length; i++) {
    const { flag, inline } = splitFlag(argv[i]);
    if (flag === "--help" || flag === "-h") {
      args.help = true;
      continue;
    }
    const taken = flagValue(argv, i, flag, inline);
    const value = taken.value;
    i = taken.i;
    const numeric = (min: number, max: number, integer = false) => numberInRange(flag, value, min, max, integer);
    switch (flag) {
      case "--minutes": args.minutes = numeric(0.05, 24 * 60); break;
      case "--bots": args.bots = numeric(1, MAX_BOTS, true); break;
      case "--report-every": args.reportEverySec = numeric(5, 3600); break;
      case "--seed": args.seed = numeric(0, 2 ** 32 - 1, true); break;
      case "--out": args.out = value; break;
      case "--url": args.url = loopbackUrl(value); break;
      default: throw new ArgsError(`unknown option "${argv[i]}"`);
    }
  }
  return args;
}

/** The soak sends traffic to this machine only. */
function loopbackUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ArgsError(`--url must be a URL like ws://127.0.0.1:2567, got "${value}"`);
  }
  if (!["ws:", "http:"].includes(url.protocol)) throw new ArgsError(`--url must use ws or http, got "${value}"`);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) throw new ArgsError(`--url must be a loopback address (127.0.0.1, localhost, [::1]), got "${url.hostname}"`);
  if (!url.port) throw new ArgsError("--url needs a port");
  return `ws://${url.hostname}:${url.port}`;
}
