import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import type { ServerProcess } from "../../kit/server.ts";
import { waitFor } from "../../kit/waitFor.ts";
import { DESKTOP, launchBrowser, type LaunchedBrowser } from "../../kit/browser/launch.ts";
import { decodePng } from "../../kit/browser/png.ts";
import { canvasOnlyScreenshot, openPond, saveScreenshot, SCREENSHOT_DIR, snapshot, swimNear, waitForPond, type OpenedPond } from "../../kit/browser/pond.ts";
import { copyBuiltClient, startGameServer, type ClientCopy } from "../../kit/browser/builtClient.ts";

/**
 * Idle players in the browser, against the real server process with short thresholds: a
 * tadpole idle for FADE_SECONDS fades (on another page, read from the drawn alpha and from the
 * pixels) and comes back the moment it moves; one idle for TIMEOUT_SECONDS loses its seat, and
 * its page says so, with a button that swims again.
 *
 * Alice watches and keeps busy (her pointer moves over the pond: she steers); Bob swims a
 * stroke with an arrow key, sits still with his pointer off the pond, comes back with another
 * stroke, and is freed in the end.
 */
const FADE_SECONDS = 5;
/** Long enough for a loaded machine to take the shots between Bob's strokes (seconds each in software rendering). */
const TIMEOUT_SECONDS = 25;
/** Centre of the 1280 x 720 viewport (CSS px). */
const CX = 640;
const CY = 360;
/** Half the side of the square read around a tadpole's head on screen, in world units (the head's glow is 40 across). */
const HEAD_BOX = 16;

let server: ServerProcess | undefined;
let chromium: LaunchedBrowser | undefined;
let client: ClientCopy | undefined;
let alice: OpenedPond;
let bob: OpenedPond;
let bobId = "";
const contexts: BrowserContext[] = [];
let stopBusy: (() => Promise<void>) | undefined;
const started = Date.now();
/** Logs a step with the time since the file started (these steps wait on the server's clock: a slow machine shows here). */
function mark(step: string): void {
  console.log(`[e2e] idle +${((Date.now() - started) / 1000).toFixed(1)} s: ${step}`);
}

beforeAll(async () => {
  client = await copyBuiltClient();
  server = await startGameServer({
    clientDir: client.dir,
    env: { IDLE_FADE_SECONDS: String(FADE_SECONDS), IDLE_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS) },
  });
  chromium = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await stopBusy?.();
  await chromium?.close();
  await server?.stop();
  client?.remove();
}, 60_000);

async function newPlayer(name: string): Promise<OpenedPond> {
  const context = await chromium!.newContext({ ...DESKTOP, locale: "en-US" });
  contexts.push(context);
  return openPond(context, server!.httpUrl, name);
}

type Look = { x: number; y: number; speed: number; alpha: number; drawn: boolean; idle: boolean };

/** Tadpole `id` as `page` draws it (test hook). */
function look(page: Page, id: string): Promise<Look | undefined> {
  return page.evaluate((tadpole) => window.__pond!.look(tadpole), id);
}

async function waitForLook(page: Page, id: string, predicate: (l: Look) => boolean, message: string, timeoutMs = 20_000): Promise<Look> {
  let last: Look | undefined;
  return waitFor(async () => {
    last = await look(page, id);
    return last && predicate(last) ? last : undefined;
  }, { timeoutMs, intervalMs: 50, message, describe: () => last });
}

/**
 * Keeps a page's player busy: its mouse hovers over the pond at two points in turn (its
 * tadpole turns to face each one: a change of steering) until the returned function is called.
 */
function keepBusy(page: Page): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      await page.mouse.move(CX - 220, i % 2 === 0 ? CY - 140 : CY + 140).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

/**
 * Takes a page's pointer off the pond (onto the pond panel): the player's hand leaves the mouse
 * there. A pointer resting over the pond would keep its tadpole turning toward it while the
 * camera settles, and on a software-rendered page that takes many seconds.
 */
async function pointerOff(page: Page): Promise<void> {
  const box = (await page.locator(".pond-panel").boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
}

/** Swims the page's own tadpole with an arrow key until it has moved `distance` units, then lets go. */
async function tap(page: Page, key: "ArrowLeft" | "ArrowRight", distance = 40): Promise<void> {
  const from = (await snapshot(page)).pose!;
  await page.keyboard.down(key);
  try {
    await waitForPond(page, (s) => s.pose !== undefined && Math.hypot(s.pose.x - from.x, s.pose.y - from.y) >= distance, `${key} to swim ${distance} units`);
  } finally {
    await page.keyboard.up(key);
  }
}

/**
 * How bright the canvas (drawn alone: no CSS water, no DOM, so the water is black) is in a
 * square around where `page` draws tadpole `id`: the 90th percentile of its pixels' brightness,
 * which the head's glow fills and a drifting speck (a few pixels) does not move. From a
 * screenshot taken between two reads of the tadpole's look.
 */
async function brightnessAround(page: Page, id: string): Promise<{ luma: number; before: Look; after: Look; png: Buffer }> {
  const [before, camera] = await Promise.all([look(page, id), page.evaluate(() => window.__pond!.camera())]);
  const png = await canvasOnlyScreenshot(page);
  const after = (await look(page, id))!;
  const image = decodePng(png);
  const half = HEAD_BOX * camera.zoom;
  const sx = CX + (before!.x - camera.x) * camera.zoom;
  const sy = CY + (before!.y - camera.y) * camera.zoom;
  const lumas: number[] = [];
  for (let y = Math.round(sy - half); y <= Math.round(sy + half); y++) {
    for (let x = Math.round(sx - half); x <= Math.round(sx + half); x++) {
      if (x < 0 || y < 0 || x >= image.width || y >= image.height) continue;
      const o = (y * image.width + x) * 4;
      lumas.push((image.data[o] + image.data[o + 1] + image.data[o + 2]) / 3);
    }
  }
  expect(lumas.length, "the square around the tadpole is on screen").toBeGreaterThan(0);
  lumas.sort((p, q) => p - q);
  return { luma: lumas[Math.floor(lumas.length * 0.9)], before: before!, after, png };
}

describe("idle: a still tadpole fades, comes back when it moves, and loses its seat in the end", () => {
  it("Alice waits at the pond's centre (where everyone arrives), steering; Bob joins on her screen", async () => {
    alice = await newPlayer("Alice");
    // Bob's page loads while Alice swims to the centre (he appears within 200 units of it).
    [bob] = await Promise.all([
      newPlayer("Bob"),
      swimNear(alice.page, { x: 0, y: 0 }, 40).then(() => {
        stopBusy = keepBusy(alice.page);
      }),
    ]);
    bobId = (await snapshot(bob.page)).sessionId!;
    await waitForLook(alice.page, bobId, (l) => l.drawn, "Alice to draw Bob");
  }, 180_000);

  it("another page's tadpole that does nothing fades to 20 % (alpha and pixels); one move brings it back at once", async () => {
    // Bob swims a little away from Alice (so the two never overlap on her screen), then rests,
    // steering all the while (his pointer over the pond: he turns in place to face it).
    const [a, b] = await Promise.all([snapshot(alice.page), snapshot(bob.page)]);
    await tap(bob.page, b.pose!.x >= a.pose!.x ? "ArrowRight" : "ArrowLeft");
    mark("Bob swam apart");
    const stopBob = keepBusy(bob.page);
    let awake: Awaited<ReturnType<typeof brightnessAround>>;
    try {
      await waitForLook(alice.page, bobId, (l) => l.speed < 2 && l.drawn, "Bob to rest on Alice's screen");
      // The reference shot must show Bob in full: Alice's camera trails, so a shot taken while it
      // still settles can sample beside him. Shoot again until it does (he stays awake meanwhile).
      let shot = await brightnessAround(alice.page, bobId);
      await waitFor(async () => {
        if (shot.luma > 60) return true;
        shot = await brightnessAround(alice.page, bobId);
        return false;
      }, { timeoutMs: 15_000, intervalMs: 200, message: "a shot of Bob drawn in full", describe: () => shot.luma });
      awake = shot;
    } finally {
      await stopBob();
    }
    await pointerOff(bob.page);
    mark("awake shot taken; Bob does nothing from now");
    expect(awake.before.alpha).toBe(1);
    expect(awake.after.alpha).toBe(1);
    expect(awake.after.idle).toBe(false);

    // Nothing more from Bob: his page sends the same input every tick. Idle, and faded.
    const faded = await waitForLook(alice.page, bobId, (l) => l.idle && l.alpha <= 0.2 + 1e-6, "Alice to see Bob idle and faded to 20 %", (FADE_SECONDS + 20) * 1000);
    expect(faded.alpha).toBeGreaterThan(0.19);
    // His own page shows him faded too (what others see).
    await waitForLook(bob.page, bobId, (l) => l.idle && l.alpha <= 0.2 + 1e-6, "Bob's own page to show him faded");
    mark("Alice sees Bob faded");
    const dim = await brightnessAround(alice.page, bobId);

    // One stroke (his seat's clock is running: first the stroke, then the checks): back in full
    // before he has even settled again.
    const pressed = Date.now();
    await tap(bob.page, b.pose!.x >= a.pose!.x ? "ArrowLeft" : "ArrowRight", 10);
    const back = await waitForLook(alice.page, bobId, (l) => !l.idle && l.alpha === 1, "Alice to see Bob back in full", 10_000);
    expect(back.alpha).toBe(1);
    mark(`Bob back in full ${Date.now() - pressed} ms after the key went down; faded luma ${dim.luma.toFixed(1)} vs ${awake.luma.toFixed(1)} awake`);

    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    writeFileSync(join(SCREENSHOT_DIR, "idle-faded.png"), dim.png);
    expect(dim.before.alpha).toBeLessThanOrEqual(0.2 + 1e-6);
    // What is left of the tadpole on the black water is about a fifth as bright.
    expect(awake.luma, "Bob drawn in full is bright").toBeGreaterThan(60);
    expect(dim.luma, `faded ${dim.luma.toFixed(1)} vs awake ${awake.luma.toFixed(1)}`).toBeLessThan(awake.luma * 0.4);
  }, 180_000);

  it("still for IDLE_TIMEOUT_SECONDS: the seat is freed; the page says why and swims again with a button", async () => {
    // Bob's last stroke was the tap above; Alice keeps steering.
    mark("waiting for Bob's seat to be freed");
    const freed = await waitForPond(bob.page, (s) => s.banner !== null && s.banner.includes("You were away"), "Bob's page to say he was away", (TIMEOUT_SECONDS + 15) * 1000);
    await saveScreenshot(bob.page, "idle-freed");
    expect(freed.banner).toContain(`You were away for ${TIMEOUT_SECONDS} seconds`);
    expect(freed.connected).toBe(false);
    // Offline, not rejoining by itself (that would be "moving").
    expect(freed.status).toBe("offline");
    const button = bob.page.locator(".banner-retry");
    expect(await button.textContent()).toBe("Swim again");
    expect(await button.isVisible()).toBe(true);
    // The seat is free: Bob is gone from Alice's pond and from the server; Alice, who steered, is still in.
    await waitForPond(alice.page, (s) => !s.names.includes("Bob"), "Bob's tadpole to leave Alice's pond", 10_000);
    expect((await snapshot(alice.page)).connected).toBe(true);
    const health = (await (await fetch(`${server!.httpUrl}/health`)).json()) as { players: number };
    expect(health.players).toBe(1);

    mark("Bob freed");
    await button.click();
    const again = await waitForPond(bob.page, (s) => s.connected && s.pose !== undefined && s.banner === null, "Bob to swim again");
    expect(again.sessionId).not.toBe(bobId);
    await waitForPond(alice.page, (s) => s.names.includes("Bob"), "Alice to see Bob back");
    await waitForLook(alice.page, again.sessionId!, () => true, "Alice to draw the new Bob");
    const players = (await (await fetch(`${server!.httpUrl}/health`)).json()) as { players: number };
    expect(players.players).toBe(2);
  }, 180_000);

  it("no console errors, uncaught exceptions or dialogs on either page", async () => {
    await stopBusy?.();
    stopBusy = undefined;
    expect(alice.watch.unexpected()).toEqual([]);
    expect(bob.watch.unexpected()).toEqual([]);
    expect([...alice.watch.dialogs, ...bob.watch.dialogs]).toEqual([]);
  });
});
