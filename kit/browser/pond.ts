import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, ConsoleMessage, Page } from "playwright-core";
import type {} from "../../client/scenes/testHook.ts";
import { REPO_ROOT } from "../process.ts";
import { waitFor } from "../waitFor.ts";
import { decodePng, pixelStats, type PixelStats } from "./png.ts";

export const SCREENSHOT_DIR = join(REPO_ROOT, "test-artifacts", "screenshots");

/** Everything the page's test hook (window.__pond) reports, plus the connection banner. */
export interface PondSnapshot {
  hook: boolean;
  connected: boolean;
  sessionId: string | undefined;
  pose: { x: number; y: number; angle: number; speed: number } | undefined;
  count: number;
  names: string[];
  bubbles: string[];
  /** The connection banner's text while it is shown, else null. */
  banner: string | null;
  /** The session's status, where the hook reports it (diagnostics only). */
  status?: string;
  /** The chat line's text while it is open, else undefined. */
  draft: string | undefined;
  /** The world camera as drawn: centre, zoom (CSS px per world unit) and the zoom before breathing. */
  camera: { x: number; y: number; zoom: number; baseZoom: number; reducedMotion: boolean } | undefined;
}

/** Reads the whole hook in one round trip (the page may be slow: SwiftShader). */
export function snapshot(page: Page): Promise<PondSnapshot> {
  return page.evaluate(() => {
    const pond = window.__pond;
    const banner = document.querySelector(".banner");
    const bannerText = banner && !banner.classList.contains("hidden") ? banner.textContent : null;
    if (!pond) return { hook: false, connected: false, sessionId: undefined, pose: undefined, count: 0, names: [], bubbles: [], banner: bannerText, draft: undefined, camera: undefined };
    return {
      hook: true,
      connected: pond.connected(),
      sessionId: pond.sessionId(),
      pose: pond.selfPose(),
      count: pond.tadpoleCount(),
      names: pond.names(),
      bubbles: pond.bubbles(),
      banner: bannerText,
      status: (pond as { status?: () => string }).status?.(),
      draft: pond.draft(),
      camera: pond.camera(),
    };
  });
}

/**
 * The water's hue as the page paints it: the OKLCH hue of the first colour of #game's computed
 * background (style.css), degrees. Read from the style the browser computed, not the hook.
 */
export async function paintedWaterHue(page: Page): Promise<number> {
  const background = await page.evaluate(() => getComputedStyle(document.getElementById("game")!).backgroundImage);
  const match = /oklch\(\s*([\d.]+%?)\s+([\d.]+)\s+([-\d.]+)/.exec(background);
  if (!match) throw new Error(`no OKLCH water colour in #game's background: ${background}`);
  return Number(match[3]);
}

/** Smallest difference between two hues, degrees. */
export function hueDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

/** Polls the page's state until `predicate` holds; the timeout error shows the last state seen. */
export async function waitForPond(
  page: Page,
  predicate: (s: PondSnapshot) => boolean,
  message: string,
  timeoutMs = 20_000,
): Promise<PondSnapshot> {
  let last: PondSnapshot | undefined;
  return waitFor(async () => {
    last = await snapshot(page);
    return predicate(last) ? last : undefined;
  }, { timeoutMs, intervalMs: 100, message, describe: () => last });
}

/**
 * What a page said that a player should never cause: console errors, uncaught exceptions and
 * dialogs (alert/confirm/prompt, dismissed at once so the page never blocks).
 */
export class PageWatch {
  readonly consoleErrors: string[] = [];
  readonly pageErrors: string[] = [];
  readonly dialogs: string[] = [];
  readonly failedRequests: string[] = [];

  constructor(readonly page: Page) {
    page.on("console", (message: ConsoleMessage) => {
      if (message.type() === "error") {
        const where = message.location();
        this.consoleErrors.push(`${message.text()}${where.url ? ` (${where.url}:${where.lineNumber})` : ""}`);
      }
    });
    page.on("pageerror", (error) => this.pageErrors.push(`${error.name}: ${error.message}`));
    page.on("dialog", (dialog) => {
      this.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss().catch(() => undefined);
    });
    page.on("requestfailed", (request) => this.failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`));
  }

  /** Console errors not matching any of `allowed`, plus every uncaught exception. */
  unexpected(allowed: RegExp[] = []): string[] {
    return [
      ...this.consoleErrors.filter((text) => !allowed.some((re) => re.test(text))).map((t) => `console.error: ${t}`),
      ...this.pageErrors.map((t) => `pageerror: ${t}`),
    ];
  }
}

export interface OpenedPond {
  page: Page;
  watch: PageWatch;
  /** The state once our tadpole was on screen. */
  joined: PondSnapshot;
}

/**
 * Opens the game in a new page of `context` (with ?name=… when given, plus any other query
 * parameters) and waits until it is connected and its own tadpole exists.
 */
export async function openPond(
  context: BrowserContext,
  baseUrl: string,
  name?: string,
  timeoutMs = 45_000,
  query: Record<string, string> = {},
): Promise<OpenedPond> {
  const page = await context.newPage();
  const watch = new PageWatch(page);
  const params = new URLSearchParams(query);
  if (name !== undefined) params.set("name", name);
  const url = `${baseUrl}/${params.size ? `?${params}` : ""}`;
  await page.goto(url, { waitUntil: "load", timeout: timeoutMs });
  try {
    const joined = await waitForPond(page, (s) => s.connected && s.pose !== undefined, `the pond at ${url} to connect and show our tadpole`, timeoutMs);
    return { page, watch, joined };
  } catch (error) {
    const said = [...watch.unexpected(), ...watch.failedRequests.map((r) => `request failed: ${r}`)];
    throw new Error(`${(error as Error).message}${said.length ? `\npage said:\n  ${said.join("\n  ")}` : ""}`);
  }
}

/** Saves a screenshot to test-artifacts/screenshots/<name>.png and returns the PNG. */
export async function saveScreenshot(page: Page, name: string): Promise<Buffer> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const png = await page.screenshot({ timeout: 30_000, animations: "allow" });
  writeFileSync(join(SCREENSHOT_DIR, `${name}.png`), png);
  return png;
}

/** Colour statistics of a screenshot (whole page, or a CSS-pixel rectangle of it). */
export function screenshotStats(png: Buffer, cssRegion?: { x: number; y: number; width: number; height: number }, dpr = 1): PixelStats {
  const image = decodePng(png);
  const region = cssRegion && {
    x: Math.round(cssRegion.x * dpr),
    y: Math.round(cssRegion.y * dpr),
    width: Math.round(cssRegion.width * dpr),
    height: Math.round(cssRegion.height * dpr),
  };
  return pixelStats(image, region);
}

/**
 * A screenshot of what the CANVAS alone draws: the CSS water gradient, the vignette and every
 * DOM overlay are hidden for the shot (and restored after), so non-black pixels can only come
 * from WebGL.
 */
export async function canvasOnlyScreenshot(page: Page): Promise<Buffer> {
  const style = await page.addStyleTag({
    content: "#game { background: #000 !important; } #game::after { display: none !important; } .overlay { display: none !important; }",
  });
  try {
    return await page.screenshot({ timeout: 30_000 });
  } finally {
    await style.evaluate((node) => (node as ChildNode).remove()).catch(() => undefined);
  }
}

/**
 * Types a chat line the way a keyboard player does: just start typing (the first key opens the
 * line with its letter), then Enter sends.
 */
export async function chatByKeyboard(page: Page, text: string): Promise<void> {
  // Focus the page itself (not a text field) so the keys reach the game.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
  const [first, ...rest] = [...text];
  await page.keyboard.type(first);
  const input = page.locator("form.chat input");
  await input.waitFor({ state: "visible", timeout: 10_000 });
  await waitForPond(page, (s) => s.draft === first, `the first key (${first}) to open the chat line with it`, 10_000);
  await waitFor(() => input.evaluate((el) => el === document.activeElement), { timeoutMs: 10_000, message: "the chat input to take focus" });
  // One input event for the rest of the line (typing key by key costs a round trip per
  // character on a page busy drawing in software).
  if (rest.length > 0) await page.keyboard.insertText(rest.join(""));
  await page.keyboard.press("Enter");
  await page.locator("form.chat").waitFor({ state: "hidden", timeout: 10_000 });
}

/**
 * Swims a desktop page's tadpole near a world point by holding the mouse toward it, then lets
 * go and waits until it is at rest. The pointer is placed from where our tadpole is drawn (the
 * camera trails it, so that is not always the screen's centre).
 */
export async function swimNear(page: Page, target: { x: number; y: number }, within = 120, timeoutMs = 45_000): Promise<PondSnapshot> {
  const size = page.viewportSize() ?? { width: 1280, height: 720 };
  const cx = size.width / 2;
  const cy = size.height / 2;
  let held = false;
  try {
    await waitFor(async () => {
      const s = await snapshot(page);
      if (!s.pose) return false;
      const dx = target.x - s.pose.x;
      const dy = target.y - s.pose.y;
      const d = Math.hypot(dx, dy);
      if (d < within) return true;
      const sx = s.camera ? cx + (s.pose.x - s.camera.x) * s.camera.zoom : cx;
      const sy = s.camera ? cy + (s.pose.y - s.camera.y) * s.camera.zoom : cy;
      // Aim a little ahead, nearer as we get close (the tadpole swims at full speed beyond a 12 px dead zone).
      const reach = Math.max(40, Math.min(220, d * 0.6));
      const px = Math.max(4, Math.min(size.width - 4, sx + (dx / d) * reach));
      const py = Math.max(4, Math.min(size.height - 4, sy + (dy / d) * reach));
      await page.mouse.move(px, py);
      if (!held) {
        await page.mouse.down();
        held = true;
      }
      return false;
    }, { timeoutMs, intervalMs: 100, message: `swimming near (${Math.round(target.x)}, ${Math.round(target.y)})` });
  } finally {
    if (held) await page.mouse.up();
  }
  return waitForPond(page, (s) => s.pose !== undefined && s.pose.speed < 2, "our tadpole to come to rest", timeoutMs);
}

/** Angle difference in (-π, π]. */
export function angleDiff(a: number, b: number): number {
  let d = (a - b) % (Math.PI * 2);
  if (d > Math.PI) d -= Math.PI * 2;
  if (d <= -Math.PI) d += Math.PI * 2;
  return d;
}
