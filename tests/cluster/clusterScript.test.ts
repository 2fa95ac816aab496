import { createConnection } from "node:net";
import { afterAll, expect, it } from "vitest";
import { freePort } from "../../kit/ports.ts";
import { spawnTs, stopAll, type ManagedProcess } from "../../kit/process.ts";
import { waitFor } from "../../kit/waitFor.ts";
import { describeWithRedis, getPonds } from "./support/cluster.ts";
import { SessionPool } from "./support/sessions.ts";

/**
 * `npm run cluster` (scripts/cluster.ts) end to end, with REDIS_URL unset so it starts and
 * stops its own redis-server (gated on TEST_REDIS_URL like the rest: where that is set,
 * redis-server is installed).
 */
describeWithRedis("npm run cluster", () => {
  const pool = new SessionPool();
  let script: ManagedProcess | undefined;

  afterAll(async () => {
    await pool.closeAll();
    await script?.stop(10_000);
    await stopAll();
  });

  it("starts two processes on a private Redis, shares ponds, and stops everything on SIGTERM", async () => {
    let ports: number[] = [];
    let urls: string[] = [];
    for (let attempt = 0; attempt < 5 && urls.length === 0; attempt++) {
      const base = await freePort();
      if (base >= 65535) continue;
      script = spawnTs("scripts/cluster.ts", ["2"], {
        name: "cluster",
        env: { BASE_PORT: String(base), REDIS_URL: undefined, PUBLIC_ADDRESS: undefined, HOST: "127.0.0.1", CLIENT_DIR: "", LOG_LEVEL: "warn", MAX_PLAYERS: "2" },
      });
      const outcome = await waitFor(() => {
        if (/Play at any of them/.test(script!.output)) return "ready";
        if (script!.hasExited) return "exited";
        return null;
      }, { timeoutMs: 45_000, message: "the cluster to print its URLs", describe: () => script!.tail() });
      if (outcome === "ready") {
        ports = [base, base + 1];
        urls = ports.map((p) => `http://127.0.0.1:${p}`);
      } else if (!/is in use/.test(script.output)) {
        throw new Error(`cluster script failed:\n${script.tail()}`);
      }
    }
    expect(urls).toHaveLength(2);
    for (const [i, url] of urls.entries()) {
      expect(script!.output).toContain(`${url}`);
      expect(script!.output).toContain(`public localhost:${ports[i]}`);
    }
    const redisPort = Number(/redis:\/\/127\.0\.0\.1:(\d+)/.exec(script!.output)?.[1]);
    expect(redisPort).toBeGreaterThan(0);

    // One pond, joined through each process: they share matchmaking.
    const one = await pool.join({ url: urls[0], name: "one" });
    const two = await pool.join({ url: urls[1], name: "two" });
    expect(two.session.roomId).toBe(one.session.roomId);
    expect(await getPonds({ httpUrl: urls[1] })).toEqual([{ roomId: one.session.roomId, clients: 2, maxClients: 2 }]);

    await pool.closeAll();
    script!.signal("SIGTERM");
    const exit = await script!.waitForExit(20_000);
    expect(exit, script!.tail()).toEqual({ code: 0, signal: null });
    expect(script!.output).toMatch(/all processes exited\n/);
    // Its processes and its Redis are gone.
    for (const port of [...ports, redisPort]) expect(await accepts(port)).toBe(false);
  });
});

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
