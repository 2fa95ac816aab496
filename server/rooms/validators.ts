import { z } from "zod";
import { CHAT_MAX_LENGTH, NAME_MAX_LENGTH } from "../../shared/constants.ts";
import type { ChatRequest, NameRequest } from "../../shared/protocol.ts";
import { sanitizeText } from "../../shared/text.ts";

/**
 * What the server makes of the messages clients send (shared/protocol.ts names their shapes),
 * server side only, so the browser bundle does not carry the validation library. Raw payloads
 * are bounded before sanitizing so a huge string costs nothing; anything that does not parse is
 * null, which the room counts and drops.
 */
const RAW_TEXT_LIMIT = 1000;

const ChatMessage = z.object({ text: z.string().max(RAW_TEXT_LIMIT) }).strict() satisfies z.ZodType<ChatRequest>;
const NameMessage = z.object({ name: z.string().max(RAW_TEXT_LIMIT) }).strict() satisfies z.ZodType<NameRequest>;

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

/**
 * The formats of the room's declarative handlers (Colyseus's `validate(format, handler)`): each
 * parses its payload and never refuses it, handing the handler null for a bad one. A format that
 * refused would make Colyseus close the socket at once with 4002 (RoomMessages.onData), which
 * also earns a reconnection grace; the room instead counts a bad message and closes only a
 * client that keeps sending them (CLOSE_INVALID_INPUT).
 */
export const chatFormat = z.unknown().transform(parseChat);
export const nameFormat = z.unknown().transform(parseName);

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
