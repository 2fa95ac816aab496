import { describe, expect, it } from "vitest";
import { CHAT_MAX_LENGTH, NAME_MAX_LENGTH } from "../../shared/constants.ts";
import { sanitizeText } from "../../shared/text.ts";

const clean = (raw: string, max = 100) => sanitizeText(raw, max);

describe("sanitizeText", () => {
  it("keeps ordinary text of any script, with marks, digits, punctuation and symbols", () => {
    for (const text of ["Hello, pond! 123", "日本語のおたまじゃくし", "Привет", "مرحبا بالعالم", "e\u0301te\u0301", "a+b=c €5 ©", "🐸 ribbit"]) {
      expect(clean(text)).toBe(text);
    }
  });

  it("removes control characters (C0, DEL, C1)", () => {
    expect(clean("a\u0000b\u0007c\u001b[31md\u007fe\u0085f\u009bg")).toBe("abc[31mdefg");
  });

  it("removes bidi overrides, embeddings, isolates and marks", () => {
    expect(clean("abc\u202Etxt.exe")).toBe("abctxt.exe");
    expect(clean("\u2066x\u2067y\u2068z\u2069")).toBe("xyz");
    expect(clean("\u202Aa\u202Bb\u202Cc\u202Dd\u200Ee\u200Ff\u061Cg")).toBe("abcdefg");
  });

  it("removes zero-width and other format characters", () => {
    expect(clean("ad\u200Bmin")).toBe("admin");
    expect(clean("\uFEFFbom")).toBe("bom");
    expect(clean("a\u200Cb\u200Dc\u2060d\u00ADe")).toBe("abcde");
  });

  it("turns line and paragraph separators into a space, removes lone surrogates, private-use and unassigned code points", () => {
    expect(clean("a\u2028b\u2029c")).toBe("a b c"); // line breaks, like \n, become a space
    expect(clean("x\uD800y\uDFFFz")).toBe("xyz");
    expect(clean("p\uE000q\u{F0000}r")).toBe("pqr");
    expect(clean("u\u{E0001}v")).toBe("uv"); // language tag (Cf)
    expect(clean("s\u0378t")).toBe("st"); // unassigned (Cn)
  });

  it("collapses runs of whitespace to one space and trims", () => {
    expect(clean("  a    b   ")).toBe("a b");
    expect(clean("a\u00A0\u00A0b\u3000c\u2003d")).toBe("a b c d");
    expect(clean(" a \n\t b ")).toBe("a b");
    expect(clean(" \u200B \u202E ")).toBe("");
    expect(clean("")).toBe("");
  });

  it("turns a tab or line break between words into a space", () => {
    expect(clean("hello\nworld")).toBe("hello world");
    expect(clean("a\tb")).toBe("a b");
  });

  it("cuts to the limit in code points, never splitting a surrogate pair", () => {
    const emoji = "😀".repeat(NAME_MAX_LENGTH + 5);
    const cut = sanitizeText(emoji, NAME_MAX_LENGTH);
    expect(Array.from(cut)).toHaveLength(NAME_MAX_LENGTH);
    expect(cut).toBe("😀".repeat(NAME_MAX_LENGTH));
    expect(/\p{Cs}/u.test(cut)).toBe(false); // no lone surrogate
    // Mixed: the cut lands right after an astral character.
    const mixed = sanitizeText("ab🐸cd", 3);
    expect(mixed).toBe("ab🐸");
    expect(sanitizeText("x".repeat(CHAT_MAX_LENGTH * 3), CHAT_MAX_LENGTH)).toHaveLength(CHAT_MAX_LENGTH);
  });

  it("counts user-perceived characters: never splits a skin-tone emoji or a flag", () => {
    expect(sanitizeText("👍🏽".repeat(5), 3)).toBe("👍🏽".repeat(3));
    expect(sanitizeText("🇯🇵🇫🇷🇧🇷", 2)).toBe("🇯🇵🇫🇷");
  });

  it("counts the limit after cleaning, and trims a space left at the cut", () => {
    expect(sanitizeText("\u200B".repeat(50) + "abc", 3)).toBe("abc");
    expect(sanitizeText("abc def", 4)).toBe("abc");
    expect(sanitizeText("a    b", 3)).toBe("a b");
  });

  it("is idempotent", () => {
    for (const raw of ["  a\u202Eb  c ", "😀".repeat(40), "x\u0000\u200By", "日本 語  "]) {
      const once = sanitizeText(raw, 24);
      expect(sanitizeText(once, 24)).toBe(once);
    }
  });
});
