import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { en } from "../../client/i18n/en.ts";
import { codeSegments, HTML_LANG, LANG_STORAGE_KEY, LANGS, MANIFEST, noticeText, pickLang, TABLES, type Lang } from "../../client/i18n/index.ts";
import { zh } from "../../client/i18n/zh.ts";
import { drawGuest, GUEST_NUMBER_MAX, guestNameIn, guestPick } from "../../client/ui/guestName.ts";
import { readConfig } from "../../server/config.ts";
import { loadWordFilter } from "../../server/moderation/wordFilter.ts";
import { DEFAULT_NAME, NAME_MAX_LENGTH } from "../../shared/constants.ts";
import { sanitizeName } from "../../server/rooms/validators.ts";
import { confusableNames, isDefaultName, isSuffixed, withSuffix } from "../../shared/names.ts";
import { REPO_ROOT } from "../../kit/process.ts";

/**
 * The page's two languages (client/i18n/): the tables hold the same keys of the same kinds,
 * Chinese says everything in Chinese, the loading screen in index.html picks and says the same,
 * server notices are ours by code, and the guest names are names the server keeps as they are.
 */
const HAN = /\p{Script=Han}/u;

/** Sample arguments for every function in the tables, by its arity. */
const SAMPLE_ARGS: Record<number, unknown[]> = { 1: [7], 2: ["Alice", "Alice 2"] };

function said(value: unknown, key: string): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value as string[];
  if (typeof value === "function") {
    // Functions of strings (names, ids) and of numbers: call with both kinds.
    const outputs = [value(...(SAMPLE_ARGS[value.length] ?? []))];
    if (value.length === 1) outputs.push(value("abcde"), value(undefined), value(1), value(30), value(900));
    if (value.length === 2) outputs.push(value("x1y2z", "a9b8c"));
    return outputs.map((o) => {
      expect(typeof o, key).toBe("string");
      return o as string;
    });
  }
  throw new Error(`${key}: neither a string, a list nor a function`);
}

describe("the language tables", () => {
  it("have the same keys, each of the same kind (a string, a list of the same length, a function of as many values)", () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      const a = en[key] as unknown;
      const b = zh[key] as unknown;
      expect(typeof b, key).toBe(typeof a);
      expect(Array.isArray(b), key).toBe(Array.isArray(a));
      if (Array.isArray(a)) expect((b as unknown[]).length, key).toBe(a.length);
      if (typeof a === "function") expect((b as (...args: unknown[]) => unknown).length, key).toBe(a.length);
    }
    expect(Object.keys(TABLES).sort()).toEqual([...LANGS].sort());
  });

  it("say something in every entry: English without Chinese, Chinese in Chinese", () => {
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      for (const text of said(en[key], key)) {
        expect(text.trim(), key).not.toBe("");
        expect(HAN.test(text), `en.${key}: ${text}`).toBe(false);
      }
      for (const text of said(zh[key], key)) {
        expect(text.trim(), key).not.toBe("");
        // Every Chinese entry has Chinese in it, even the ones that carry a name or a number.
        expect(HAN.test(text), `zh.${key}: ${text}`).toBe(true);
      }
    }
  });

  it("carry the values they are given (names, pond ids, counts, seconds)", () => {
    for (const m of [en, zh]) {
      expect(m.nameTaken("Alice", "Alice 2")).toContain("Alice 2");
      expect(m.nameTaken("Alice", "Alice 2")).toContain("Alice");
      expect(m.pondClosedOrFull("abcde", "fghij")).toMatch(/abcde.*fghij/);
      expect(m.players(3)).toContain("3");
      expect(m.closedIdle(900)).toContain("15");
      expect(m.closedIdle(30)).toContain("30");
      expect(m.shareThisLink("http://x/#/pond/1")).toContain("http://x/#/pond/1");
    }
    expect(en.players(1)).toBe("1 player");
    expect(en.closedIdle(60)).toContain("1 minute");
    expect(zh.closedIdle(900)).toBe("你离开了 15 分钟，你在池塘里的位置已经空出来了。");
  });

  it("mark code with backticks in the welcome card's name line, which the card shows as code", () => {
    for (const m of [en, zh]) {
      const code = codeSegments(m.welcomeName).filter((s) => s.code).map((s) => s.text);
      expect(code).toHaveLength(1);
      // What the card shows to type is what renames on the server (server/rooms/validators.ts NAME_COMMAND).
      expect(code[0]).toMatch(/^name: \S/);
    }
    expect(codeSegments("a `b` c")).toEqual([{ text: "a ", code: false }, { text: "b", code: true }, { text: " c", code: false }]);
  });
});

describe("picking the language", () => {
  it("the one picked with the switch, else the browser's first English or Chinese, else English", () => {
    expect(pickLang("zh", ["en-US"])).toBe("zh");
    expect(pickLang("en", ["zh-CN"])).toBe("en");
    expect(pickLang(null, ["zh-CN", "en"])).toBe("zh");
    expect(pickLang(null, ["zh-TW"])).toBe("zh");
    expect(pickLang(null, ["zh_Hans_CN"])).toBe("zh");
    expect(pickLang(null, ["fr-FR", "zh", "en"])).toBe("zh");
    expect(pickLang(null, ["de", "en-GB", "zh-CN"])).toBe("en");
    expect(pickLang(null, ["ja"])).toBe("en");
    expect(pickLang(null, [])).toBe("en");
    // A damaged stored value is ignored.
    expect(pickLang("klingon", ["zh-CN"])).toBe("zh");
  });
});

describe("server notices, said by the client", () => {
  it("known codes in the player's language, the names of a name_taken too; unknown codes in the server's words", () => {
    const server = "server words";
    expect(noticeText({ code: "chat_throttled", text: server }, zh)).toBe(zh.chatThrottled);
    expect(noticeText({ code: "rename_throttled", text: server }, en)).toBe(en.renameThrottled);
    expect(noticeText({ code: "name_taken", text: server, asked: "小蝌蚪 7", name: "小蝌蚪 7 2" }, zh)).toBe("池塘里已经有人叫“小蝌蚪 7”了，你在这里叫“小蝌蚪 7 2”。");
    // An older server's name_taken without the names: our words still, without them.
    expect(noticeText({ code: "name_taken", text: server }, zh)).toBe(zh.nameTakenPlain);
    // Names that are not strings are not trusted into the sentence.
    expect(noticeText({ code: "name_taken", text: server, asked: 1 as unknown as string, name: "x" }, en)).toBe(en.nameTakenPlain);
    expect(noticeText({ code: "pond_on_fire", text: server }, zh)).toBe(server);
  });
});

/** Runs index.html's inline script against a bare page with the given storage and browser languages. */
function runSplashScript(stored: string | null, languages: string[], storageThrows = false): { lang: string; title: string; heading: string; what: string; manifest: string } {
  const html = readFileSync(join(REPO_ROOT, "client", "index.html"), "utf8");
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  expect(scripts).toHaveLength(1);
  const heading = { textContent: /<div class="title">([^<]*)<\/div>/.exec(html)![1] };
  const what = { textContent: /<div class="what">([^<]*)<\/div>/.exec(html)![1] };
  let manifest = /<link rel="manifest" href="([^"]+)"/.exec(html)![1];
  const page = {
    documentElement: { lang: /<html lang="([^"]+)"/.exec(html)![1] },
    title: /<title>([^<]*)<\/title>/.exec(html)![1],
    getElementById: (id: string) => (id === "splash" ? { querySelector: (sel: string) => (sel === ".title" ? heading : sel === ".what" ? what : null) } : null),
    querySelector: (sel: string) => (sel === "link[rel='manifest']" ? { setAttribute: (_: string, v: string) => { manifest = v; } } : null),
  };
  const localStorage = {
    getItem: (key: string) => {
      if (storageThrows) throw new Error("denied");
      return key === LANG_STORAGE_KEY ? stored : null;
    },
  };
  runInNewContext(scripts[0], { document: page, localStorage, navigator: { languages, language: languages[0] } });
  return { lang: page.documentElement.lang, title: page.title, heading: heading.textContent, what: what.textContent, manifest };
}

describe("the loading screen (index.html, before any script of ours)", () => {
  const cases: Array<[string | null, string[], boolean]> = [
    [null, ["zh-CN"], false],
    [null, ["en-US", "zh-CN"], false],
    [null, ["fr", "zh-TW"], false],
    [null, ["ja"], false],
    ["en", ["zh-CN"], false],
    ["zh", ["en-US"], false],
    ["bogus", ["zh"], false],
    [null, ["zh-CN"], true],
  ];
  it.each(cases)("stored %s, browser %j: the language and words the game itself picks", (stored, languages, throws) => {
    const lang: Lang = pickLang(throws ? null : stored, languages);
    const shown = runSplashScript(stored, languages, throws);
    expect(shown).toEqual({ lang: HTML_LANG[lang], title: TABLES[lang].title, heading: TABLES[lang].title, what: TABLES[lang].joining, manifest: MANIFEST[lang] });
  });
});

describe("the web app manifests", () => {
  it("are the same app in both languages: only the words and the language differ", () => {
    const read = (l: Lang) => JSON.parse(readFileSync(join(REPO_ROOT, "public", MANIFEST[l].slice(1)), "utf8")) as Record<string, unknown>;
    const words = ["name", "short_name", "description", "lang"];
    const strip = (m: Record<string, unknown>) => Object.fromEntries(Object.entries(m).filter(([k]) => !words.includes(k)));
    const [english, chinese] = [read("en"), read("zh")];
    expect(strip(chinese)).toEqual(strip(english));
    expect(english).toMatchObject({ name: en.title, lang: HTML_LANG.en });
    expect(chinese).toMatchObject({ name: zh.title, lang: HTML_LANG.zh });
    expect(HAN.test(String(chinese.short_name)) && HAN.test(String(chinese.description))).toBe(true);
  });
});

describe("guest names", () => {
  const starter = loadWordFilter(readConfig({}).wordListFiles)!;
  const names = (m: typeof en, number: number) => m.guestWords.map((_, word) => guestNameIn({ word, number }, m));

  it("are names the server keeps as they are: clean, short, unmasked, never the default name", () => {
    for (const m of [en, zh]) {
      for (const number of [1, 37, GUEST_NUMBER_MAX]) {
        for (const name of names(m, number)) {
          expect(sanitizeName(name), name).toBe(name);
          expect([...name].length, name).toBeLessThanOrEqual(NAME_MAX_LENGTH);
          expect(starter.mask(name), name).toBe(name);
          expect(isDefaultName(name), name).toBe(false);
          // The server's numbering of a taken guest name reads as ours plus its number.
          expect(isSuffixed(withSuffix(name, 2), name), name).toBe(true);
          expect(name).not.toBe(DEFAULT_NAME);
        }
      }
    }
  });

  it("tell guests apart: no two creatures look alike, in either language", () => {
    for (const m of [en, zh]) {
      const all = names(m, 37);
      expect(new Set(all).size).toBe(all.length);
      for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) expect(confusableNames(all[i], all[j]), `${all[i]} / ${all[j]}`).toBe(false);
    }
    // The same pick in each language: the same creature, the same number.
    expect(guestNameIn({ word: 0, number: 37 }, en)).toBe("Pollywog 37");
    expect(guestNameIn({ word: 0, number: 37 }, zh)).toBe("小蝌蚪 37");
  });

  it("are drawn over every creature and number, and remembered once drawn", () => {
    expect(drawGuest(16, () => 0)).toEqual({ word: 0, number: 1 });
    expect(drawGuest(16, () => 0.999999999)).toEqual({ word: 15, number: GUEST_NUMBER_MAX });
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    const first = guestPick(en.guestWords.length, storage);
    expect(first.word).toBeGreaterThanOrEqual(0);
    expect(first.word).toBeLessThan(en.guestWords.length);
    expect(first.number).toBeGreaterThanOrEqual(1);
    expect(first.number).toBeLessThanOrEqual(GUEST_NUMBER_MAX);
    for (let i = 0; i < 5; i++) expect(guestPick(en.guestWords.length, storage)).toEqual(first);
    // A damaged entry is drawn afresh (and remembered).
    for (const junk of ["{", "null", "[]", '{"word":-1,"number":3}', '{"word":1,"number":0}', '{"word":1.5,"number":3}', '{"word":99,"number":3}']) {
      store.set("tadpole-pond.guest", junk);
      const again = guestPick(en.guestWords.length, storage);
      expect(again.word).toBeLessThan(en.guestWords.length);
      expect(JSON.parse(store.get("tadpole-pond.guest")!)).toEqual(again);
    }
    // Without storage (private mode) a pick still comes.
    expect(guestPick(en.guestWords.length, undefined).number).toBeGreaterThanOrEqual(1);
  });
});
