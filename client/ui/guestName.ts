import type { Messages } from "../i18n/en.ts";

/**
 * A guest's own name, so a pond of newcomers is not a pond of "Guest"s: a pond creature and a
 * number ("Pollywog 37", "小蝌蚪 37"), drawn on the first visit and remembered in localStorage
 * like a chosen name. What is remembered is the pick (which creature, which number), not the
 * text: the creature lists of every language run in step (i18n `guestWords`), so the name reads
 * in the player's language, and switching language turns "Pollywog 37" into "小蝌蚪 37".
 *
 * Such a name is an ordinary name to the server: it is held while its tadpole is in the pond,
 * and a second player asking for it (the same browser in another tab, or a one-in-thousands
 * draw) swims as "Pollywog 37 2" with a name_taken notice, as with any name. Only the literal
 * default name, "Guest" (shared/constants.ts), is anyone's.
 */
const STORAGE_KEY = "tadpole-pond.guest";
/** Numbers are drawn from 1 to this: 16 creatures × 999 numbers keep two guests apart. */
export const GUEST_NUMBER_MAX = 999;

export interface GuestPick {
  /** Index into `guestWords`. */
  word: number;
  number: number;
}

/** A fresh pick; `random` returns [0, 1). */
export function drawGuest(wordCount: number, random: () => number = Math.random): GuestPick {
  return {
    word: Math.min(wordCount - 1, Math.floor(random() * wordCount)),
    number: 1 + Math.min(GUEST_NUMBER_MAX - 1, Math.floor(random() * GUEST_NUMBER_MAX)),
  };
}

/** The pick as a name in the language of `m`. */
export function guestNameIn(pick: GuestPick, m: Messages): string {
  return `${m.guestWords[pick.word % m.guestWords.length]} ${pick.number}`;
}

function parse(raw: string | null | undefined): GuestPick | undefined {
  try {
    const value: unknown = JSON.parse(raw ?? "null");
    if (typeof value !== "object" || value === null) return undefined;
    const { word, number } = value as Record<string, unknown>;
    if (!Number.isInteger(word) || !Number.isInteger(number)) return undefined;
    if ((word as number) < 0 || (number as number) < 1 || (number as number) > GUEST_NUMBER_MAX) return undefined;
    return { word: word as number, number: number as number };
  } catch {
    return undefined;
  }
}

/**
 * This browser's guest pick: the remembered one, else a new one, remembered from now on
 * (storage can be unavailable, private mode: then it lasts the visit).
 */
export function guestPick(wordCount: number, storage: Pick<Storage, "getItem" | "setItem"> | undefined = localStorageOrNothing()): GuestPick {
  let stored: string | null | undefined;
  try {
    stored = storage?.getItem(STORAGE_KEY);
  } catch {
    stored = undefined;
  }
  const known = parse(stored);
  if (known && known.word < wordCount) return known;
  const pick = drawGuest(wordCount);
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(pick));
  } catch {
    // Not remembering is fine.
  }
  return pick;
}

function localStorageOrNothing(): Storage | undefined {
  try {
    return localStorage;
  } catch {
    return undefined;
  }
}
