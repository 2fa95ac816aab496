import { z } from "zod";
import { CHAT_MAX_LENGTH, NAME_MAX_LENGTH } from "./constants.ts";
import { sanitizeText } from "./text.ts";

/**
 * Validation of client -> server messages (besides the input channel), server side. Raw payloads are bounded before
 * sanitizing so a huge string costs nothing; anything that does not parse is dropped.
 */
const RAW_TEXT_LIMIT = 1000;

export const ChatMessage = z.object({ text: z.string().max(RAW_TEXT_LIMIT) }).strict();
export const NameMessage = z.object({ name: z.string().max(RAW_TEXT_LIMIT) }).strict();
export type ChatMessage = z.infer<typeof ChatMessage>;
export type NameMessage = z.infer<typeof NameMessage>;

export { MessageType, type ChatBroadcast, type Notice } from "./protocol.ts";

/** What a chat line asks for: a rename (`name: Bob`, as in the original game) or a line to say. */
export type ChatIntent =
  | { kind: "rename"; name: string }
  | { kind: "say"; text: string };

/** `name:` with an ASCII or a fullwidth colon (what a Chinese keyboard types). */
const NAME_COMMAND = /^\s*name\s*[:：](.*)$/isu;

/** Parses a raw chat payload; null when it is malformed or says nothing. */
export function parseChat(payload: unknown): ChatIntent | null {
  const parsed = ChatMessage.safeParse(payload);
  if (!parsed.success) return null;
  const command = NAME_COMMAND.exec(parsed.data.text);
  if (command) {
    const name = sanitizeName(command[1]);
    return name ? { kind: "rename", name } : null;
  }
  const text = sanitizeText(parsed.data.text, CHAT_MAX_LENGTH);
  return text ? { kind: "say", text } : null;
}

/** Parses a raw `name` payload; null when it is malformed or empty after sanitizing. */
export function parseName(payload: unknown): string | null {
  const parsed = NameMessage.safeParse(payload);
  return parsed.success ? sanitizeName(parsed.data.name) : null;
}

/** Hangul fillers: letters by category, blank on screen; a name of them looks like no name. */
const BLANK_LETTERS = /[\u115F\u1160\u3164\uFFA0]/gu;
/** A name must show something: at least one letter or digit of any script. */
const VISIBLE = /[\p{L}\p{N}]/u;

/**
 * A name as others will see it, or null if it would show nothing: compatibility forms folded
 * (NFKC: fullwidth "Ａｌｉｃｅ" is "Alice"), blank fillers removed, sanitized like all text, and
 * holding at least one letter or digit (a name of Braille blanks or punctuation is refused).
 */
export function sanitizeName(raw: string): string | null {
  const name = sanitizeText(raw.normalize("NFKC").replace(BLANK_LETTERS, ""), NAME_MAX_LENGTH);
  return VISIBLE.test(name) ? name : null;
}
