import { matchMaker } from "@colyseus/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPondServer, type InProcessPond } from "../helpers/pondServer.ts";
import { waitForHealth } from "../../kit/server.ts";

/**
 * Readiness through a drain. A real process drains in tens of milliseconds here (its ponds close
 * their sockets at once; tests/ops/operations.test.ts covers SIGTERM end to end), too short to
 * observe; so this drives the matchmaker's own shutdown in-process and holds the HTTP side up,
 * which is the state a load balancer sees while a busy process drains.
 */
describe("/health while the matchmaker drains", () => {
  let pond: InProcessPond;

  beforeAll(async () => {
    pond = await startPondServer();
  });

  afterAll(async () => {
    pond.server.transport.shutdown();
  });

  it("names its process, so a launcher does not take another server on its port for the one it started", async () => {
    // In-process: the server's pid is this test process's.
    await waitForHealth(pond.httpUrl, 5000, undefined, process.pid);
    await expect(waitForHealth(pond.httpUrl, 1000, undefined, process.pid + 1)).rejects.toThrow(/another process \(pid \d+\) answers there/);
  });

  it("turns /health to 503 (not ready) and keeps /health/live at 200; matchmaking is refused", async () => {
    const before = await fetch(`${pond.httpUrl}/health`);
    expect(before.status).toBe(200);
    expect(await before.json()).toMatchObject({ ready: true });

    const drained = matchMaker.gracefullyShutdown();
    const health = await fetch(`${pond.httpUrl}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ live: true, ready: false, players: 0, pid: process.pid });
    const live = await fetch(`${pond.httpUrl}/health/live`);
    expect(live.status).toBe(200);
    const join = await fetch(`${pond.httpUrl}/matchmake/joinOrCreate/pond`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(join.ok).toBe(false);
    await drained;
  });
});
