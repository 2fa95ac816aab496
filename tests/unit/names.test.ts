import { describe, expect, it } from "vitest";
import { NAME_MAX_LENGTH } from "../../shared/constants.ts";
import { foldForMatching, skeleton } from "../../shared/confusables.ts";
import { sanitizeName } from "../../server/rooms/validators.ts";
import { confusableNames, isDefaultName, isSuffixed, nameKeys, withSuffix } from "../../shared/names.ts";

/** Names as the server holds them: sanitized (NFKC) first, as sanitizeName does at join and rename. */
const name = (raw: string): string => sanitizeName(raw)!;

describe("skeleton (UTS #39)", () => {
  it("maps Cyrillic, Greek, Armenian and other lookalikes to the Latin letters they are drawn like", () => {
    expect(skeleton("\u0410lice")).toBe("Alice"); // Cyrillic А
    expect(skeleton("\u0391lice")).toBe("Alice"); // Greek Α
    expect(skeleton("p\u0430yp\u0430l")).toBe("paypal"); // Cyrillic а twice
    expect(skeleton("\u0455cam")).toBe(skeleton("scam")); // Cyrillic ѕ
    expect(skeleton("f\u057Dck")).toBe("fuck"); // Armenian ս
    expect(skeleton("B\u03BFb")).toBe("Bob"); // Greek ο
  });

  it("folds the Latin lookalikes too: I, 1 and l; 0 and O; m and rn", () => {
    expect(skeleton("AIice")).toBe(skeleton("Alice"));
    expect(skeleton("A1ice")).toBe(skeleton("Alice"));
    expect(skeleton("B0B")).toBe(skeleton("BOB"));
    expect(skeleton("Sam")).toBe(skeleton("Sarn"));
  });

  it("keeps different-looking text different", () => {
    expect(skeleton("Alice")).not.toBe(skeleton("Alise"));
    expect(skeleton("Bob")).not.toBe(skeleton("Rob"));
    expect(skeleton("Zoë")).not.toBe(skeleton("Zoe"));
    expect(skeleton("小蝌蚪")).toBe("小蝌蚪");
  });
});

describe("nameKeys: names that look alike share a key", () => {
  const alike: Array<[string, string, string]> = [
    ["Alice", "Alice", "an exact duplicate"],
    ["Alice", "\u0410lice", "a Cyrillic А"],
    ["Alice", "\u0391lice", "a Greek Α"],
    ["Alice", "AIice", "a capital i for the l"],
    ["Alice", "ALICE", "another case"],
    ["Alice", "alice", "lower case"],
    ["Alice", "\uFF21\uFF4C\uFF49\uFF43\uFF45", "fullwidth (folded by NFKC in sanitizeName)"],
    ["Alice", "\u0410LICE", "a Cyrillic А in capitals"],
    ["Ivan", "lvan", "a lower-case L for the capital I"],
  ];
  for (const [a, b, why] of alike) {
    it(`"${a}" and "${b}": ${why}`, () => {
      expect(confusableNames(name(a), name(b))).toBe(true);
    });
  }

  const distinct: Array<[string, string]> = [
    ["Alice", "Bob"],
    ["Alice", "Alicia"],
    ["Alice", "Alice 2"],
    ["Alice 2", "Alice 3"],
    ["Anna", "Anne"],
    ["Zoe", "Zoë"],
    ["小蝌蚪", "大蝌蚪"],
    ["Алиса", "Alice"],
  ];
  for (const [a, b] of distinct) {
    it(`"${a}" and "${b}" stay distinct`, () => {
      expect(confusableNames(name(a), name(b))).toBe(false);
    });
  }

  it("every suffix gives a name of its own", () => {
    const keys = new Set<string>();
    for (let n = 2; n < 200; n++) for (const key of nameKeys(withSuffix("Alice", n))) keys.add(key);
    expect(keys.size).toBe(2 * 198);
    expect([...keys].some((k) => nameKeys("Alice").includes(k))).toBe(false);
  });
});

describe("the default name and suffixes", () => {
  it("recognises the default name through case and lookalikes, and only it", () => {
    expect(isDefaultName("Guest")).toBe(true);
    expect(isDefaultName("GUEST")).toBe(true);
    expect(isDefaultName("Gu\u0435st")).toBe(true); // Cyrillic е
    expect(isDefaultName("Guest 2")).toBe(false);
    expect(isDefaultName("Guests")).toBe(false);
  });

  it("appends a number, cutting the name to fit the name length", () => {
    expect(withSuffix("Alice", 2)).toBe("Alice 2");
    const long = "Z".repeat(NAME_MAX_LENGTH);
    expect(withSuffix(long, 12)).toBe(`${"Z".repeat(NAME_MAX_LENGTH - 3)} 12`);
    expect([...withSuffix(long, 12)].length).toBe(NAME_MAX_LENGTH);
    expect(isSuffixed("Alice 2", "Alice")).toBe(true);
    expect(isSuffixed(withSuffix(long, 12), long)).toBe(true);
    expect(isSuffixed("Alice 2", "Alice 2")).toBe(false);
    expect(isSuffixed("Bob 2", "Alice")).toBe(false);
  });
});

describe("foldForMatching", () => {
  it("folds width, case, accents and lookalikes, one character at a time", () => {
    const fold = (text: string) => [...text].map(foldForMatching).join("");
    expect(fold("\uFF26\uFF35\uFF23\uFF2B")).toBe("fuck"); // fullwidth
    expect(fold("FuCk")).toBe("fuck");
    expect(fold("f\u00FCck")).toBe("fuck"); // ü
    expect(fold("fu\u0308ck")).toBe("fuck"); // u + combining diaeresis
    expect(fold("f\u057Dck")).toBe("fuck"); // Armenian ս
    expect(fold("\u0455hit")).toBe("shit"); // Cyrillic ѕ
    expect(fold("傻逼")).toBe("傻逼");
    expect(fold("class")).toBe("class");
  });
});
