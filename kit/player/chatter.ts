import { pick, type Rng } from "../../shared/rng.ts";

const OPENERS = ["hi", "hello", "blub", "hey", "yo", "psst", "ahoy", "hm", "oh", "ok"];
const LINES = [
  "anyone here?",
  "so dark down here",
  "race you!",
  "nice tail",
  "where's the light?",
  "I think I saw a frog",
  "tadpoles unite",
  "just swimming",
  "this pond is huge",
  "follow me",
  "~~~",
  "🐸",
  "glub glub",
  "who's that?",
  "going for a lap",
  // Text the server must pass through untouched or sanitize: other scripts, and markup.
  "où est la mare ?",
  "池塘",
  "<b>not bold</b>",
];

/** A random short chat line, e.g. "blub, race you!". */
export function chatLine(rng: Rng): string {
  const roll = rng();
  if (roll < 0.3) return pick(rng, OPENERS);
  if (roll < 0.6) return pick(rng, LINES);
  return `${pick(rng, OPENERS)}, ${pick(rng, LINES)}`;
}

/** The rename command a bot sends once, as a chat line: `name: Bot-123`. */
export function renameLine(rng: Rng): string {
  return `name: Bot-${100 + Math.floor(rng() * 900)}`;
}
