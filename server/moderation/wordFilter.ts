import { readFileSync } from "node:fs";
import { foldForMatching } from "../../shared/confusables.ts";

/**
 * The operator's word filter: masks listed words in chat lines and names before anyone else
 * sees them (PondRoom, before a line is broadcast or a name enters the state).
 *
 * A list is plain UTF-8, one entry a line; blank lines and lines starting with `#` are skipped.
 * - An entry with a Chinese, Japanese or Korean character matches anywhere, inside any text:
 *   those scripts put no spaces between words, so "你是傻逼吧" must hit "傻逼".
 * - Any other entry matches whole words only, so "ass" never hits "class" or "assassin", nor
 *   "cunt" "Scunthorpe". A trailing `*` also matches longer words starting with it ("fuck*":
 *   "fucking", "fucker"). An entry may hold spaces (a phrase).
 * Entries and text are compared folded (see foldForMatching): compatibility forms (fullwidth),
 * case, accents and lookalike letters, so "FUCK", "ｆｕｃｋ", "fück" and "fսck" (an Armenian ս)
 * are all "fuck". Each matched character but a space becomes one `*`.
 *
 * Spelled out one character at a time ("f u c k", "f.u.c.k", "s-h-i-t", "傻 逼"), a word still
 * counts: a run of single letters, each apart from the next by one or two separators (spaces,
 * punctuation), is read as the word its letters make. A whole-word entry masks the run when the
 * run is exactly that word (three letters or more), a `*` entry when the run starts with it, a
 * Chinese, Japanese or Korean entry wherever it appears in the run. Only a whole run counts as a
 * Latin word, so single-letter words in a sentence ("u r a s s") are not read into one.
 */

/**
 * A spelled-out run in folded text: single letters or digits, each apart from the next by one or
 * two characters that are neither, not touching another letter at either end.
 */
const SPELLED = /(?<![\p{L}\p{N}])[\p{L}\p{N}](?:[^\p{L}\p{N}]{1,2}[\p{L}\p{N}])+(?![\p{L}\p{N}])/gu;
/** Letters a spelled-out Latin word needs: "a b" is two words more often than one. */
const SPELLED_MIN = 3;

/** Scripts written without spaces between words: their entries match as substrings. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const SPACE = /\s/u;

/** A character that continues a word for whole-word matching (any letter or digit, not CJK). */
function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && LETTER_OR_DIGIT.test(ch) && !UNSPACED.test(ch);
}

interface Entry {
  /** The entry folded. */
  folded: string;
  /** Matches as a substring (CJK) rather than as whole words. */
  anywhere: boolean;
  /** A trailing `*`: longer words that start with it match too. */
  prefix: boolean;
}

/** Text folded character by character, with where each folded UTF-16 unit came from. */
interface Folded {
  text: string;
  /** For each UTF-16 unit of `text`, the index of its source character in `chars`. */
  source: number[];
  /** The source's characters (code points). */
  chars: string[];
  /** Whether each source character folded to nothing (a lone combining mark). */
  empty: boolean[];
}

/** Folded characters seen before: chat reuses a few hundred, and folding one costs microseconds. */
const FOLDS = new Map<string, string>();
const MAX_FOLDS = 8192;

function foldChar(ch: string): string {
  let f = FOLDS.get(ch);
  if (f === undefined) {
    f = foldForMatching(ch);
    if (FOLDS.size >= MAX_FOLDS) FOLDS.clear();
    FOLDS.set(ch, f);
  }
  return f;
}

function fold(text: string): Folded {
  const chars = [...text];
  const source: number[] = [];
  const empty: boolean[] = [];
  let folded = "";
  for (let i = 0; i < chars.length; i++) {
    const f = foldChar(chars[i]);
    empty.push(f.length === 0);
    folded += f;
    for (let k = 0; k < f.length; k++) source.push(i);
  }
  return { text: folded, source, chars, empty };
}

/** The character (code point) of `text` that ends just before UTF-16 index `at`. */
function charBefore(text: string, at: number): string | undefined {
  if (at <= 0) return undefined;
  const low = text.charCodeAt(at - 1);
  const start = low >= 0xdc00 && low <= 0xdfff && at >= 2 ? at - 2 : at - 1;
  return String.fromCodePoint(text.codePointAt(start)!);
}

function charAt(text: string, at: number): string | undefined {
  return at < text.length ? String.fromCodePoint(text.codePointAt(at)!) : undefined;
}

export class WordFilter {
  private readonly entries: Entry[];

  private constructor(entries: Entry[]) {
    // Longest first, so a longer entry masks all of an overlap.
    this.entries = entries.sort((a, b) => b.folded.length - a.folded.length);
  }

  /** A filter of the entries in `list` (the text of a word list file, see above). */
  static parse(list: string): WordFilter {
    const entries: Entry[] = [];
    const seen = new Set<string>();
    for (const raw of list.split(/\r?\n/)) {
      const line = raw.trim();
      if (line === "" || line.startsWith("#")) continue;
      const prefix = line.endsWith("*");
      const word = (prefix ? line.slice(0, -1) : line).replace(/\s+/gu, " ").trim();
      const folded = fold(word).text;
      if (folded === "") continue;
      const anywhere = UNSPACED.test(word);
      const key = `${anywhere ? "a" : prefix ? "p" : "w"}:${folded}`;
      if (seen.has(key)) continue;
      seen.add(key);
      entries.push({ folded, anywhere, prefix: prefix && !anywhere });
    }
    return new WordFilter(entries);
  }

  /** How many entries the filter holds. */
  get size(): number {
    return this.entries.length;
  }

  /** `text` with every listed word masked (one `*` per character); the same string when none is. */
  mask(text: string): string {
    if (this.entries.length === 0 || text === "") return text;
    const f = fold(text);
    const hay = f.text;
    // Folded ranges [start, end) to mask.
    let ranges: Array<[number, number]> | undefined;
    for (const entry of this.entries) {
      let from = 0;
      for (;;) {
        const at = hay.indexOf(entry.folded, from);
        if (at < 0) break;
        let end = at + entry.folded.length;
        from = at + 1;
        if (!entry.anywhere) {
          if (isWordChar(charBefore(hay, at))) continue;
          if (entry.prefix) {
            for (let next = charAt(hay, end); isWordChar(next); next = charAt(hay, end)) end += next!.length;
          } else if (isWordChar(charAt(hay, end))) {
            continue;
          }
        }
        (ranges ??= []).push([at, end]);
      }
    }
    ranges = spelledOut(this.entries, hay, ranges);
    if (!ranges) return text;

    const masked = new Array<boolean>(f.chars.length).fill(false);
    for (const [start, end] of ranges) {
      let last = f.source[end - 1];
      for (let i = f.source[start]; i <= last; i++) masked[i] = true;
      // Marks that folded to nothing but sit on the last masked character go with it.
      while (last + 1 < f.chars.length && f.empty[last + 1]) masked[++last] = true;
    }
    let out = "";
    for (let i = 0; i < f.chars.length; i++) {
      if (!masked[i] || SPACE.test(f.chars[i])) out += f.chars[i];
      else if (!f.empty[i]) out += "*";
    }
    return out;
  }
}

/**
 * Adds to `ranges` the listed words spelled out one letter at a time in `hay` (folded text; see
 * the class comment): for each run, its letters joined, matched against `entries`.
 */
function spelledOut(entries: readonly Entry[], hay: string, ranges: Array<[number, number]> | undefined): Array<[number, number]> | undefined {
  SPELLED.lastIndex = 0;
  for (let run = SPELLED.exec(hay); run !== null; run = SPELLED.exec(hay)) {
    // The run's letters, and where each sits in `hay` (a letter may be two UTF-16 units).
    let word = "";
    const at: number[] = [];
    const end: number[] = [];
    for (let i = run.index; i < run.index + run[0].length;) {
      const ch = charAt(hay, i)!;
      if (LETTER_OR_DIGIT.test(ch)) {
        for (let k = 0; k < ch.length; k++) {
          at.push(i);
          end.push(i + ch.length);
        }
        word += ch;
      }
      i += ch.length;
    }
    const letters = [...word].length;
    for (const entry of entries) {
      const folded = entry.folded.replace(/ /g, "");
      if (folded.length === 0) continue;
      if (entry.anywhere) {
        for (let from = word.indexOf(folded); from >= 0; from = word.indexOf(folded, from + 1)) {
          (ranges ??= []).push([at[from], end[from + folded.length - 1]]);
        }
      } else if (letters >= SPELLED_MIN && (entry.prefix ? word.startsWith(folded) : word === folded)) {
        (ranges ??= []).push([run.index, run.index + run[0].length]);
      }
    }
  }
  return ranges;
}

/**
 * The filter of the word lists in `files` (config.wordListFiles), or undefined when there are
 * none (WORD_LIST_FILE=off). Throws when a file cannot be read.
 */
export function loadWordFilter(files: readonly string[]): WordFilter | undefined {
  if (files.length === 0) return undefined;
  return WordFilter.parse(files.map((file) => readFileSync(file, "utf8")).join("\n"));
}
