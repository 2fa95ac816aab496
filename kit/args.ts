import { parseArgs } from "node:util";

/**
 * Every command line of the scripts, read by `node:util` parseArgs: each script declares its flags
 * (a number with its range, a string, a switch) and gets typed values, or an ArgsError naming the
 * flag. `--flag value` and `--flag=value` behave the same everywhere.
 */

/** A bad command line: the scripts print its message and the usage, then exit 2. */
export class ArgsError extends Error {}

/**
 * One flag, declared once: its type (a number with its range, a string, a switch), what it does
 * (`help`, for the usage text; flags without help are internal and not listed), the placeholder
 * for its value in the usage (`arg`), and its `default`, which the usage shows and readFlags fills in.
 */
export type Flag =
  | { type: "number"; min: number; max: number; integer?: boolean; default?: number; help?: string; arg?: string }
  | { type: "string"; default?: string; help?: string; arg?: string }
  | { type: "boolean"; short?: string; help?: string };

type Value<F> = F extends { type: "number" } ? number : F extends { type: "boolean" } ? boolean : string;
/** What readFlags returns: a flag with a default is always there; the others only when given. */
export type FlagValues<S extends Record<string, Flag>> =
  { [K in keyof S as S[K] extends { default: number | string } ? K : never]: Value<S[K]> } &
  { [K in keyof S as S[K] extends { default: number | string } ? never : K]?: Value<S[K]> };

/** The flags of `argv` that `spec` declares, numbers checked against their ranges, defaults filled in; no positionals. */
export function readFlags<S extends Record<string, Flag>>(argv: readonly string[], spec: S): FlagValues<S> {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const [name, flag] of Object.entries(spec)) {
    options[name] = flag.type !== "boolean" ? { type: "string" } : flag.short ? { type: "boolean", short: flag.short } : { type: "boolean" };
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as typeof values;
  } catch (error) {
    throw new ArgsError((error as Error).message);
  }
  const out: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(spec)) {
    const value = values[name];
    if (value === undefined) out[name] = "default" in flag ? flag.default : undefined;
    else out[name] = flag.type === "number" ? numberInRange(`--${name}`, String(value), flag.min, flag.max, flag.integer) : value;
  }
  return out as FlagValues<S>;
}

/** The usage text: `Usage: <synopsis>`, then one line per flag with help, and its default; then --help. */
export function usage(synopsis: string, spec: Record<string, Flag>): string {
  const lines = Object.entries(spec).filter(([, flag]) => flag.help).map(([name, flag]) => {
    const head = `--${name}${flag.type === "boolean" ? "" : ` <${flag.arg ?? (flag.type === "number" ? "n" : "text")}>`}`;
    const fallback = flag.type !== "boolean" && flag.default !== undefined ? ` (default ${flag.default})` : "";
    return `  ${head.padEnd(22)} ${flag.help}${fallback}`;
  });
  return [`Usage: ${synopsis}`, ...lines, `  ${"--help".padEnd(22)} show this help`].join("\n");
}

/** A number within [min, max] (an integer if asked); blank, NaN and ±Infinity are rejected. */
export function numberInRange(flag: string, text: string, min: number, max: number, integer = false): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    throw new ArgsError(`${flag} must be ${integer ? "an integer" : "a number"} from ${min} to ${max}, got "${text}"`);
  }
  return n;
}

/** A URL using one of `protocols` (e.g. ["ws:", "http:"]); `example` shows the shape in the error. */
export function urlFlag(flag: string, value: string, protocols: readonly string[], example: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ArgsError(`${flag} must be a URL like ${example}, got "${value}"`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ArgsError(`${flag} must use ${protocols.map((p) => p.slice(0, -1)).join(", ").replace(/, ([^,]*)$/, " or $1")}, got "${value}"`);
  }
  return url;
}

/** Runs `read` on this process's arguments; `--help` (or `-h`) prints `usage` and exits 0, a bad command line prints it and exits 2. */
export function commandLine<T>(name: string, usage: string, read: (argv: readonly string[]) => T): T {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(usage);
    process.exit(0);
  }
  try {
    return read(argv);
  } catch (error) {
    if (!(error instanceof ArgsError)) throw error;
    console.error(`${name}: ${error.message}\n${usage}`);
    process.exit(2);
  }
}
