import { freePort } from "../../helpers/ports.ts";
import { spawnTs, type ManagedProcess } from "../../helpers/process.ts";
import { waitFor } from "../../helpers/waitFor.ts";
import { fetchHealth, fetchMetrics, fetchPonds, type MetricsSnapshot } from "../../../scripts/soak/metrics.ts";

/**
 * The real server process for the hardening tests: `node --import tsx server/main.ts` bound to
 * 127.0.0.1 on a free port, with no client bundle and warn-level logs. Always stop() it in
 * afterAll (the helpers also kill it when the test process exits).
 */
export interface Pond {
  proc: ManagedProcess;
  port: number;
  httpUrl: string;
  wsUrl: string;
  alive(): boolean;
  metrics(): Promise<MetricsSnapshot>;
  stop(): Promise<void>;
}

export async function startPond(env: Record<string, string> = {}, timeoutMs = 30_000): Promise<Pond> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    // HARDENING_SERVER_ENTRY runs another copy of the server (e.g. one with a proposed fix applied).
    const proc = spawnTs(process.env.HARDENING_SERVER_ENTRY ?? "server/main.ts", [], {
      name: `pond:${port}`,
      env: { PORT: String(port), HOST: "127.0.0.1", CLIENT_DIR: "", LOG_LEVEL: "warn", ...env },
    });
    const httpUrl = `http://127.0.0.1:${port}`;
    try {
      let last = "";
      await waitFor(async () => {
        if (proc.hasExited) throw new Error(`exited: ${proc.tail()}`);
        try {
          await fetchHealth(httpUrl, 1000);
          return true;
        } catch (error) {
          last = (error as Error).message;
          return false;
        }
      }, { timeoutMs, intervalMs: 100, message: `${httpUrl}/health`, describe: () => last });
      return {
        proc,
        port,
        httpUrl,
        wsUrl: `ws://127.0.0.1:${port}`,
        alive: () => !proc.hasExited,
        metrics: () => fetchMetrics(httpUrl),
        stop: () => proc.stop(3000),
      };
    } catch (error) {
      await proc.stop(2000);
      lastError = new Error(`pond on ${port} did not become healthy: ${(error as Error).message}\n${proc.tail()}`);
      if (!/EADDRINUSE/.test(proc.output)) break;
    }
  }
  throw lastError;
}

/** Waits until no pond is listed and the process reports no player and no room. */
export async function waitUntilEmpty(pond: Pond, timeoutMs: number): Promise<void> {
  let seen: unknown;
  await waitFor(async () => {
    const ponds = await fetchPonds(pond.httpUrl);
    const m = await pond.metrics();
    const health = await fetchHealth(pond.httpUrl);
    seen = { ponds, pond_players: m.sum("pond_players"), pond_rooms: m.sum("pond_rooms"), healthPlayers: health.players };
    return ponds.length === 0 && m.sum("pond_players") === 0 && m.sum("pond_rooms") === 0 && health.players === 0;
  }, { timeoutMs, intervalMs: 100, message: "every player gone and every pond disposed", describe: () => seen });
}
