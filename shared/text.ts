/**
 * Text that players type is untrusted. We keep letters, marks, digits, punctuation, symbols
 * and plain spaces of any script, and drop what can hide or reorder text: control characters,
 * bidi overrides and isolates, zero-width joiners and other format characters, line breaks.
 * Runs of whitespace collapse to one space. Length is counted in code points, so a cut never
 * splits an emoji's surrogate pair.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/gu;
const SPACES = /\s+/gu;

export function sanitizeText(raw: string, maxLength: number): string {
  const cleaned = raw.replace(UNSAFE, "").replace(SPACES, " ").trim();
  const points = Array.from(cleaned);
  return points.length > maxLength ? points.slice(0, maxLength).join("").trimEnd() : cleaned;
}
