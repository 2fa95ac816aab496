/**
 * The small pieces every script's hand-written argv parser shares (bots, bench, soak). Each script
 * keeps its own flag table and messages; only the mechanics live here, so `--flag value` and
 * `--flag=value` behave the same everywhere.
 */

/** A bad command line: the scripts print its message and the usage, then exit 2. */
export class ArgsError extends Error {}

/** `--flag=value` split into the flag and its inline value; any other argument is just a flag. */
export function splitFlag(arg: string): { flag: string; inline: string | undefined } {
  const eq = arg.indexOf("=");
  if (arg.startsWith("--") && eq > 0) return { flag: arg.slice(0, eq), inline: arg.slice(eq + 1) };
  return { flag: arg, inline: undefined };
}

/**
 * The value of the flag at argv[i]: its inline value, else the next argument. Returns the index of
 * the last argument consumed, so the caller's loop carries on after the value.
 */
export function flagValue(argv: readonly string[], i: number, flag: string, inline: string | undefined): { value: string; i: number } {
  if (inline !== undefined) return { value: inline, i };
  const value = argv[i + 1];
  if (value === undefined) throw new ArgsError(`${flag} needs a value`);
  return { value, i: i + 1 };
}

/** A number within [min, max] (an integer if asked); blank, NaN and ±Infinity are rejected. */
export function numberInRange(flag: string, text: string, min: number, max: number, integer = false): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    throw new ArgsError(`${flag} must be ${integer ? "an integer" : "a number"} from ${min} to ${max}, got "${text}"`);
  }
  return n;
}
