import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { en } from "../../client/i18n/en.ts";
import { zh } from "../../client/i18n/zh.ts";
import { isSuffixed } from "../../shared/nameSuffix.ts";
import type { ServerProcess } from "../../kit/server.ts";
import { waitFor } from "../../kit/waitFor.ts";
import { DESKTOP, launchBrowser, PHONE, type LaunchedBrowser } from "../../kit/browser/launch.ts";
import { openPond, saveScreenshot, snapshot, waitForPond, type OpenedPond } from "../../kit/browser/pond.ts";
import { copyBuiltClient, startGameServer, type ClientCopy } from "../../kit/browser/builtClient.ts";

/**
 * The pond as its players remember it, in a real Chromium against the real server: the page
 * speaks the browser's language (Chinese for a zh-CN browser, from the loading screen on) and
 * switches on request, for good; the server's notices arrive in the player's words; a guest
 * swims under a name of their own that comes back with them; the first visit gets a short card
 * that the first stroke puts away for good; and a phone gets full screen and the share sheet.
 * Every page opens without ?name=, as a newcomer's does.
 */
let server: ServerProcess | undefined;
let chromium: LaunchedBrowser | undefined;
let client: ClientCopy | undefined;

beforeAll(async () => {
  client = await copyBuiltClient();
  server = await startGameServer({ clientDir: client.dir, env: { MAX_CONNECTIONS_PER_IP: "100" } });
  chromium = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await chromium?.close();
  await server?.stop();
  client?.remove();
}, 60_000);

async function newContext(options: BrowserContextOptions): Promise<BrowserContext> {
  return chromium!.newContext(options);
}

/** The words of the page's interface as the DOM holds them now (not the hook: what a player reads). */
interface Words {
  htmlLang: string;
  title: string;
  chatButton: string | null;
  chatPlaceholder: string | null;
  namePlaceholder: string | null;
  pondName: string;
  copyLink: string | null;
  pressed: string[];
  welcome: string | null;
  name: string;
}

function words(page: Page): Promise<Words> {
  return page.evaluate(() => ({
    htmlLang: document.documentElement.lang,
    title: document.title,
    chatButton: document.querySelector(".chat-button")?.getAttribute("aria-label") ?? null,
    chatPlaceholder: document.querySelector<HTMLInputElement>("form.chat input")?.placeholder ?? null,
    namePlaceholder: document.querySelector<HTMLInputElement>(".name-field input")?.placeholder ?? null,
    pondName: document.querySelector(".pond-name")?.textContent ?? "",
    copyLink: document.querySelector(".pond-copy")?.getAttribute("aria-label") ?? null,
    pressed: [...document.querySelectorAll(".lang-option[aria-pressed='true']")].map((b) => b.textContent ?? ""),
    welcome: document.querySelector(".welcome .welcome-title")?.textContent ?? null,
    name: document.querySelector<HTMLInputElement>(".name-field input")?.value ?? "",
  }));
}

/** Waits until the page's own name, as its name field shows it, is one the pond knows; returns it. */
async function ownName(page: Page): Promise<string> {
  return waitFor(async () => {
    const [s, w] = await Promise.all([snapshot(page), words(page)]);
    return s.connected && w.name !== "" && s.names.includes(w.name) ? w.name : undefined;
  }, { timeoutMs: 20_000, intervalMs: 100, message: "the page's own name in the pond" });
}

/** "<creature> <number>" with a creature of `words`. */
function guestPattern(words: readonly string[]): RegExp {
  return new RegExp(`^(${words.join("|")}) ([1-9][0-9]{0,2})$`);
}

/**
 * Sends `count` chat lines at once, through the chat line's own paths: Enter (a key event on the
 * window) opens it, the words go in, the form is submitted. All in one turn of the page, as a
 * slow software-drawn page cannot type faster than the server's chat limit refills.
 */
async function chatFast(page: Page, count: number): Promise<void> {
  const sent = await page.evaluate((n) => {
    (document.activeElement as HTMLElement | null)?.blur?.();
    const form = document.querySelector<HTMLFormElement>("form.chat")!;
    const input = form.querySelector("input")!;
    let opened = 0;
    for (let i = 1; i <= n; i++) {
      window.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
      if (!form.classList.contains("hidden")) opened++;
      input.value = `quick line ${i}`;
      form.requestSubmit();
    }
    return opened;
  }, count);
  expect(sent).toBe(count);
}

/** The system notice card with `code`, as the DOM shows it, once its words are `text`. */
async function noticeCard(page: Page, code: string, text: string): Promise<{ from: string; text: string }> {
  let last: unknown;
  return waitFor(async () => {
    const card = await page.evaluate((c) => {
      const el = document.querySelector(`.system-notice[data-code="${c}"]`);
      return el ? { from: el.querySelector(".system-notice-from")?.textContent ?? "", text: el.querySelector(".system-notice-text")?.textContent ?? "" } : undefined;
    }, code);
    last = card;
    return card?.text === text ? card : undefined;
  }, { timeoutMs: 20_000, intervalMs: 100, message: `the ${code} notice saying "${text}"`, describe: () => last });
}

describe("Chinese and English", () => {
  let context: BrowserContext;
  let zhPage: OpenedPond;

  it("a zh-CN browser gets the loading screen in Chinese before any script of ours", async () => {
    context = await newContext({ ...DESKTOP, locale: "zh-CN" });
    const page = await context.newPage();
    // The game's own script never arrives: what shows is index.html with its inline script alone.
    await page.route(/\/assets\/.*\.js$/, (route) => route.abort());
    await page.goto(`${server!.httpUrl}/`, { waitUntil: "load" });
    const splash = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      title: document.title,
      heading: document.querySelector("#splash .title")?.textContent,
      what: document.querySelector("#splash .what")?.textContent,
      manifest: document.querySelector("link[rel='manifest']")?.getAttribute("href"),
      hook: window.__pond !== undefined,
    }));
    expect(splash).toEqual({ lang: "zh-CN", title: zh.title, heading: zh.title, what: zh.joining, manifest: "/manifest.zh.webmanifest", hook: false });
    await page.close();
  }, 60_000);

  it("shows the interface in Chinese: html lang, title, buttons, fields, pond panel, the first-visit card, a Chinese guest name", async () => {
    zhPage = await openPond(context, server!.httpUrl);
    const name = await ownName(zhPage.page);
    const w = await words(zhPage.page);
    expect(w).toMatchObject({
      htmlLang: "zh-CN",
      title: zh.title,
      chatButton: zh.chatButton,
      chatPlaceholder: zh.chatPlaceholder,
      namePlaceholder: zh.namePlaceholder,
      copyLink: zh.copyLink,
      pressed: ["中文"],
      welcome: zh.welcomeTitle,
    });
    expect(w.pondName).toMatch(/^池塘 \S+$/);
    expect(name).toMatch(guestPattern(zh.guestWords));
    // The welcome card's lines, as a player reads them (mouse and keys on a computer).
    const lines = await zhPage.page.locator(".welcome-lines li").allTextContents();
    expect(lines).toEqual([zh.welcomeSwimMouse, zh.welcomeChatKeys, zh.welcomeName.replaceAll("`", "")]);
    await saveScreenshot(zhPage.page, "language-zh-desktop");
    expect(zhPage.watch.unexpected()).toEqual([]);
  }, 90_000);

  it("switching to English changes the words at once, the guest name with them, and the choice survives a reload", async () => {
    const { page } = zhPage;
    const chineseName = await ownName(page);
    const number = chineseName.split(" ")[1];
    await page.locator(".lang-option[data-lang='en']").click();
    const w = await waitFor(async () => {
      const now = await words(page);
      return now.htmlLang === "en" ? now : undefined;
    }, { timeoutMs: 10_000, message: "the page to switch to English" });
    expect(w).toMatchObject({
      title: en.title,
      chatButton: en.chatButton,
      chatPlaceholder: en.chatPlaceholder,
      namePlaceholder: en.namePlaceholder,
      copyLink: en.copyLink,
      pressed: ["EN"],
      welcome: en.welcomeTitle,
    });
    expect(w.pondName).toMatch(/^Pond \S+$/);
    // The guest's name reads in English now, the same creature and number, in the pond too.
    const englishName = `${en.guestWords[zh.guestWords.indexOf(chineseName.split(" ")[0])]} ${number}`;
    await waitForPond(page, (s) => s.names.includes(englishName) && !s.names.includes(chineseName), `the pond to know the guest as ${englishName}`);

    await page.reload({ waitUntil: "load" });
    await waitForPond(page, (s) => s.connected && s.pose !== undefined, "the page back in the pond after a reload", 45_000);
    const after = await words(page);
    expect(after).toMatchObject({ htmlLang: "en", title: en.title, chatButton: en.chatButton, namePlaceholder: en.namePlaceholder, pressed: ["EN"] });
    expect(after.pondName).toMatch(/^Pond \S+$/);
    // The same English guest name, free again: the page left the pond as it unloaded.
    expect(await ownName(page)).toBe(englishName);
    await saveScreenshot(page, "language-en-desktop");
  }, 120_000);

  it("a server notice shows in the player's language, and says itself again when the language is switched", async () => {
    const { page } = zhPage;
    await page.locator(".lang-option[data-lang='zh']").click();
    await waitFor(() => words(page).then((w) => w.htmlLang === "zh-CN"), { timeoutMs: 10_000, message: "the page back in Chinese" });
    // A burst of 5 lines, then one every 2 s: eight lines sent at once are throttled.
    await chatFast(page, 8);
    const card = await noticeCard(page, "chat_throttled", zh.chatThrottled);
    expect(card.from).toBe(zh.noticeFrom);
    // The card up now says it in English once English is picked.
    await page.locator(".lang-option[data-lang='en']").click();
    const english = await noticeCard(page, "chat_throttled", en.chatThrottled);
    expect(english.from).toBe(en.noticeFrom);
    await page.locator(".lang-option[data-lang='zh']").click();
    await noticeCard(page, "chat_throttled", zh.chatThrottled);
  }, 90_000);

  it("a second tab of the same browser asks for the same guest name: it is numbered, and told so in Chinese", async () => {
    const first = await ownName(zhPage.page);
    const second = await openPond(context, server!.httpUrl);
    const name = await ownName(second.page);
    expect(isSuffixed(name, first), name).toBe(true);
    await noticeCard(second.page, "name_taken", zh.nameTaken(first, name));
    await second.page.close();
    await context.close();
  }, 90_000);
});

/**
 * Two newcomers' pages, each in a browser of its own: A and B meet under their guest names; then
 * B, still on its first visit, is shown the first-visit card and swims it away, and A, back
 * after a reload without having swum (so the card is still up), closes it with its button.
 */
let a: OpenedPond | undefined;
let b: OpenedPond | undefined;

describe("a guest's own name", () => {
  it("each newcomer gets a distinct name of their own (not Guest) that comes back after a reload", async () => {
    a = await openPond(await newContext(DESKTOP), server!.httpUrl);
    b = await openPond(await newContext(DESKTOP), server!.httpUrl);
    const [nameA, nameB] = [await ownName(a.page), await ownName(b.page)];
    expect(nameA).toMatch(guestPattern(en.guestWords));
    expect(nameB).toMatch(guestPattern(en.guestWords));
    expect(nameA).not.toBe(nameB);
    // Each sees the other under that name.
    await waitForPond(a.page, (s) => s.names.includes(nameB), "A to see B by name");

    await a.page.reload({ waitUntil: "load" });
    await waitForPond(a.page, (s) => s.connected && s.pose !== undefined, "A back after a reload", 45_000);
    // The same name, not "… 2": the page left the pond as it unloaded, which freed the name at once.
    expect(await ownName(a.page)).toBe(nameA);
    await waitForPond(b.page, (s) => s.names.includes(nameA), "B to see A back under the same name");
    expect((await snapshot(b.page)).names.filter((n) => n === nameA || isSuffixed(n, nameA))).toEqual([nameA]);
  }, 120_000);
});

describe("the first minute", () => {
  it("a first visit shows the card; the first stroke puts it away; a reload does not bring it back", async () => {
    // B's page: its browser's first visit, not yet reloaded, nothing pressed.
    const { page } = b!;
    const card = page.locator(".welcome");
    await card.waitFor({ state: "visible", timeout: 10_000 });
    expect(await page.locator(".welcome-lines li").allTextContents()).toEqual([en.welcomeSwimMouse, en.welcomeChatKeys, en.welcomeName.replaceAll("`", "")]);
    expect(await page.locator(".welcome code").allTextContents()).toEqual(["name: Bob"]);
    // Moving the mouse over the pond turns the tadpole but does not swim: the card stays.
    const size = page.viewportSize()!;
    await page.mouse.move(size.width / 2 + 200, size.height / 2 - 100);
    const facing = await waitForPond(page, (s) => s.pose !== undefined, "our pose");
    expect(await card.isVisible()).toBe(true);
    expect(facing.pose!.speed).toBeLessThan(2);

    // Swim: hold the button.
    await page.mouse.down();
    try {
      await waitForPond(page, (s) => (s.pose?.speed ?? 0) > 50, "our tadpole to swim");
      await card.waitFor({ state: "detached", timeout: 10_000 });
    } finally {
      await page.mouse.up();
    }
    expect(await page.evaluate(() => localStorage.getItem("tadpole-pond.welcomed"))).toBe("1");

    await page.reload({ waitUntil: "load" });
    await waitForPond(page, (s) => s.connected && s.pose !== undefined, "the page back after a reload", 45_000);
    // The card would be built with the page (main.ts), before the test hook is installed.
    expect(await page.locator(".welcome").count()).toBe(0);
    await page.context().close();
    b = undefined;
  }, 120_000);

  it("the card's close button puts it away too", async () => {
    // A's page: never swum nor closed the card (only reloaded), so the card is up again.
    const { page } = a!;
    expect(await page.evaluate(() => localStorage.getItem("tadpole-pond.welcomed"))).toBeNull();
    await page.locator(".welcome").waitFor({ state: "visible", timeout: 10_000 });
    await page.locator(".welcome-close").click();
    await page.locator(".welcome").waitFor({ state: "detached", timeout: 10_000 });
    expect(await page.evaluate(() => localStorage.getItem("tadpole-pond.welcomed"))).toBe("1");
    // A computer has its own full-screen key: no button.
    expect(await page.locator(".fullscreen-button").count()).toBe(0);
    await page.context().close();
    a = undefined;
  }, 90_000);
});

describe("a phone", () => {
  /** Records navigator.share's calls in window.__shared, as a share sheet that always succeeds. */
  const SHARE_STUB = `
    Object.defineProperty(Navigator.prototype, "share", {
      configurable: true,
      value: function (data) {
        window.__shared = (window.__shared || []).concat([JSON.parse(JSON.stringify(data))]);
        return Promise.resolve();
      },
    });`;

  it("offers full screen, and the share sheet where the browser has one; in Chinese too", async () => {
    const context = await newContext({ ...PHONE, locale: "zh-CN" });
    await context.addInitScript(SHARE_STUB);
    const phone = await openPond(context, server!.httpUrl);
    const { page } = phone;
    await saveScreenshot(page, "language-zh-phone");

    // Full screen: a finger-sized button that takes the page full screen and back.
    const button = page.locator(".fullscreen-button");
    expect(await button.getAttribute("aria-label")).toBe(zh.fullscreen);
    const box = (await button.boundingBox())!;
    expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(36);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.viewport!.width);
    await button.tap();
    await waitFor(() => page.evaluate(() => document.fullscreenElement === document.documentElement), { timeoutMs: 10_000, message: "the page to go full screen" });
    await waitFor(async () => (await button.getAttribute("aria-label")) === zh.exitFullscreen, { timeoutMs: 5_000, message: "the button to offer the way out" });
    await button.tap();
    await waitFor(() => page.evaluate(() => document.fullscreenElement === null), { timeoutMs: 10_000, message: "the page to leave full screen" });

    // Share: the system's sheet gets the pond's link and a line in the player's language.
    const pondId = await page.evaluate(() => window.__pond!.pondId());
    expect(pondId).toBeTruthy();
    const share = page.locator(".pond-share");
    expect(await share.getAttribute("aria-label")).toBe(zh.share);
    await share.tap();
    const shared = await waitFor(() => page.evaluate(() => (window as unknown as { __shared?: Array<{ url: string; text: string; title: string }> }).__shared), {
      timeoutMs: 10_000, message: "navigator.share to be called",
    });
    expect(shared).toHaveLength(1);
    expect(shared[0]).toEqual({ title: zh.title, text: zh.shareText, url: `${server!.httpUrl}/#/pond/${pondId}` });

    // English on the same phone.
    await page.locator(".lang-option[data-lang='en']").tap();
    await waitFor(() => words(page).then((w) => w.htmlLang === "en"), { timeoutMs: 10_000, message: "the phone to switch to English" });
    expect(await button.getAttribute("aria-label")).toBe(en.fullscreen);
    // The first-visit card, worded for a finger.
    expect(await page.locator(".welcome-lines li").allTextContents()).toEqual([en.welcomeSwimTouch, en.welcomeChatTouch, en.welcomeName.replaceAll("`", "")]);
    // Everything in the bottom-left row stays clear of the chat button.
    const [row, chat] = await Promise.all([page.locator(".hud-bottom-left").boundingBox(), page.locator(".chat-button").boundingBox()]);
    expect(row!.x + row!.width).toBeLessThanOrEqual(chat!.x);
    await saveScreenshot(page, "language-en-phone");
    expect(phone.watch.unexpected()).toEqual([]);
    await context.close();
  }, 120_000);

  it("without navigator.share there is no share button (the copy button stays)", async () => {
    const context = await newContext(PHONE);
    const { page } = await openPond(context, server!.httpUrl);
    const native = await page.evaluate(() => typeof navigator.share === "function");
    expect(await page.locator(".pond-copy").count()).toBe(1);
    expect(await page.locator(".pond-share").count()).toBe(native ? 1 : 0);
    if (native) console.log("[e2e] this Chromium has navigator.share of its own: the share button is offered");
    await context.close();
  }, 90_000);
});
