import { describe, it } from "vitest";
import type { ManagedProcess } from "../../../kit/process.ts";
import { startServer } from "../../../kit/server.ts";
import { fetchPonds } from "../../../kit/probes.ts";
import { redisCommand, redisUrlWithDb } from "../../../kit/redis.ts";
import type { PondListing } from "../../../shared/protocol.ts";

/**
 * Scale-out tests need a real Redis: CI exports TEST_REDIS_URL (a private redis-server that
 * .ci/run starts). Without it the suite fails under CI (a missing service is a broken build,
 * not a reason to pass) and is skipped, loudly, on a developer machine.
 */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL?.trim() || undefined;

export function describeWithRedis(name: string, body: (redisUrl: string) => void): void {
  if (TEST_REDIS_URL) {
    describe(name, () => body(TEST_REDIS_URL));
    return;
  }
  const why = "TEST_REDIS_URL is not set (e.g. redis-server --port 6390 --save '' --daemonize yes; TEST_REDIS_URL=redis://127.0.0.1:6390)";
  const ci = process.env.CI !== undefined && !/^(|0|false)$/i.test(process.env.CI.trim());
  if (ci) {
    describe(name, () => {
      // A failing test, not a skip: CI must provide Redis.
      it("has the Redis it needs (TEST_REDIS_URL)", () => {
        throw new Error(`${why}: the cluster tests need Redis under CI`);
      });
    });
  } else {
    console.warn(`[tests/cluster] skipping "${name}": ${why}`);
    describe.skip(name, () => body("redis://unset"));
  }
}

/**
 * Each test file owns one Redis database number (the room cache and the process stats are
 * per database), flushed before it starts, so files running side by side never see each
 * other's ponds. Pub/sub channels are server-wide, but Colyseus names them by random ids.
 */
export async function freshDatabase(redisUrl: string, db: number): Promise<string> {
  const url = redisUrlWithDb(redisUrl, db);
  await redisCommand(url, "FLUSHDB");
  return url;
}

export interface ClusterNode {
  proc: ManagedProcess;
  port: number;
  /** http://127.0.0.1:<port> (matchmaking, /health, /metrics, /ponds). */
  httpUrl: string;
  /** The address its rooms advertise (PUBLIC_ADDRESS): where clients' sockets go. */
  publicAddress: string;
  stop(graceMs?: number): Promise<void>;
}

export interface NodeOptions {
  redisUrl: string;
  maxPlayers?: number;
  reconnectGraceSeconds?: number;
  /** PUBLIC_ADDRESS; default 127.0.0.1:<port>. A function gets the port (e.g. to point at a proxy). */
  publicAddress?: string | ((port: number) => string | Promise<string>);
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  echo?: boolean;
}

/**
 * Spawns the real server (`node --import tsx server/main.ts`) on a free loopback port, in the
 * cluster (REDIS_URL) and advertising PUBLIC_ADDRESS, and waits until /health says ready.
 * Retries on a fresh port if the one chosen was taken meanwhile.
 */
export async function startNode(options: NodeOptions): Promise<ClusterNode> {
  let publicAddress = "";
  const server = await startServer({
    name: "cluster node",
    timeoutMs: options.timeoutMs,
    echo: options.echo,
    env: async (port) => {
      publicAddress = typeof options.publicAddress === "function"
        ? await options.publicAddress(port)
        : options.publicAddress ?? `127.0.0.1:${port}`;
      return {
        REDIS_URL: options.redisUrl,
        PUBLIC_ADDRESS: publicAddress,
        MAX_PLAYERS: String(options.maxPlayers ?? 3),
        RECONNECT_GRACE_SECONDS: String(options.reconnectGraceSeconds ?? 10),
        LOG_LEVEL: "warn",
        MONITOR_PASSWORD: undefined,
        ...options.env,
      };
    },
  });
  return { proc: server.proc, port: server.port, httpUrl: server.httpUrl, publicAddress, stop: server.stop };
}

export type { PondListing };

export function getPonds(node: { httpUrl: string }): Promise<PondListing[]> {
  return fetchPonds(node.httpUrl);
}

/** The port a client's socket went to, from the SDK's `ws://<publicAddress>/<processId>/<roomId>` URL. */
export function socketPort(socketUrl: string | undefined): number | undefined {
  if (!socketUrl) return undefined;
  const port = new URL(socketUrl).port;
  return port ? Number(port) : undefined;
}
