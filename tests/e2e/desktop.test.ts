import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { MAX_SPEED } from "../../shared/constants.ts";
import type { ServerProcess } from "../../kit/server.ts";
import { delay, waitFor } from "../../kit/waitFor.ts";
import { DESKTOP, launchBrowser, type LaunchedBrowser } from "../../kit/browser/launch.ts";
import { decodePng } from "../../kit/browser/png.ts";
import {
  angleDiff, canvasOnlyScreenshot, chatByKeyboard, hueDistance, openPond, paintedWaterHue, saveScreenshot, screenshotStats, snapshot, swimNear,
  waitForPond, type OpenedPond, type PondSnapshot,
} from "../../kit/browser/pond.ts";
import { copyBuiltClient, startGameServer, type ClientCopy } from "../../kit/browser/builtClient.ts";
import { Swimmers } from "./support/swimmers.ts";

/**
 * The game in a real (headless) Chromium against the real server process: two desktop players
 * in separate browser contexts see each other, chat, rename, stay safe from hostile text, and
 * a crowd of headless swimmers fills the screen. Steps run in order and share the players.
 */
let server: ServerProcess | undefined;
let chromium: LaunchedBrowser | undefined;
let client: ClientCopy | undefined;
let swimmers: Swimmers | undefined;
let alice: OpenedPond;
let bob: OpenedPond;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  client = await copyBuiltClient();
  // 30 swimmers + the pages all connect from 127.0.0.1: raise the per-IP limit. The pixel checks
  // here look at tadpoles that sit still for a while: no idle fade under them (idle.test.ts has it).
  server = await startGameServer({ clientDir: client.dir, env: { MAX_CONNECTIONS_PER_IP: "100", IDLE_FADE_SECONDS: "3600" } });
  chromium = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await swimmers?.close().catch(() => undefined);
  await chromium?.close();
  await server?.stop();
  client?.remove();
}, 60_000);

async function newPlayer(name: string, options: BrowserContextOptions = {}): Promise<OpenedPond> {
  const context = await chromium!.newContext({ ...DESKTOP, ...options });
  contexts.push(context);
  return openPond(context, server!.httpUrl, name);
}

/** Centre of the viewport in CSS px (where the camera keeps our tadpole). */
const CX = 640;
const CY = 360;

/** The original pond's zoom ratio: at rest the view is 1.8 / 1.3 times closer than at full speed. */
const REST_OVER_FULL = 1.8 / 1.3;

/** The page's own clock, ms (performance.now): waits measured in it hold however slow the page is. */
function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** Resolves once the page's clock has passed `until` (a barrier in the page's time, not a sleep). */
async function pageTimePasses(page: Page, until: number): Promise<void> {
  await waitFor(async () => (await pageNow(page)) >= until, { timeoutMs: 30_000, intervalMs: 50, message: "the page's clock to advance" });
}

/**
 * How many pixels differ between two canvas-only screenshots, outside a `keepOut` x `keepOut`
 * CSS px square around the screen centre (our tadpole, whose tail and halo always move).
 */
function changedPixels(a: Buffer, b: Buffer, keepOut: number): number {
  const x = decodePng(a);
  const y = decodePng(b);
  let changed = 0;
  for (let row = 0; row < x.height; row++) {
    for (let col = 0; col < x.width; col++) {
      if (Math.abs(col - CX) < keepOut / 2 && Math.abs(row - CY) < keepOut / 2) continue;
      const i = (row * x.width + col) * 4;
      if (Math.abs(x.data[i] - y.data[i]) + Math.abs(x.data[i + 1] - y.data[i + 1]) + Math.abs(x.data[i + 2] - y.data[i + 2]) > 6) changed++;
    }
  }
  return changed;
}

/** Our tadpole and the camera, both known. */
function withCamera(s: PondSnapshot): s is PondSnapshot & { pose: NonNullable<PondSnapshot["pose"]>; camera: NonNullable<PondSnapshot["camera"]> } {
  return s.pose !== undefined && s.camera !== undefined;
}

/** Resolves after `frames` animation frames of the page (a barrier, not a sleep). */
function frames(page: Page, count: number): Promise<void> {
  return page.evaluate((n) => new Promise<void>((resolve) => {
    let left = n;
    const step = (): void => {
      if (--left <= 0) resolve();
      else requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }), count);
}

describe("desktop: two players in one pond", () => {
  it("loads without console errors, and the canvas draws the pond", async () => {
    alice = await newPlayer("Alice");
    expect(alice.joined.names).toContain("Alice");
    expect(alice.joined.banner).toBeNull();
    // The HTML loading screen (painted before any script) is gone once the pond is there.
    await alice.page.waitForFunction(() => document.getElementById("splash") === null, undefined, { timeout: 5000 });

    const page = await saveScreenshot(alice.page, "desktop");
    const whole = screenshotStats(page);
    // Water gradient, particles, the tadpole, mini-map, name field: far from a single colour.
    expect(whole.distinctColors).toBeGreaterThan(30);

    // The canvas alone (CSS water and DOM overlays hidden): WebGL must have drawn our tadpole
    // at the screen centre (head, halo, tail, name) and particles around it.
    const canvas = await canvasOnlyScreenshot(alice.page);
    const centre = screenshotStats(canvas, { x: CX - 60, y: CY - 60, width: 120, height: 120 });
    expect(centre.nonBlackPixels).toBeGreaterThan(300);
    expect(centre.brightPixels).toBeGreaterThan(50);
    const everywhere = screenshotStats(canvas);
    expect(everywhere.nonBlackPixels - centre.nonBlackPixels).toBeGreaterThan(500);

    expect(alice.watch.unexpected()).toEqual([]);
  });

  it("holding the mouse swims toward the pointer; letting go coasts to a stop", async () => {
    const { page } = alice;
    const start = (await snapshot(page)).pose!;

    // Hold the button to the right of our tadpole: it swims right (+x).
    await page.mouse.move(CX + 260, CY);
    await page.mouse.down();
    // (The heading is checked once settled: on a slow page the camera, and so where the
    // tadpole sits on screen relative to the pointer, lags behind the swim.)
    const right = await waitForPond(page, (s) => s.pose !== undefined && s.pose.x - start.x > 120
      && Math.abs(angleDiff(s.pose.angle, 0)) < 0.35, "our tadpole to swim 120 units right, heading right");
    expect(Math.abs(right.pose!.y - start.y)).toBeLessThan(right.pose!.x - start.x);

    // Drag the held pointer below the tadpole: it turns and swims down (+y).
    await page.mouse.move(CX, CY + 260, { steps: 4 });
    await waitForPond(page, (s) => s.pose !== undefined && s.pose.y - right.pose!.y > 120
      && Math.abs(angleDiff(s.pose.angle, Math.PI / 2)) < 0.35, "our tadpole to swim 120 units down, heading down");

    // Let go: no thrust, drag slows it to rest.
    await page.mouse.up();
    const rest = await waitForPond(page, (s) => s.pose !== undefined && s.pose.speed < 2, "our tadpole to coast to a stop");
    const after = await waitForPond(page, () => true, "a fresh pose");
    expect(Math.hypot(after.pose!.x - rest.pose!.x, after.pose!.y - rest.pose!.y)).toBeLessThan(5);
  }, 90_000);

  it("the water's hue drifts slowly, as the page paints it", async () => {
    const { page } = alice;
    const first = await paintedWaterHue(page);
    const t0 = await pageNow(page);
    // One turn in 135 s as in the original (2.67°/s): 3° within a few seconds.
    const drifted = await waitFor(async () => {
      const [hue, now] = await Promise.all([paintedWaterHue(page), pageNow(page)]);
      return hueDistance(hue, first) >= 3 ? { hue, now } : undefined;
    }, { timeoutMs: 20_000, intervalMs: 200, message: "the water's painted hue to drift 3°" });
    // Slowly: well under a turn a minute.
    expect(hueDistance(drifted.hue, first) / ((drifted.now - t0) / 1000)).toBeLessThan(6);
    // The hook reports the hue painted.
    const [painted, reported] = await Promise.all([paintedWaterHue(page), page.evaluate(() => window.__pond!.waterHue())]);
    expect(hueDistance(painted, reported)).toBeLessThan(1.5);
  });

  it("the camera trails our tadpole and breathes: close at rest, wider at full speed, on screen all along", async () => {
    const { page } = alice;
    // At rest the camera settles on our tadpole, at the close-up zoom.
    const rest = await waitForPond(page, (s) => withCamera(s) && s.pose.speed < 2 && Math.hypot(s.camera.x - s.pose.x, s.camera.y - s.pose.y) < 3
      && Math.abs(s.camera.zoom - s.camera.baseZoom * REST_OVER_FULL) < 0.01, "the camera to settle, zoomed in, on our resting tadpole", 30_000);
    const restZoom = rest.camera!.zoom;

    // Full speed to the left (the pointer near the left edge: full thrust however far the camera trails).
    await page.mouse.move(30, CY);
    await page.mouse.down();
    try {
      // The camera trails: our tadpole pulls ahead of the screen's centre, but stays on screen.
      const trailing = await waitForPond(page, (s) => withCamera(s) && s.pose.speed > 0.5 * MAX_SPEED && s.camera.x - s.pose.x > 60,
        "the camera to trail our swimming tadpole by 60 units", 20_000);
      expect((trailing.camera!.x - trailing.pose!.x) * trailing.camera!.zoom).toBeLessThan(CX * 0.5);
      // The view widens with speed.
      const fast = await waitForPond(page, (s) => withCamera(s) && s.pose.speed > 0.9 * MAX_SPEED && s.camera.zoom < restZoom / 1.2,
        "the view to widen at full speed", 20_000);
      expect((fast.camera!.x - fast.pose!.x) * fast.camera!.zoom).toBeLessThan(CX * 0.5);
      expect(fast.camera!.x - fast.pose!.x).toBeGreaterThan(60);
    } finally {
      await page.mouse.up();
    }
    // Let go: it glides to rest, the camera catches up and closes in again.
    await waitForPond(page, (s) => withCamera(s) && s.pose.speed < 2 && Math.hypot(s.camera.x - s.pose.x, s.camera.y - s.pose.y) < 3
      && s.camera.zoom > restZoom * 0.97, "the camera to catch up and close in on our resting tadpole", 30_000);
  }, 90_000);

  it("with prefers-reduced-motion: the hue and the zoom hold still, the specks too; the camera still follows", async () => {
    // The measure first: on Alice's page (motion allowed, at rest) the specks twinkle and drift.
    const [a0, aFrom] = [await canvasOnlyScreenshot(alice.page), await pageNow(alice.page)];
    await pageTimePasses(alice.page, aFrom + 1500);
    const moving = changedPixels(a0, await canvasOnlyScreenshot(alice.page), 300);
    expect(moving).toBeGreaterThan(200);

    const calm = await newPlayer("Calm", { reducedMotion: "reduce" });
    const { page } = calm;
    const start = (await waitForPond(page, (s) => withCamera(s) && s.pose.speed < 2, "Calm at rest"));
    expect(start.camera!.reducedMotion).toBe(true);
    // At rest, the full-speed view (no close-up).
    expect(start.camera!.zoom).toBe(start.camera!.baseZoom);

    // The specks hold still: two shots 1.5 s apart match away from our own tadpole.
    const [c0, cFrom] = [await canvasOnlyScreenshot(page), await pageNow(page)];
    await pageTimePasses(page, cFrom + 1500);
    expect(changedPixels(c0, await canvasOnlyScreenshot(page), 300)).toBeLessThan(moving / 10);

    const hue = await paintedWaterHue(page);
    await page.mouse.move(DESKTOP.viewport!.width - 20, CY);
    await page.mouse.down();
    try {
      await waitForPond(page, (s) => (s.pose?.speed ?? 0) > 0.9 * MAX_SPEED, "Calm to swim at full speed");
      // 4 s of the page's time at full speed: Alice's hue drifted 3° in about 1 s, and her
      // zoom moved by a fifth in less than 2 s.
      const until = (await pageNow(page)) + 4000;
      let followed = 0;
      for (;;) {
        const [s, painted, now] = await Promise.all([snapshot(page), paintedWaterHue(page), pageNow(page)]);
        expect(s.camera!.zoom).toBe(start.camera!.zoom);
        expect(painted).toBe(hue);
        followed = s.camera!.x - start.camera!.x;
        if (now >= until) break;
        await delay(100);
      }
      // Yet the camera follows.
      expect(followed).toBeGreaterThan(MAX_SPEED);
    } finally {
      await page.mouse.up();
    }
    expect(calm.watch.unexpected()).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("a second player sees the first one's tadpole and name, and the other way round", async () => {
    bob = await newPlayer("Bob");
    const seen = await waitForPond(bob.page, (s) => s.names.includes("Alice") && s.count >= 2, "Bob to see Alice");
    expect(seen.names).toEqual(expect.arrayContaining(["Alice", "Bob"]));
    await waitForPond(alice.page, (s) => s.names.includes("Bob"), "Alice to see Bob");

    // Bubbles are drawn only for tadpoles on screen: Bob swims over to Alice (steering with the
    // mouse again, toward a point the page learns from the pond, not from us).
    const there = (await snapshot(alice.page)).pose!;
    const near = await swimNear(bob.page, { x: there.x - 90, y: there.y + 30 });
    expect(Math.hypot(near.pose!.x - there.x, near.pose!.y - there.y)).toBeLessThan(300);
  }, 90_000);

  it("typing anywhere opens the chat line, Enter sends: the line shows as a bubble on the other page too", async () => {
    // A bubble lives 4 s plus 60 ms a character (ChatBubble.ts): a long line stays up long
    // enough to be checked on two slow pages at once.
    const line = "hello from Alice, ribbit 42 - a line long enough to stay up while slow pages look";
    await chatByKeyboard(alice.page, line);
    const [onBob] = await Promise.all([
      // On Bob's page: in the hook and as real DOM text placed on screen, read in one go.
      waitFor(async () => {
        const seen = await bob.page.evaluate((text) => {
          const el = [...document.querySelectorAll(".bubble-line")].find((e) => e.textContent === text);
          const box = el?.getBoundingClientRect();
          return {
            hook: window.__pond?.bubbles().includes(text) ?? false,
            box: box ? { x: box.x, y: box.y, width: box.width, height: box.height } : undefined,
          };
        }, line);
        return seen.hook && seen.box ? seen : undefined;
      }, { timeoutMs: 20_000, intervalMs: 100, message: "Alice's line in a bubble on Bob's page" }),
      waitForPond(alice.page, (s) => s.bubbles.includes(line), "Alice's line in her own bubble"),
    ]);
    const box = onBob.box!;
    expect(box.width).toBeGreaterThan(0);
    expect(box.x + box.width).toBeGreaterThan(0);
    expect(box.x).toBeLessThan(DESKTOP.viewport!.width);
    expect(box.y).toBeLessThan(DESKTOP.viewport!.height);
    await saveScreenshot(bob.page, "chat-bubble");
  }, 60_000);

  it("`name: X` in the chat renames: the other page shows the new name", async () => {
    await chatByKeyboard(alice.page, "name: Zed the Swift");
    const seen = await waitForPond(bob.page, (s) => s.names.includes("Zed the Swift"), "Bob to see Alice renamed");
    expect(seen.names).not.toContain("Alice");
    await waitFor(() => alice.page.locator(".name-field input").inputValue().then((v) => v === "Zed the Swift"), {
      timeoutMs: 15_000, message: "Alice's name field to show her new name",
    });
    // A rename is not a chat line: nobody shows it in a bubble.
    expect((await snapshot(bob.page)).bubbles.some((b) => b.includes("name:"))).toBe(false);
  }, 60_000);

  it("hostile names and chat lines show as plain text and run nothing", async () => {
    const hostileName = "<svg onload=alert(1)>";
    const hostileImg = "<img src=x onerror=alert(1)>";
    // The chat line carries the <img> plus words that keep its bubble up a while (4 s + 60 ms a
    // character) for slow pages to be checked.
    const hostileLine = `${hostileImg} is only text here, nothing runs`;
    // Names are cut to 24 characters by the server, so the full <img …> is also sent as a
    // chat line, whose bubble is DOM text: the place an injection would bite.
    const cutImg = hostileImg.slice(0, 24);

    // What the UI itself draws as elements (icons…), before any hostile text arrives.
    const census = (page: Page) => page.evaluate(() => ({
      imgs: document.querySelectorAll("img").length,
      svgs: document.querySelectorAll("svg").length,
      handlers: document.querySelectorAll("[onerror], [onload]").length,
    }));
    const baseline = await Promise.all([census(alice.page), census(bob.page)]);
    expect(baseline.map((b) => b.handlers)).toEqual([0, 0]);

    await chatByKeyboard(alice.page, `name: ${hostileName}`);
    await waitForPond(bob.page, (s) => s.names.includes(hostileName), "Bob to see the <svg> name as text");
    await chatByKeyboard(alice.page, `name: ${hostileImg}`);
    await waitForPond(bob.page, (s) => s.names.includes(cutImg), "Bob to see the <img> name (cut to 24) as text");
    await chatByKeyboard(alice.page, hostileLine);

    // While the line's bubble is on screen (it lives a few seconds), its DOM must hold the
    // literal text and nothing parsed from it. Read both in the same instant, on both pages at once.
    await Promise.all([alice, bob].map(async ({ page }, i) => {
      const dom = await waitFor(async () => {
        const seen = await page.evaluate(() => ({
          hook: window.__pond?.bubbles() ?? [],
          bubbleText: [...document.querySelectorAll(".bubble-line")].map((el) => el.textContent),
          // A bubble line is text only: no element inside it.
          elementsInLines: document.querySelectorAll(".bubble-line *").length,
          imgs: document.querySelectorAll("img").length,
          svgs: document.querySelectorAll("svg").length,
          handlers: document.querySelectorAll("[onerror], [onload]").length,
        }));
        return seen.hook.includes(hostileLine) && seen.bubbleText.includes(hostileLine) ? seen : undefined;
      }, { timeoutMs: 20_000, intervalMs: 100, message: "the <img> chat line as a text bubble" });
      expect(dom).toMatchObject({ elementsInLines: 0, imgs: baseline[i].imgs, svgs: baseline[i].svgs, handlers: 0 });
    }));
    await waitForPond(alice.page, (s) => s.names.includes(cutImg), "Alice to see her own <img> name as text");

    for (const { page } of [alice, bob]) {
      // Had an <img src=x> been injected at any time, the browser would have requested /x and
      // run its onerror. Barrier: a later request to the same server has come back and two
      // more frames have been drawn.
      await page.evaluate(() => fetch("/health").then(() => undefined));
      await frames(page, 2);
      const requestedX = await page.evaluate(() => performance.getEntriesByType("resource").filter((e) => new URL(e.name).pathname === "/x").length);
      expect(requestedX).toBe(0);
    }
    expect(await alice.page.locator(".name-field input").inputValue()).toBe(cutImg);
    expect(alice.watch.dialogs).toEqual([]);
    expect(bob.watch.dialogs).toEqual([]);
    // Put the name back to something readable for the screenshots that follow.
    await chatByKeyboard(alice.page, "name: Alice");
    await waitForPond(bob.page, (s) => s.names.includes("Alice"), "Alice's name back");
  }, 90_000);

  it("typing while swimming: letters go into the line, the tadpole swims on; a click on the pond keeps the line; Esc cancels it", async () => {
    const { page } = alice;
    const draft = "swimming and typing";
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
    await page.mouse.move(CX, 30);
    await page.mouse.down();
    try {
      const swimming = await waitForPond(page, (s) => (s.pose?.speed ?? 0) > 0.6 * MAX_SPEED, "Alice to swim at speed");
      // Real key presses, one by one, with no text field focused: the first opens the line.
      await page.keyboard.type(draft);
      await waitForPond(page, (s) => s.draft === draft, "the typed letters in the chat line");
      // A second of the page's time after the last letter she is still swimming hard (a glide
      // would have fallen to a fifth of full speed by then) and far along (a glide covers
      // well under a second's swim).
      await pageTimePasses(page, (await pageNow(page)) + 1000);
      const later = await snapshot(page);
      expect(later.draft).toBe(draft);
      expect(later.pose!.speed).toBeGreaterThan(0.6 * MAX_SPEED);
      expect(Math.hypot(later.pose!.x - swimming.pose!.x, later.pose!.y - swimming.pose!.y)).toBeGreaterThan(0.9 * MAX_SPEED);
    } finally {
      await page.mouse.up();
    }

    // A click on the pond (it takes the focus away from the line) keeps the line...
    await page.mouse.click(CX + 200, CY + 120);
    const clicked = await waitFor(() => page.evaluate(() => ({
      draft: window.__pond!.draft(),
      focused: document.activeElement === document.querySelector("form.chat input"),
      shown: !document.querySelector("form.chat")!.classList.contains("hidden"),
    })).then((v) => (!v.focused ? v : undefined)), { timeoutMs: 10_000, message: "the click to take the focus from the chat line" });
    expect(clicked).toEqual({ draft, focused: false, shown: true });
    // ...and typing on continues it.
    await page.keyboard.type(" on");
    await waitForPond(page, (s) => s.draft === `${draft} on`, "typing to continue the line");

    // Esc throws it away.
    await page.keyboard.press("Escape");
    await waitForPond(page, (s) => s.draft === undefined, "Esc to close the chat line");
    await page.locator("form.chat").waitFor({ state: "hidden", timeout: 10_000 });
    // It was never sent: a line sent after it comes back from the server, it never did.
    let cancelledSeen = false;
    const sent = "this one was sent, the other one was not";
    await chatByKeyboard(page, sent);
    await waitForPond(page, (s) => {
      cancelledSeen ||= s.bubbles.some((b) => b.includes(draft));
      return s.bubbles.includes(sent);
    }, "Alice's next line in her bubble");
    expect(cancelledSeen).toBe(false);
    // A fresh line starts empty: the first letter typed is all there is.
    await page.keyboard.type("x");
    await waitForPond(page, (s) => s.draft === "x", "a fresh line with only the new letter");
    await page.keyboard.press("Escape");
    await waitForPond(page, (s) => s.draft === undefined, "Esc to close the chat line");
  }, 90_000);

  it("↑ / ↓ step through the lines sent before; the name field keeps its own typing", async () => {
    const { page } = alice;
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
    // Enter alone opens an empty line; ↑ brings back the last line sent, ↑ again the one before.
    await page.keyboard.press("Enter");
    await waitForPond(page, (s) => s.draft === "", "Enter to open an empty chat line");
    await page.keyboard.press("ArrowUp");
    await waitForPond(page, (s) => s.draft === "this one was sent, the other one was not", "↑ to recall the last line sent");
    await page.keyboard.press("ArrowUp");
    await waitForPond(page, (s) => s.draft === "name: Alice", "↑ again to recall the line before");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await waitForPond(page, (s) => s.draft === "", "↓ past the newest to return to the empty line");
    // A line being typed survives a trip through the history.
    await page.keyboard.type("half");
    await page.keyboard.press("ArrowUp");
    await waitForPond(page, (s) => s.draft === "this one was sent, the other one was not", "↑ over a line being typed");
    await page.keyboard.press("ArrowDown");
    await waitForPond(page, (s) => s.draft === "half", "↓ to bring the line being typed back");
    await page.keyboard.press("Escape");
    await waitForPond(page, (s) => s.draft === undefined, "Esc to close the chat line");

    // The name field is a text field like any other: letters typed there stay there.
    const name = page.locator(".name-field input");
    await name.focus();
    await page.keyboard.type("Q");
    expect(await name.inputValue()).toMatch(/Q$/);
    expect((await snapshot(page)).draft).toBeUndefined();
    await page.keyboard.press("Escape");
    expect(await name.inputValue()).toBe("Alice");
  }, 60_000);

  it("thirty more tadpoles around: all shown, screenshot", async () => {
    // Newcomers appear within 200 units of the pond's centre and circle it; Alice swims there
    // meanwhile (to within 60 units of it), so they spread out around her in every direction as
    // they take up their rings.
    const centre = { x: 0, y: 0 };
    await Promise.all([
      swimNear(alice.page, centre, 60),
      Swimmers.join(server!.wsUrl, 30, "Pollywog").then((joined) => {
        swimmers = joined;
        // Most circle inside the screen; the outer rings are off screen (the edge arrows point there).
        joined.orbit(centre, 80, 760, 0.3);
      }),
    ]);
    await waitForPond(alice.page, (s) => s.count >= 32 && s.names.filter((n) => n.startsWith("Pollywog")).length === 30,
      "Alice to know all 30 swimmers", 45_000);
    for (const probe of swimmers!.probes.slice(0, 4)) probe.conn.say(`${probe.tadpole(probe.id)?.name} says hi`);
    await waitForPond(alice.page, (s) => s.bubbles.filter((b) => b.endsWith("says hi")).length >= 1, "a swimmer's bubble on Alice's page");
    // Let them spread onto their rings (many in view around Alice, the outer ones off screen).
    await waitFor(() => swimmers!.onRing(80) >= 26, {
      timeoutMs: 40_000, intervalMs: 100, message: "the swimmers to reach their rings around Alice", describe: () => swimmers!.onRing(80),
    });
    const png = await saveScreenshot(alice.page, "many-tadpoles");
    expect(screenshotStats(png).distinctColors).toBeGreaterThan(30);
  }, 120_000);

  it("no console errors, uncaught exceptions or dialogs on either page all along", () => {
    expect(alice.watch.unexpected()).toEqual([]);
    expect(bob.watch.unexpected()).toEqual([]);
    expect([...alice.watch.dialogs, ...bob.watch.dialogs]).toEqual([]);
  });
});
