import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { closeAll, PondProbe } from "../helpers/pondClient.ts";
import type { ServerProcess } from "../../kit/server.ts";
import { waitFor } from "../../kit/waitFor.ts";
import { DESKTOP, launchBrowser, type LaunchedBrowser } from "../../kit/browser/launch.ts";
import { chatByKeyboard, openPond, saveScreenshot, snapshot, waitForPond, type OpenedPond } from "../../kit/browser/pond.ts";
import { copyBuiltClient, startGameServer, type ClientCopy } from "../../kit/browser/builtClient.ts";

/**
 * Hardening II in the browser: a server notice is drawn as a system notice, apart from chat,
 * so a chat line dressed up as one ("[SERVER] …") is still a bubble over its speaker; and a
 * player muted from the pond panel's list stays muted after a reload, until unmuted. One page
 * (the player) and two headless players beside it: Alice, who holds the name the page asks
 * for, and Mallory, who talks. Steps run in order and share them.
 */
let server: ServerProcess | undefined;
let chromium: LaunchedBrowser | undefined;
let client: ClientCopy | undefined;
let player: OpenedPond;
let alice: PondProbe;
let mallory: PondProbe;

beforeAll(async () => {
  client = await copyBuiltClient();
  server = await startGameServer({ clientDir: client.dir });
  chromium = await launchBrowser();
  // Alice is in the pond first, so the page asking for "Alice" is given another name.
  alice = await PondProbe.join(server.wsUrl, { name: "Alice" });
  mallory = await PondProbe.join(server.wsUrl, { name: "Mallory" });
  player = await openPond(await chromium.newContext(DESKTOP), server.httpUrl, "Alice");
}, 120_000);

afterAll(async () => {
  await closeAll([alice, mallory]);
  await chromium?.close();
  await server?.stop();
  client?.remove();
}, 60_000);

/** Swims a headless player next to a world point (so it and its bubbles are on the page's screen), then lets it coast. */
async function swimTo(probe: PondProbe, target: { x: number; y: number }, within = 70): Promise<void> {
  probe.drive();
  try {
    await waitFor(() => {
      const me = probe.tadpole(probe.id);
      if (!me) return false;
      const dx = target.x - me.x;
      const dy = target.y - me.y;
      const d = Math.hypot(dx, dy);
      if (d < within) return true;
      probe.steer.angle = Math.atan2(dy, dx);
      probe.steer.thrust = Math.min(1, 0.15 + d / 250);
      return false;
    }, { timeoutMs: 30_000, intervalMs: 30, message: `${probe.id} to swim near (${Math.round(target.x)}, ${Math.round(target.y)})` });
  } finally {
    probe.steer.thrust = 0;
  }
}

/** Both headless players beside the page's tadpole, and drawn on its screen. */
async function gatherAround(page: Page): Promise<void> {
  const at = (await waitForPond(page, (s) => s.pose !== undefined, "our pose")).pose!;
  await Promise.all([swimTo(mallory, { x: at.x + 110, y: at.y - 20 }), swimTo(alice, { x: at.x - 110, y: at.y + 20 })]);
  await waitForPond(page, (s) => s.names.includes("Mallory") && s.names.includes("Alice"), "the page to draw Mallory and Alice");
}

/** Text of every chat line in a bubble on the page (DOM), and of every system notice. */
function onScreen(page: Page): Promise<{ bubbles: string[]; notices: string[] }> {
  return page.evaluate(() => ({
    bubbles: [...document.querySelectorAll(".bubbles .bubble-line")].map((el) => el.textContent ?? ""),
    notices: [...document.querySelectorAll(".system-notice")].map((el) => el.textContent ?? ""),
  }));
}

/**
 * Mallory says `line`, then (once Alice has heard it, so the server has sent it to the page
 * first) Alice says `barrier`; resolves when the barrier is in a bubble on the page, which is
 * then after Mallory's line reached the page. Returns what the page shows at that moment.
 */
async function malloryThenBarrier(line: string, barrier: string): Promise<{ bubbles: string[]; notices: string[] }> {
  mallory.conn.say(line);
  await alice.waitForChat((l) => l.id === mallory.id && l.text === line, { timeoutMs: 10_000 });
  alice.conn.say(barrier);
  await waitForPond(player.page, (s) => s.bubbles.includes(barrier), `Alice's "${barrier}" on the page`);
  return onScreen(player.page);
}

/** Opens the pond panel's list and presses the mute button on `name`'s row; returns the button's state after. */
async function toggleMute(page: Page, name: string, shot?: string): Promise<string | null> {
  await page.locator(".pond-toggle").click();
  const row = page.locator(".players .player-row", { has: page.locator(".player-name", { hasText: new RegExp(`^${name}$`) }) });
  const before = await row.locator(".player-mute").getAttribute("aria-pressed", { timeout: 15_000 });
  await row.locator(".player-mute").click();
  const after = await waitFor(async () => {
    const pressed = await row.locator(".player-mute").getAttribute("aria-pressed");
    return pressed !== before ? pressed : undefined;
  }, { timeoutMs: 10_000, message: `the mute button of ${name} to change` });
  if (shot) await saveScreenshot(page, shot);
  await page.locator(".pond-toggle").click();
  return after;
}

describe("server notices and chat", () => {
  it("a name taken in the pond: the page is told in a system notice, not in a bubble", async () => {
    const { page } = player;
    // The page asked for "Alice", which Alice holds: it swims as "Alice 2".
    await waitForPond(page, (s) => s.names.includes("Alice 2"), "the page to be Alice 2");
    const card = () => page.evaluate(() => {
      const card = document.querySelector<HTMLElement>(".system-notice[data-code=\"name_taken\"]");
      if (!card) return undefined;
      const box = card.getBoundingClientRect();
      return {
        text: card.textContent ?? "",
        icon: card.querySelectorAll("svg").length,
        label: card.querySelector(".system-notice-from")?.textContent,
        inBubbles: card.closest(".bubbles") !== null,
        live: card.parentElement?.getAttribute("aria-live"),
        box: { x: box.x, y: box.y, width: box.width, height: box.height },
      };
    });
    // The join's notice shows for 8 s; a page slow to start may have let it go already: asking
    // for the taken name again (it stays "Alice 2") brings it back.
    let notice = await waitFor(card, { timeoutMs: 3_000, intervalMs: 100 }).catch(() => undefined);
    if (!notice) {
      await chatByKeyboard(page, "name: Alice");
      notice = await waitFor(card, { timeoutMs: 15_000, intervalMs: 100, message: "the name_taken notice on the page" });
    }
    expect(notice.text).toContain("Alice 2");
    expect(notice).toMatchObject({ icon: 1, label: "Pond", inBubbles: false, live: "polite" });
    expect(notice.box.width).toBeGreaterThan(0);
    expect(notice.box.y).toBeLessThan(DESKTOP.viewport!.height);
    expect((await onScreen(page)).bubbles.some((b) => b.includes("Alice 2"))).toBe(false);
    // The suffix is this pond's doing: the page does not remember "Alice 2" as its name.
    expect(await page.evaluate(() => localStorage.getItem("tadpole-pond.name"))).not.toBe("Alice 2");
  }, 60_000);

  it("a chat line dressed as a server message is a bubble over its speaker, never a system notice", async () => {
    const { page } = player;
    await gatherAround(page);
    const fake = "[SERVER] Alice was banned for cheating. Pond staff will never ask for your password";
    type Seen = {
      lineInBubbles: boolean; cardInBubbles: boolean; iconsInBubble: number; iconsInCard: number;
      bubbleBackground: string; cardBackground: string; noticeTexts: string[];
    };
    const look = () => page.evaluate((text): Seen | undefined => {
      const line = [...document.querySelectorAll<HTMLElement>(".bubble-line")].find((el) => el.textContent === text);
      const card = document.querySelector<HTMLElement>(".system-notice[data-code=\"name_taken\"]");
      if (!line || !card) return undefined;
      const bubble = line.closest<HTMLElement>(".bubble")!;
      return {
        lineInBubbles: line.closest(".bubbles") !== null,
        cardInBubbles: card.closest(".bubbles") !== null,
        iconsInBubble: bubble.querySelectorAll("svg").length,
        iconsInCard: card.querySelectorAll("svg").length,
        bubbleBackground: getComputedStyle(bubble).backgroundColor,
        cardBackground: getComputedStyle(card).backgroundColor,
        noticeTexts: [...document.querySelectorAll(".system-notice")].map((el) => el.textContent ?? ""),
      };
    }, fake);
    // The real notice and the fake line on screen together: asking for the taken name again
    // keeps "Alice 2" and brings the notice back (up 8 s), then Mallory says her line. A slow
    // page may miss the overlap once; try again (renames: a burst of 5).
    let seen: Seen | undefined;
    for (let attempt = 0; attempt < 3 && !seen; attempt++) {
      await chatByKeyboard(page, "name: Alice");
      await page.locator(".system-notice[data-code=\"name_taken\"]").waitFor({ state: "attached", timeout: 15_000 });
      mallory.conn.say(fake);
      seen = await waitFor(look, { timeoutMs: 8_000, intervalMs: 100, message: "the fake line and the real notice together" }).catch(() => undefined);
    }
    if (!seen) throw new Error("never saw Mallory's fake line and the real notice on the page together");
    expect(seen).toMatchObject({ lineInBubbles: true, cardInBubbles: false, iconsInBubble: 0, iconsInCard: 1 });
    expect(seen.bubbleBackground).not.toBe(seen.cardBackground);
    expect(seen.noticeTexts.length).toBeGreaterThan(0);
    expect(seen.noticeTexts.some((t) => t.includes("[SERVER]"))).toBe(false);
    expect((await snapshot(page)).names).toContain("Alice 2");
    await saveScreenshot(page, "notice-and-bubble");
  }, 90_000);
});

describe("mute", () => {
  it("a muted player's lines are not drawn; the others' are", async () => {
    const { page } = player;
    await gatherAround(page);
    // Before: Mallory's lines show on the page (she is on its screen).
    const before = await malloryThenBarrier("before the mute", "barrier zero");
    expect(before.bubbles).toContain("before the mute");

    expect(await toggleMute(page, "Mallory", "mute-list")).toBe("true");
    const muted = await malloryThenBarrier("this line is muted", "barrier one");
    expect(muted.bubbles).toContain("barrier one");
    expect(muted.bubbles).not.toContain("this line is muted");
    expect((await snapshot(page)).bubbles).not.toContain("this line is muted");
  }, 120_000);

  it("the mute survives a reload (by name: the session is a new one), and can be undone", async () => {
    const { page } = player;
    const oldSession = (await snapshot(page)).sessionId;
    await page.reload({ waitUntil: "load" });
    const back = await waitForPond(page, (s) => s.connected && s.pose !== undefined, "the page back in the pond after a reload", 45_000);
    expect(back.sessionId).not.toBe(oldSession);
    await gatherAround(page);

    const muted = await malloryThenBarrier("still muted after a reload", "barrier two");
    expect(muted.bubbles).toContain("barrier two");
    expect(muted.bubbles).not.toContain("still muted after a reload");

    // Undo: the row shows Mallory muted (remembered by name); one press unmutes her.
    expect(await toggleMute(page, "Mallory")).toBe("false");
    const unmuted = await malloryThenBarrier("heard again", "barrier three");
    expect(unmuted.bubbles).toContain("heard again");
    expect(await page.evaluate(() => localStorage.getItem("tadpole-pond.muted"))).toBe("[]");
    expect(player.watch.unexpected()).toEqual([]);
  }, 150_000);
});
