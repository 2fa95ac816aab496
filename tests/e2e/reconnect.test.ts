import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerProcess } from "../helpers/serverProcess.ts";
import { DESKTOP, launchBrowser, type LaunchedBrowser } from "./support/browser.ts";
import { openPond, saveScreenshot, waitForPond, type OpenedPond } from "./support/pond.ts";
import { requireBuiltClient, startGameServer } from "./support/server.ts";

/**
 * The server goes away under an open page and comes back on the same port (a deploy, a
 * crash and restart): the page says it lost the connection, keeps retrying, and rejoins by
 * itself with the same name, a new tadpole on screen and the banner gone.
 */
let first: ServerProcess | undefined;
let second: ServerProcess | undefined;
let chromium: LaunchedBrowser | undefined;
let player: OpenedPond;

/**
 * While the server is down the browser reports each refused WebSocket (and the SDK logs the
 * failed join): those console errors are the expected sound of retrying, nothing else is.
 */
const RETRY_NOISE = [
  /WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/.*' failed/,
  /^Failed to load resource: net::ERR_CONNECTION_REFUSED/,
];
/**
 * KNOWN CLIENT BUG (reported, fix proposed): when the connection drops, PondSession.lost()
 * calls PondConnection.leave(), which calls room.leave(true) and so sends LEAVE_ROOM on the
 * already-closed socket; Chromium logs this error once per drop. Allowed at most once (one
 * drop here); any other error, or a second one, still fails.
 */
const SEND_ON_CLOSED = /^WebSocket is already in CLOSING or CLOSED state\./;

beforeAll(async () => {
  requireBuiltClient();
  first = await startGameServer();
  chromium = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await chromium?.close();
  await first?.stop();
  await second?.stop();
}, 60_000);

describe("reconnect: the page survives a server restart", () => {
  it("shows the banner while the server is down and rejoins when it is back on the same port", async () => {
    const context = await chromium!.newContext(DESKTOP);
    player = await openPond(context, first!.httpUrl, "Remy");
    const before = player.joined;
    expect(before.banner).toBeNull();

    await first!.stop();
    const lost = await waitForPond(player.page, (s) => !s.connected && s.banner !== null, "the page to notice the server is gone", 30_000);
    expect(lost.banner).toMatch(/connection lost.*reconnecting/i);
    // The dead pond is cleared: no stale tadpoles swim on while offline.
    expect(lost.count).toBe(0);
    expect(lost.pose).toBeUndefined();
    await saveScreenshot(player.page, "reconnecting");

    second = await startGameServer({ port: first!.port });
    // The retry delay grows toward 10 s (PondSession), so allow a few rounds of it.
    const back = await waitForPond(player.page, (s) => s.connected && s.pose !== undefined && s.banner === null,
      "the page to rejoin the restarted server", 45_000);
    expect(back.sessionId).toBeDefined();
    expect(back.sessionId).not.toBe(before.sessionId);
    expect(back.names).toContain("Remy");
    expect(back.count).toBeGreaterThanOrEqual(1);
    // The server agrees: one player connected.
    const health = (await (await fetch(`${second.httpUrl}/health`)).json()) as { players: number };
    expect(health.players).toBe(1);
    await saveScreenshot(player.page, "reconnected");

    expect(player.watch.unexpected([...RETRY_NOISE, SEND_ON_CLOSED])).toEqual([]);
    expect(player.watch.consoleErrors.filter((e) => SEND_ON_CLOSED.test(e)).length).toBeLessThanOrEqual(1);
  }, 120_000);
});
