import { DEFAULT_NAME } from "./constants.ts";
import { skeleton } from "./confusables.ts";

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

export { isSuffixed, withSuffix } from "./nameSuffix.ts";
