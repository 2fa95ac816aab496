import { DEFAULT_NAME, NAME_MAX_LENGTH } from "./constants.ts";
import { skeleton } from "./confusables.ts";
import { sanitizeText } from "./text.ts";

/**
 * What makes two names "the same name" in a pond, and how the server tells two alike names
 * apart. Pure, and free of the validation library: the browser uses it for mutes.
 */

/**
 * The keys a name is known by: its UTS #39 skeleton ("Аlice" with a Cyrillic А and "AIice"
 * with a capital i both read "Alice") and the skeleton of its lower case ("ALICE", "alice").
 * Two names are confusable when they share a key. Two keys, not one: "I" looks like "l" only
 * as a capital, so no single folding catches both "AIice" and "ALICE" as "Alice".
 */
export function nameKeys(name: string): string[] {
  const exact = skeleton(name);
  const folded = skeleton(name.toLowerCase());
  return exact === folded ? [exact] : [exact, folded];
}

/** Whether two names look alike (share a key). */
export function confusableNames(a: string, b: string): boolean {
  const keys = nameKeys(b);
  return nameKeys(a).some((k) => keys.includes(k));
}

const DEFAULT_KEYS = nameKeys(DEFAULT_NAME);

/**
 * Whether a name reads as the default name ("Guest", "guest", "Guеst" with a Cyrillic е).
 * Everyone without a name of their own is a Guest: it names nobody, so it is neither kept
 * unique in a pond nor remembered in a mute.
 */
export function isDefaultName(name: string): boolean {
  return nameKeys(name).some((k) => DEFAULT_KEYS.includes(k));
}

/**
 * `name` with the number `n` appended ("Alice 2"), the name cut first so the result still fits
 * NAME_MAX_LENGTH: how the server tells apart a name that is already taken in the pond.
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
