/**
 * Lookalike characters (Unicode Technical Standard #39, "Unicode Security Mechanisms"). The
 * table is Unicode's own confusables.txt (version 13.0.0: 6,311 characters, each with the
 * prototype it is drawn like: Cyrillic "А" and Greek "Α" are "A", "ѕ" is "s", "m" is "rn",
 * "1" and "I" are "l"), as the `unhomoglyph` package ships it. Pure: no I/O, both sides use it.
 */
import table from "unhomoglyph/data.json" with { type: "json" };

const PROTOTYPES = table as Readonly<Record<string, string>>;

function prototypeOf(ch: string): string {
  return Object.hasOwn(PROTOTYPES, ch) ? PROTOTYPES[ch] : ch;
}

/**
 * The UTS #39 skeleton: NFD, every character replaced by its prototype, NFD again. Two strings
 * that look alike have the same skeleton ("Аlice" with a Cyrillic А, and "Alice"); the skeleton
 * is for comparing, never for showing (it turns "m" into "rn").
 */
export function skeleton(text: string): string {
  let out = "";
  for (const ch of text.normalize("NFD")) out += prototypeOf(ch);
  return out.normalize("NFD");
}

const MARKS = /\p{M}/gu;

/**
 * One character folded for word matching (the word filter): compatibility forms (NFKC:
 * fullwidth "ｆ" is "f"), case, accents and other marks ("ü" is "u"), then lookalikes
 * (Armenian "ս" is "u", Cyrillic "с" is "c"), and case again, since some prototypes are
 * capitals. May be empty (a lone combining mark) or longer than one character ("ﬀ", "m").
 * Folding is per character so a match in the folded text maps back to the characters it came
 * from.
 */
export function foldForMatching(ch: string): string {
  const plain = ch.normalize("NFKC").toLowerCase().normalize("NFD").replace(MARKS, "");
  let out = "";
  for (const c of plain) out += prototypeOf(c);
  return out.toLowerCase().normalize("NFD").replace(MARKS, "");
}
