import { describe, expect, it } from "vitest";
import { ConfigError, readConfig, STARTER_WORD_LISTS } from "../../server/config.ts";
import { loadWordFilter, WordFilter } from "../../server/moderation/wordFilter.ts";

/** The shipped starter lists, as a server with WORD_LIST_FILE unset uses them. */
const starter = loadWordFilter(readConfig({}).wordListFiles)!;

describe("word filter: Latin words, whole words only", () => {
  it("masks a listed word, one * per character, and leaves the rest of the line", () => {
    expect(starter.mask("what the fuck is that")).toBe("what the **** is that");
    expect(starter.mask("Shit!")).toBe("****!");
    expect(starter.mask("you ass.")).toBe("you ***.");
  });

  it("masks in any case, fullwidth, with accents and with lookalike letters", () => {
    expect(starter.mask("FUCK")).toBe("****");
    expect(starter.mask("\uFF46\uFF55\uFF43\uFF4B off")).toBe("**** off"); // fullwidth
    expect(starter.mask("f\u00FCck")).toBe("****"); // ü
    expect(starter.mask("fu\u0308ck off")).toBe("**** off"); // u + combining mark: the mark goes too
    expect(starter.mask("f\u057Dck")).toBe("****"); // Armenian ս
    expect(starter.mask("\u0455hit")).toBe("****"); // Cyrillic ѕ
    expect(starter.mask("b\u0456tch")).toBe("*****"); // Cyrillic і
  });

  it("a trailing * in the list also takes longer words that start with the entry", () => {
    expect(starter.mask("fucking hell")).toBe("******* hell");
    expect(starter.mask("motherfuckers")).toBe("*************");
  });

  it("does not mask words that merely contain a listed one (no Scunthorpe problem)", () => {
    // "ass" and "cunt" are on the starter list; these are not them.
    const clean = ["class", "assassin", "passion", "bass guitar", "Scunthorpe", "grasshopper", "cockpit", "Dickens", "shiitake"];
    for (const text of clean) expect(starter.mask(text), text).toBe(text);
    expect(starter.mask("a classy assassin said ass")).toBe("a classy assassin said ***");
  });

  it("a Latin word next to Chinese text still counts as a whole word", () => {
    expect(starter.mask("你fuck吧")).toBe("你****吧");
  });
});

describe("word filter: words spelled out one letter at a time", () => {
  it("masks a listed word spelled with spaces, dots, dashes or two separators between letters", () => {
    expect(starter.mask("what the f u c k")).toBe("what the * * * *");
    expect(starter.mask("f.u.c.k off")).toBe("******* off");
    expect(starter.mask("s-h-i-t!")).toBe("*******!");
    expect(starter.mask("F. U. C. K.")).toBe("** ** ** *."); // the last dot ends the sentence, not the word
    expect(starter.mask("ｆ ｕ ｃ ｋ")).toBe("* * * *"); // fullwidth, folded first
  });

  it("a * entry takes a spelled-out run that starts with it", () => {
    expect(starter.mask("f u c k i n g hell")).toBe("* * * * * * * hell");
  });

  it("masks a Chinese entry spelled out with spaces, anywhere in the run", () => {
    expect(starter.mask("你 是 傻 逼")).toBe("你 是 * *");
  });

  it("leaves spelled-out runs alone that are not a listed word, or only contain one", () => {
    const clean = ["u r a s s", "a s s e t s", "A B C", "I a m here", "x.y.z", "p a s s i o n", "1 2 3"];
    for (const text of clean) expect(starter.mask(text), text).toBe(text);
    // Two letters are not read as a word: "a s" stays.
    expect(starter.mask("a s")).toBe("a s");
  });

  it("still masks the run when it is the listed word exactly (a s s)", () => {
    expect(starter.mask("you a s s")).toBe("you * * *");
  });
});

describe("word filter: Chinese, anywhere in a line", () => {
  it("masks a listed word inside running text (no spaces between words)", () => {
    expect(starter.mask("你是傻逼吧")).toBe("你是**吧");
    expect(starter.mask("他妈的，又输了")).toBe("***，又输了");
    expect(starter.mask("幹你娘")).toBe("***");
  });

  it("masks a mixed entry through case and width (傻b: 傻B, 傻Ｂ)", () => {
    expect(starter.mask("真傻B")).toBe("真**");
    expect(starter.mask("真傻\uFF22")).toBe("真**");
  });

  it("leaves ordinary Chinese alone, even around listed characters' neighbours", () => {
    const clean = ["我妈妈的生日", "小蝌蚪找妈妈", "逼近", "你好，池塘"];
    for (const text of clean) expect(starter.mask(text), text).toBe(text);
  });
});

describe("word filter: lists", () => {
  it("parses comments, blank lines, phrases and duplicates", () => {
    const filter = WordFilter.parse("# a comment\n\n  frog spawn  \nfrog spawn\nnewt*\r\n蝌蚪\n");
    expect(filter.size).toBe(3);
    expect(filter.mask("look: frog  spawn")).toBe("look: frog  spawn"); // two spaces: not the phrase
    expect(filter.mask("look: frog spawn!")).toBe("look: **** *****!");
    expect(filter.mask("newts and a newt")).toBe("***** and a ****");
    expect(filter.mask("小蝌蚪")).toBe("小**");
    expect(filter.mask("frogspawn")).toBe("frogspawn");
  });

  it("an empty filter masks nothing, and returns the very same string", () => {
    const text = "fuck";
    expect(WordFilter.parse("# nothing\n").mask(text)).toBe(text);
  });

  it("WORD_LIST_FILE: unset = the starter lists, off = none, a missing file stops the server", () => {
    expect(readConfig({}).wordListFiles).toEqual(STARTER_WORD_LISTS);
    expect(STARTER_WORD_LISTS).toHaveLength(2);
    expect(readConfig({ WORD_LIST_FILE: "off" }).wordListFiles).toEqual([]);
    expect(loadWordFilter([])).toBeUndefined();
    expect(readConfig({ WORD_LIST_FILE: STARTER_WORD_LISTS[1] }).wordListFiles).toEqual([STARTER_WORD_LISTS[1]]);
    expect(() => readConfig({ WORD_LIST_FILE: "/nonexistent/words.txt" })).toThrow(ConfigError);
    // Only the named file: the English list is not in the Chinese one.
    expect(loadWordFilter([STARTER_WORD_LISTS[1]])!.mask("fuck 傻逼")).toBe("fuck **");
  });
});
