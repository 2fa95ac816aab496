import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { FROG_LEVEL, LEGS_LEVEL } from "../../shared/growth.ts";
import type { ServerProcess } from "../../kit/server.ts";
import { waitFor } from "../../kit/waitFor.ts";
import { DESKTOP, launchBrowser, type LaunchedBrowser } from "../../kit/browser/launch.ts";
import { openPond, saveScreenshot, SCREENSHOT_DIR, snapshot, type OpenedPond } from "../../kit/browser/pond.ts";
import { copyBuiltClient, startGameServer, type ClientCopy } from "../../kit/browser/builtClient.ts";

/**
 * Food and growth in the browser, against the real server process: a player swims through the
 * food, eats, visibly grows (the size its tadpole is drawn at), tops the leaderboard in the
 * corner, grows legs and becomes a frog; screenshots of the three stages, whole and close up, go
 * to test-artifacts/screenshots (food-tadpole, food-legs, food-frog, each with -closeup).
 *
 * The food is thick (FOOD_COUNT 40,000: a speck every ~380 square units) and the view small
 * (VIEW_RADIUS 500), so a frog takes a minute of swimming, not an afternoon, and the page draws
 * a few thousand specks, not the pond's forty thousand. No hunger.
 */
let server: ServerProcess | undefined;
let chromium: LaunchedBrowser | undefined;
let client: ClientCopy | undefined;
let context: BrowserContext;
let ann: OpenedPond;

beforeAll(async () => {
  client = await copyBuiltClient();
  server = await startGameServer({ clientDir: client.dir, env: { FOOD_COUNT: "40000", HUNGER_SECONDS: "0", VIEW_RADIUS: "500" } });
  chromium = await launchBrowser();
  context = await chromium.browser.newContext(DESKTOP);
  ann = await openPond(context, server.httpUrl, "Ann");
}, 90_000);

afterAll(async () => {
  await context?.close();
  await chromium?.close();
  await server?.stop();
  client?.remove();
}, 60_000);

interface Look {
  x: number;
  y: number;
  level: number;
  size: number;
  stage: string;
}

function lookSelf(page: Page): Promise<Look | undefined> {
  return page.evaluate(() => {
    const pond = window.__pond!;
    const id = pond.sessionId();
    return id === undefined ? undefined : pond.look(id);
  });
}

/**
 * Swims back and forth across the middle of the pond (a lawnmower: long legs east and west, a
 * short step north between them) by holding the mouse toward the next turn, until `done`.
 */
async function swimUntil(page: Page, done: (look: Look) => boolean, message: string, timeoutMs: number): Promise<Look> {
  const { width, height } = page.viewportSize() ?? { width: 1280, height: 720 };
  let leg = 0;
  let held = false;
  try {
    return await waitFor(async () => {
      const [look, s] = await Promise.all([lookSelf(page), snapshot(page)]);
      if (!look || !s.camera) return undefined;
      if (done(look)) return look;
      // Legs 900 units long, 70 apart, between y = -700 and 700.
      const row = -700 + ((leg >> 1) % 20) * 70;
      const target = { x: leg % 2 === 0 ? 900 : -900, y: row };
      if (Math.hypot(target.x - look.x, target.y - look.y) < 60) leg++;
      const dx = target.x - look.x;
      const dy = target.y - look.y;
      const d = Math.hypot(dx, dy) || 1;
      const sx = width / 2 + (look.x - s.camera.x) * s.camera.zoom;
      const sy = height / 2 + (look.y - s.camera.y) * s.camera.zoom;
      await page.mouse.move(Math.max(4, Math.min(width - 4, sx + (dx / d) * 200)), Math.max(4, Math.min(height - 4, sy + (dy / d) * 200)));
      if (!held) {
        await page.mouse.down();
        held = true;
      }
      return undefined;
    }, { timeoutMs, intervalMs: 150, message, describe: () => lookSelf(page) });
  } finally {
    if (held) await page.mouse.up();
  }
}

/** Saves the screen and a close-up around our tadpole (test-artifacts/screenshots/<name>[-closeup].png). */
async function shoot(page: Page, name: string): Promise<void> {
  await saveScreenshot(page, name);
  const [look, s] = await Promise.all([lookSelf(page), snapshot(page)]);
  if (!look || !s.camera) return;
  const { width, height } = page.viewportSize() ?? { width: 1280, height: 720 };
  const sx = width / 2 + (look.x - s.camera.x) * s.camera.zoom;
  const sy = height / 2 + (look.y - s.camera.y) * s.camera.zoom;
  const side = 160;
  const x = Math.max(0, Math.min(width - side, sx - side / 2));
  const y = Math.max(0, Math.min(height - side, sy - side / 2));
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  writeFileSync(join(SCREENSHOT_DIR, `${name}-closeup.png`), await page.screenshot({ clip: { x, y, width: side, height: side }, timeout: 30_000 }));
}

describe("food and growth in the browser", () => {
  it("shows the food, and a tadpole that eats grows, leads the board, grows legs and becomes a frog", async () => {
    const { page } = ann;
    // The specks of the cells in view are drawn, where the page was told they are.
    const food = await waitFor(() => page.evaluate(() => window.__pond!.food()).then((f) => (f.count > 200 ? f : undefined)), {
      timeoutMs: 15_000,
      message: "the page to draw the food around it",
    });
    // (The food is so thick that it may have eaten a speck or two where it appeared.)
    const self = (await lookSelf(page))!;
    expect(self.level).toBeLessThanOrEqual(1);
    expect(self.stage).toBe("tadpole");
    const near = food.specks.filter((s) => Math.hypot(s.x - self.x, s.y - self.y) < 300);
    expect(near.length).toBeGreaterThan(20);
    await shoot(page, "food-tadpole");

    // Eat: the level rises, the drawn size follows, and the board names us first.
    const grown = await swimUntil(page, (l) => l.level >= self.level + 3 && l.size > self.size + 0.12, "Ann to grow three levels and be drawn larger", 60_000);
    expect(grown.stage).toBe("tadpole");
    await waitFor(() => page.evaluate(() => window.__pond!.leaderboard()).then((lines) => /^1\. Ann, \d+$/.test(lines[0] ?? "")), {
      timeoutMs: 5000,
      message: "the leaderboard to show Ann first",
      describe: () => page.evaluate(() => window.__pond!.leaderboard()),
    });
    const board = page.locator(".leaderboard");
    expect(await board.isVisible()).toBe(true);
    expect(await board.locator("li.own").textContent()).toMatch(/^1\. Ann, \d+$/);

    // Legs, then a frog.
    const legs = await swimUntil(page, (l) => l.stage === "legs", `Ann to grow legs (level ${LEGS_LEVEL})`, 120_000);
    expect(legs.level).toBeGreaterThanOrEqual(LEGS_LEVEL);
    await page.mouse.up();
    await shoot(page, "food-legs");
    const frog = await swimUntil(page, (l) => l.stage === "frog", `Ann to become a frog (level ${FROG_LEVEL})`, 120_000);
    expect(frog.level).toBeGreaterThanOrEqual(FROG_LEVEL);
    await waitFor(() => lookSelf(page).then((l) => (l && l.size >= 1 + (FROG_LEVEL - 0.5) / 20 ? l : undefined)), {
      timeoutMs: 5000,
      message: "the frog to be drawn at its size",
    });
    await shoot(page, "food-frog");
  }, 330_000);
});
