import type { ManagedProcess } from "../../../kit/process.ts";
import { startServer } from "../../../kit/server.ts";
import { waitFor } from "../../../kit/waitFor.ts";
import { fetchHealth, fetchMetrics, fetchPonds, type MetricsSnapshot } from "../../../kit/probes.ts";

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
  // HARDENING_SERVER_ENTRY runs another copy of the server (e.g. one with a proposed fix applied).
  const server = await startServer({
    entry: process.env.HARDENING_SERVER_ENTRY,
    name: "pond",
    timeoutMs,
    env: { LOG_LEVEL: "warn", REDIS_URL: process.env.REDIS_URL, ...env },
  });
  return {
    ...server,
    alive: () => !server.proc.hasExited,
    metrics: () => fetchMetrics(server.httpUrl),
    stop: () => server.proc.stop(3000),
  };
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
