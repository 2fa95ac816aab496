import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../kit/ports.ts";
import { spawnTs, type ManagedProcess } from "../../kit/process.ts";
import { waitFor } from "../../kit/waitFor.ts";
import { DESKTOP, launchBrowser, type LaunchedBrowser } from "../../kit/browser/launch.ts";
import { openPond, snapshot } from "../../kit/browser/pond.ts";

/**
 * `npm run dev` (scripts/dev.ts): Vite serves the client from source with hot module replacement
 * and proxies the game's routes and room sockets to a `tsx watch` game server. A page opened on
 * Vite's port must play: join through the proxy, and see a second player.
 */
describe("npm run dev", () => {
  let dev: ManagedProcess;
  let chromium: LaunchedBrowser | undefined;
  let pageUrl = "";

  beforeAll(async () => {
    const [devPort, serverPort] = [await freePort(), await freePort()];
    pageUrl = `http://127.0.0.1:${devPort}`;
    dev = spawnTs("scripts/dev.ts", [], { name: "dev", env: { DEV_PORT: String(devPort), POND_SERVER_PORT: String(serverPort), LOG_LEVEL: "warn", REDIS_URL: undefined } });
    await waitFor(async () => {
      if (dev.hasExited) throw new Error(`npm run dev exited:\n${dev.tail()}`);
      try {
        const [page, health] = await Promise.all([fetch(pageUrl), fetch(`${pageUrl}/health`)]);
        return page.ok && health.ok;
      } catch {
        return false;
      }
    }, { timeoutMs: 45_000, message: "the dev page and the game server behind it", describe: () => dev.tail() });
    chromium = await launchBrowser();
  }, 90_000);

  afterAll(async () => {
    await chromium?.close();
    await dev?.stop();
  });

  it("serves the client from source, with Vite's HMR client", async () => {
    const html = await (await fetch(pageUrl)).text();
    expect(html).toContain("/@vite/client");
    // The entry module itself, not a bundle from assets/.
    expect(html).toMatch(/src="\.?\/main\.ts/);
  });

  it("plays through Vite's proxy: two pages join one pond and see each other", async () => {
    const context = await chromium!.newContext(DESKTOP);
    const a = await openPond(context, pageUrl, "Dev A", 60_000);
    const b = await openPond(context, pageUrl, "Dev B", 60_000);
    await waitFor(async () => {
      const [sa, sb] = [await snapshot(a.page), await snapshot(b.page)];
      return sa.connected && sb.connected && sa.names.includes("Dev B") && sb.names.includes("Dev A");
    }, { timeoutMs: 20_000, message: "each page to see the other's tadpole" });
    await context.close();
  }, 120_000);
});
