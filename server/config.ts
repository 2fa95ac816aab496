import { DEFAULT_TICK_RATE } from "../shared/constants.ts";

/** Everything an operator can set, read and validated in one place. */
export interface ServerConfig {
  /** TCP port for HTTP and WebSocket (PORT). */
  port: number;
  /** Interface to bind (HOST); 0.0.0.0 serves the LAN, 127.0.0.1 only this machine. */
  host: string;
  /** Fixed simulation rate in Hz (TICK_RATE); patches go out at the same rate. */
  tickRate: number;
  /** Players per pond (MAX_PLAYERS); the matchmaker opens another pond when all are full. */
  maxPlayers: number;
  /** Largest WebSocket frame a client may send, in bytes (MAX_PAYLOAD). */
  maxPayload: number;
  /** Folder of the built client to serve (CLIENT_DIR); empty to serve no page. */
  clientDir: string;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${key} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function readConfig(env: Env = process.env): ServerConfig {
  return {
    port: integer(env, "PORT", 2567, 0, 65535),
    host: env.HOST?.trim() || "0.0.0.0",
    tickRate: integer(env, "TICK_RATE", DEFAULT_TICK_RATE, 1, 120),
    maxPlayers: integer(env, "MAX_PLAYERS", 200, 1, 5000),
    maxPayload: integer(env, "MAX_PAYLOAD", 4096, 256, 1 << 20),
    clientDir: env.CLIENT_DIR ?? new URL("../dist", import.meta.url).pathname,
  };
}
