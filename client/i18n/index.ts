import type { Notice } from "../../shared/protocol.ts";
import { en, type Messages } from "./en.ts";
import { zh } from "./zh.ts";

/**
 * The page's language: English or Simplified Chinese. It follows the browser's languages
 * (`navigator.languages`: the first that is Chinese or English wins, English otherwise) until
 * the player picks one with the switch, which is remembered in localStorage. Every string a
 * player reads comes from `t()`; UI parts that stay on screen re-render through
 * `onLangChange`. index.html paints its loading screen in the same language before any script
 * runs, with a tiny inline script that reads the same storage key (tests/unit/i18n.test.ts
 * keeps the two in step).
 */
export type Lang = "en" | "zh";

export const LANGS: readonly Lang[] = ["en", "zh"];
export const TABLES: Readonly<Record<Lang, Messages>> = { en, zh };
export const LANG_STORAGE_KEY = "tadpole-pond.lang";
/** `<html lang>` for each language. */
export const HTML_LANG: Readonly<Record<Lang, string>> = { en: "en", zh: "zh-CN" };
/** The web app manifest for each language (its name on a home screen). */
export const MANIFEST: Readonly<Record<Lang, string>> = { en: "/manifest.webmanifest", zh: "/manifest.zh.webmanifest" };

export type { Messages };

function isLang(value: unknown): value is Lang {
  return value === "en" || value === "zh";
}

/**
 * The language to show: the one the player picked (`stored`), else the first of the browser's
 * languages that we have (any Chinese, `zh-CN`, `zh-TW`, `zh-Hans`…, reads Simplified; any
 * English reads English), else English.
 */
export function pickLang(stored: string | null | undefined, languages: readonly string[]): Lang {
  if (isLang(stored)) return stored;
  for (const tag of languages) {
    const primary = tag.toLowerCase().split(/[-_]/)[0];
    if (isLang(primary)) return primary;
  }
  return "en";
}

function storage(): Storage | undefined {
  try {
    return typeof localStorage === "undefined" ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

function browserLanguages(): readonly string[] {
  if (typeof navigator === "undefined") return [];
  return navigator.languages?.length ? navigator.languages : navigator.language ? [navigator.language] : [];
}

function storedLang(): string | null {
  try {
    return storage()?.getItem(LANG_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

let current: Lang | undefined;
const listeners = new Set<(lang: Lang) => void>();

/** The language shown now. */
export function lang(): Lang {
  current ??= pickLang(storedLang(), browserLanguages());
  return current;
}

/** The strings of the language shown now. */
export function t(): Messages {
  return TABLES[lang()];
}

/** Shows `next` from now on, remembers it for later visits, and tells every listener. */
export function setLang(next: Lang): void {
  try {
    storage()?.setItem(LANG_STORAGE_KEY, next);
  } catch {
    // Not remembering is fine: the switch still holds for this visit.
  }
  if (next === lang()) return;
  current = next;
  applyToDocument();
  for (const listener of listeners) listener(next);
}

/** Calls `listener` after every language switch; returns a function that stops it. */
export function onLangChange(listener: (lang: Lang) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** `<html lang>`, the title, and the manifest's link, for the language shown. */
export function applyToDocument(): void {
  if (typeof document === "undefined") return;
  const l = lang();
  document.documentElement.lang = HTML_LANG[l];
  document.title = TABLES[l].title;
  const manifest = document.querySelector<HTMLLinkElement>("link[rel='manifest']");
  if (manifest && manifest.getAttribute("href") !== MANIFEST[l]) manifest.setAttribute("href", MANIFEST[l]);
}

/**
 * What a server notice says, in the language shown: our own words for the codes we know, the
 * server's text for any other (a newer server's). `name_taken` names the asked and the given
 * name when the server sends them (it does since they were added; an older one did not).
 */
export function noticeText(notice: Pick<Notice, "text" | "asked" | "name"> & { code: string }, m: Messages = t()): string {
  switch (notice.code) {
    case "chat_throttled":
      return m.chatThrottled;
    case "rename_throttled":
      return m.renameThrottled;
    case "name_taken":
      return typeof notice.asked === "string" && typeof notice.name === "string" ? m.nameTaken(notice.asked, notice.name) : m.nameTakenPlain;
    default:
      return typeof notice.text === "string" ? notice.text : "";
  }
}

/** A line split at backticks: every odd piece is code (`name: Bob`). Plain text, no markup. */
export function codeSegments(line: string): Array<{ text: string; code: boolean }> {
  return line.split("`").map((text, i) => ({ text, code: i % 2 === 1 })).filter((s) => s.text !== "");
}
