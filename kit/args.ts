import { parseArgs } from "node:util";

/**
 * Every command line of the scripts, read by `node:util` parseArgs: each script declares its flags
 * (a number with its range, a string, a switch) and gets typed values, or an ArgsError naming the
 * flag. `--flag value` and `--flag=value` behave the same everywhere.
 */

/** A bad command line: the scripts print its message and the usage, then exit 2. */
export class ArgsError extends Error {}

export type Flag =
  | { type: "number"; min: number; max: number; integer?: boolean }
  | { type: "string" }
  | { type: "boolean"; short?: string };

export type FlagValues<S extends Record<string, Flag>> = {
  [K in keyof S]?: S[K] extends { type: "number" } ? number : S[K] extends { type: "boolean" } ? boolean : string;
};

/** The flags of `argv` that `spec` declares, numbers checked against their ranges; no positionals. */
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
  for (const [name, value] of Object.entries(values)) {
    const flag = spec[name];
    if (value === undefined) continue;
    out[name] = flag.type === "number" ? numberInRange(`--${name}`, String(value), flag.min, flag.max, flag.integer) : value;
  }
  return out as FlagValues<S>;
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

/** Runs `read` on this process's arguments; a bad command line prints `usage` and exits 2. */
export function commandLine<T>(name: string, usage: string, read: (argv: readonly string[]) => T): T {
  try {
    return read(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ArgsError)) throw error;
    console.error(`${name}: ${error.message}\n${usage}`);
    process.exit(2);
  }
}
