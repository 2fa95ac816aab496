import { NAME_MAX_LENGTH } from "./constants.ts";
import { sanitizeText } from "./text.ts";

/**
 * How the server numbers a name that is already taken in the pond ("Alice 2"). Apart from
 * names.ts so the browser can read a numbered name without loading Unicode's lookalike table.
 */

/**
 * `name` with the number `n` appended ("Alice 2"), the name cut first so the result still fits
 * NAME_MAX_LENGTH.
 */
export function withSuffix(name: string, n: number): string {
  const tail = ` ${n}`;
  return `${sanitizeText(name, NAME_MAX_LENGTH - tail.length)}${tail}`;
}

/** Whether `name` is `asked` with a number appended by the server (see withSuffix). */
export function isSuffixed(name: string, asked: string): boolean {
  const match = / ([0-9]+)$/.exec(name);
  return match !== null && withSuffix(asked, Number(match[1])) === name;
}
