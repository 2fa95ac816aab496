/**
 * Text that players type is untrusted. We keep letters, marks, digits, punctuation, symbols
 * and plain spaces of any script, and drop what can hide or reorder text: control characters,
 * bidi overrides and isolates, zero-width joiners and other format characters. Any whitespace
 * (tabs and line breaks included) becomes one space. Length is counted in user-perceived
 * characters (grapheme clusters), so a cut never splits an emoji, a flag or a skin-tone pair.
 */
const SPACES = /\s+/gu;
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/gu;
/** UTF-16 units allowed per counted character: a flag or a skin-toned emoji is 4 (ZWJ sequences are already split). */
const MAX_UNITS_PER_CHARACTER = 4;
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

export function sanitizeText(raw: string, maxLength: number): string {
  // Whitespace first, so "a\nb" keeps its word break; then what is left of the unsafe set can
  // only join two spaces, which the second collapse folds.
  const cleaned = raw.replace(SPACES, " ").replace(UNSAFE, "").replace(SPACES, " ").trim();
  if (cleaned.length <= maxLength) return cleaned;
  let out = "";
  let count = 0;
  for (const { segment } of graphemes.segment(cleaned)) {
    // One grapheme may stack any number of combining marks (Zalgo): cap the UTF-16 length too.
    if (count++ === maxLength || out.length + segment.length > maxLength * MAX_UNITS_PER_CHARACTER) break;
    out += segment;
  }
  return out.trimEnd();
}
