import { describe, expect, it } from "vitest";
import { CHAT_MAX_LENGTH, NAME_MAX_LENGTH } from "../../shared/constants.ts";
import { parseChat, parseName, sanitizeName } from "../../server/rooms/validators.ts";

const MALFORMED: unknown[] = [
  undefined, null, 42, "hello", true, [], ["hello"], {}, { text: 5 }, { text: null }, { text: ["hi"] },
  { text: { toString: () => "hi" } }, { text: "hi", extra: 1 }, { Text: "hi" }, { name: "Bob" },
  new Uint8Array([104, 105]), { text: "x".repeat(1001) },
];

describe("parseChat", () => {
  it("turns a line into a `say` intent, sanitized", () => {
    expect(parseChat({ text: "hello" })).toEqual({ kind: "say", text: "hello" });
    expect(parseChat({ text: "  hi \u202Ethere  " })).toEqual({ kind: "say", text: "hi there" });
  });

  it("cuts a long line to CHAT_MAX_LENGTH", () => {
    const intent = parseChat({ text: "y".repeat(1000) });
    expect(intent).toEqual({ kind: "say", text: "y".repeat(CHAT_MAX_LENGTH) });
  });

  it("returns null for a line that is empty after sanitizing", () => {
    for (const text of ["", "   ", "\u200B\u202E", "\u0000\n"]) expect(parseChat({ text })).toBeNull();
  });

  it("`name: Bob` is a rename, case-insensitive and space-tolerant", () => {
    for (const text of ["name: Bob", "NAME:Bob", "  Name :   Bob  ", "nAmE:\tBob", "name:\nBob", "name：Bob", "name ： Bob"]) {
      expect(parseChat({ text })).toEqual({ kind: "rename", name: "Bob" });
    }
  });

  it("a rename is sanitized and cut to NAME_MAX_LENGTH; an empty one is null", () => {
    expect(parseChat({ text: "name: \u202EBo\u200Bb" })).toEqual({ kind: "rename", name: "Bob" });
    expect(parseChat({ text: `name: ${"n".repeat(100)}` })).toEqual({ kind: "rename", name: "n".repeat(NAME_MAX_LENGTH) });
    for (const text of ["name:", "name:   ", "NAME: \u200B", "name:\u0000"]) expect(parseChat({ text })).toBeNull();
  });

  it("only a line that starts with `name:` is a rename", () => {
    expect(parseChat({ text: "my name: Bob" })).toEqual({ kind: "say", text: "my name: Bob" });
    expect(parseChat({ text: "names: x" })).toEqual({ kind: "say", text: "names: x" });
    expect(parseChat({ text: "name Bob" })).toEqual({ kind: "say", text: "name Bob" });
  });

  it("rejects wrong types, extra fields and oversized payloads", () => {
    for (const payload of MALFORMED) expect(parseChat(payload), JSON.stringify(payload)).toBeNull();
  });

  it("rejects a payload smuggling __proto__", () => {
    expect(parseChat(JSON.parse('{"text":"hi","__proto__":{"admin":true}}'))).toBeNull();
  });
});

describe("parseName", () => {
  it("accepts a name, sanitized and cut to NAME_MAX_LENGTH", () => {
    expect(parseName({ name: "Bob" })).toBe("Bob");
    expect(parseName({ name: "  Bob \u202E  Smith " })).toBe("Bob Smith");
    expect(parseName({ name: `Frog${"🐸".repeat(40)}` })).toBe(`Frog${"🐸".repeat(NAME_MAX_LENGTH - 4)}`);
  });

  it("needs a visible letter or digit, folds compatibility forms and drops blank fillers", () => {
    // Blank-looking names: Hangul fillers (letters by category, invisible), Braille blanks, only symbols.
    for (const name of ["\u3164", "\u3164\u3164\u3164", "\u2800\u2800", "\uFFA0", "🐸🐸", "...", "- _ -"]) {
      expect(parseName({ name }), JSON.stringify(name)).toBeNull();
    }
    expect(parseName({ name: "Ａｌｉｃｅ" }), "fullwidth letters are the same name").toBe("Alice");
    expect(parseName({ name: "Al\u3164ice" }), "a filler inside a name is dropped").toBe("Alice");
    expect(parseName({ name: "小蝌蚪" })).toBe("小蝌蚪");
    expect(parseName({ name: "7" })).toBe("7");
    expect(parseName({ name: "🐸 Bo" })).toBe("🐸 Bo");
  });

  it("returns null for empty names, wrong types, extra fields and oversized payloads", () => {
    for (const payload of [
      undefined, null, "Bob", 7, {}, { name: 7 }, { name: null }, { name: "" }, { name: "   " }, { name: "\u200B" },
      { name: "Bob", admin: true }, { text: "Bob" }, { name: "x".repeat(1001) },
    ]) {
      expect(parseName(payload), JSON.stringify(payload)).toBeNull();
    }
  });

  it("sanitizeName is null for nothing usable", () => {
    expect(sanitizeName(" \u0000 ")).toBeNull();
    expect(sanitizeName(" Al ")).toBe("Al");
  });
});
