import { ArgsError, readFlags, urlFlag } from "../../kit/args.ts";

/** Command line of `npm run soak` (USAGE says what each option does). */
export type SoakArgs = ReturnType<typeof parseSoakArgs>;

export const MAX_BOTS = 200;

export const USAGE = `Usage: npm run soak -- [options]
  --minutes <m>        how long to run, minutes; fractions allowed (default 30)
  --url <ws-url>       soak this running server (loopback only) instead of starting one
  --bots <n>           bots, 1..${MAX_BOTS} (default 40)
  --report-every <s>   seconds between report rows (default 60)
  --out <path>         markdown report (default docs/benchmarks/soak.md; "-" for none)
  --seed <int>         random seed (default: time-based)
  --help`;

const FLAGS = {
  minutes: { type: "number", min: 0.05, max: 24 * 60 },
  bots: { type: "number", min: 1, max: MAX_BOTS, integer: true },
  "report-every": { type: "number", min: 5, max: 3600 },
  seed: { type: "number", min: 0, max: 2 ** 32 - 1, integer: true },
  out: { type: "string" },
  url: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export function parseSoakArgs(argv: readonly string[], now = Date.now()) {
  const f = readFlags(argv, FLAGS);
  return {
    minutes: f.minutes ?? 30,
    url: f.url === undefined ? undefined : loopbackUrl(f.url),
    bots: f.bots ?? 40,
    reportEverySec: f["report-every"] ?? 60,
    out: f.out ?? "docs/benchmarks/soak.md",
    seed: f.seed ?? now >>> 0,
    help: f.help ?? false,
  };
}

/** The soak sends traffic to this machine only. */
function loopbackUrl(value: string): string {
  const url = urlFlag("--url", value, ["ws:", "http:"], "ws://127.0.0.1:2567");
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) throw new ArgsError(`--url must be a loopback address (127.0.0.1, localhost, [::1]), got "${url.hostname}"`);
  if (!url.port) throw new ArgsError("--url needs a port");
  return `ws://${url.hostname}:${url.port}`;
}
