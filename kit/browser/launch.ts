import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from "playwright-core";

/**
 * Headless Chromium for the e2e tests and the client benchmark: the machine's own Chromium
 * (CHROMIUM_PATH, which CI exports, else Debian's /usr/bin/chromium; never a downloaded
 * build), a fresh temporary profile per launch that is removed on close, and flags that keep
 * it off the network (only loopback pages are ever opened).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A phone: iPhone-12-sized CSS viewport, DPR 3, touch, mobile emulation. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
};

/** A laptop window. */
export const DESKTOP: BrowserContextOptions = {
  viewport: { width: 1280, height: 720 },
  deviceScaleFactor: 1,
};

export interface LaunchedBrowser {
  browser: Browser;
  /** A new, isolated context (its own storage, like another person's browser). */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** Closes every context and the browser, then deletes the profile. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Launches one browser. Playwright refuses `--user-data-dir` in launch() args, so the browser
 * is started as a persistent context on a fresh temp dir (that context stays unused) and
 * isolated contexts are made from its Browser.
 */
export async function launchBrowser(extraArgs: string[] = []): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "tadpole-chromium-"));
  let persistent: BrowserContext;
  try {
    persistent = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, ...extraArgs],
      timeout: 60_000,
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`could not start Chromium at ${CHROMIUM_PATH} (set CHROMIUM_PATH): ${(error as Error).message}`);
  }
  const browser = persistent.browser();
  if (!browser) {
    await persistent.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
    throw new Error("Chromium started without a Browser handle");
  }
  let closed = false;
  return {
    browser,
    newContext: (options) => browser.newContext(options),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await Promise.race([
          (async () => {
            for (const context of browser.contexts()) await context.close().catch(() => undefined);
            await persistent.close().catch(() => undefined);
            await browser.close().catch(() => undefined);
          })(),
          new Promise((resolve) => setTimeout(resolve, 15_000)),
        ]);
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}
