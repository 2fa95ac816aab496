import { DEFAULT_FOOD_COUNT, HUNGER_SECONDS } from "../shared/growth.ts";
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DEFAULT_TICK_RATE, IDLE_FADE_SECONDS, IDLE_KICK_SECONDS } from "../shared/constants.ts";

/**
 * Players per pond by default: what one process holds at 20 Hz with margin on the benchmark
 * machine (500: 52 % of a core, 19.7 patches/s, tick p99 27 ms; 1,000 saturated it, see
 * docs/benchmarks/load.md). Everyone meets in one pond up to here.
 */
export const DEFAULT_MAX_PLAYERS = 500;

/** The starter word lists shipped with the server (English, Chinese): the filter when WORD_LIST_FILE is unset. */
export const STARTER_WORD_LISTS: readonly string[] = ["en.txt", "zh.txt"].map((file) => fileURLToPath(new URL(`./moderation/words/${file}`, import.meta.url)));

/** Everything an operator can set, read and validated in one place (see README, "Configuration"). */
export interface ServerConfig {
  /** TCP port for HTTP and WebSocket (PORT). */
  port: number;
  /** Interface to bind (HOST); 0.0.0.0 serves the LAN, 127.0.0.1 only this machine. */
  host: string;
  /** Fixed simulation rate in Hz (TICK_RATE); patches go out at the same rate. */
  tickRate: number;
  /** Players per pond (MAX_PLAYERS); the matchmaker opens another pond when all are full. */
  maxPlayers: number;
  /** Players this process accepts across all its ponds (MAX_PLAYERS_PER_PROCESS). */
  maxPlayersPerProcess: number;
  /** Open WebSocket connections allowed from one IP address (MAX_CONNECTIONS_PER_IP). */
  maxConnectionsPerIp: number;
  /**
   * Seat reservations (POST /matchmake) per second one IP address may make (JOIN_RATE_PER_IP), after a burst of MAX_CONNECTIONS_PER_IP (at least 10).
   * Reconnections (a WebSocket with a reconnection token, or POST /matchmake/reconnect) have a budget of their own of the same size.
   */
  joinRatePerIp: number;
  /** WebSockets without a seat (not, or not yet, a player of a pond) one IP address may hold open at once (MAX_SEATLESS_PER_IP). */
  maxSeatlessPerIp: number;
  /** Seconds a WebSocket may stay open without getting a seat before the server closes it (SEATLESS_GRACE_SECONDS). */
  seatlessGraceSeconds: number;
  /**
   * Whether a reverse proxy in front sets the client's address (TRUST_PROXY, default off). Off:
   * X-Real-IP, X-Forwarded-For and X-Client-IP are the client's own claims and are dropped. On:
   * X-Real-IP is trusted (the proxy must overwrite it); the other two are still dropped, since a
   * proxy that appends to X-Forwarded-For leaves the client's claim first, where Colyseus reads.
   */
  trustProxy: boolean;
  /** Largest WebSocket frame a client may send, in bytes (MAX_PAYLOAD). */
  maxPayload: number;
  /** Radius around a player's tadpole within which it receives others, in units (VIEW_RADIUS). */
  viewRadius: number;
  /** Interest management on (INTEREST=on, default) or off: everyone receives everyone (benchmark baseline). */
  interest: boolean;
  /** Seconds a dropped player's tadpole waits for it to reconnect (RECONNECT_GRACE_SECONDS). */
  reconnectGraceSeconds: number;
  /** Seconds without steering or chat after which a tadpole shows as idle, faded (IDLE_FADE_SECONDS). */
  idleFadeSeconds: number;
  /** Seconds without steering or chat after which the server frees the seat, closing with 4410 (IDLE_TIMEOUT_SECONDS); 0 = never. */
  idleTimeoutSeconds: number;
  /** Specks of food each pond keeps (FOOD_COUNT); 0 = no food. */
  foodCount: number;
  /** Seconds without eating after which a tadpole loses one mass, and again each such period (HUNGER_SECONDS); 0 = never. */
  hungerSeconds: number;
  /** Folder of the built client to serve (CLIENT_DIR); empty to serve no page. */
  clientDir: string;
  /** Redis for presence and matchmaking across processes (REDIS_URL); unset = one process, in memory. */
  redisUrl: string | undefined;
  /** Address other processes and clients reach this one at, behind a proxy (PUBLIC_ADDRESS). */
  publicAddress: string | undefined;
  /** pino log level (LOG_LEVEL). */
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Benchmark hooks on (BENCH_HOOKS=on): GET /debug/ticks serves raw recent tick durations. Off by default. */
  benchHooks?: boolean;
  /** Password for the Colyseus monitor at /monitor (MONITOR_PASSWORD); unset = monitor off. */
  monitorPassword: string | undefined;
  /**
   * Word lists whose words are masked in chat and names (WORD_LIST_FILE): unset = the shipped
   * starter lists (STARTER_WORD_LISTS), `off` = none, else that one file.
   */
  wordListFiles: readonly string[];
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

function text(env: Env, key: string): string | undefined {
  const raw = env[key]?.trim();
  return raw ? raw : undefined;
}

function integer(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = text(env, key);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${key} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function onOff(env: Env, key: string, fallback: boolean): boolean {
  const raw = text(env, key)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw === "on" || raw === "true" || raw === "1") return true;
  if (raw === "off" || raw === "false" || raw === "0") return false;
  throw new ConfigError(`${key} must be on or off, got "${raw}"`);
}

function redisUrl(env: Env): string | undefined {
  const raw = text(env, "REDIS_URL");
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`REDIS_URL must be a URL like redis://host:6379, got "${raw}"`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, got "${raw}"`);
  }
  return raw;
}

function logLevel(env: Env): ServerConfig["logLevel"] {
  const raw = text(env, "LOG_LEVEL") ?? "info";
  const level = LOG_LEVELS.find((l) => l === raw);
  if (!level) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${raw}"`);
  return level;
}

function wordListFiles(env: Env): readonly string[] {
  const raw = text(env, "WORD_LIST_FILE");
  if (raw === undefined) return STARTER_WORD_LISTS;
  if (raw.toLowerCase() === "off") return [];
  if (!statSync(raw, { throwIfNoEntry: false })?.isFile()) {
    throw new ConfigError(`WORD_LIST_FILE must be off or a word list file (one word a line), got "${raw}": no such file`);
  }
  return [raw];
}

export function readConfig(env: Env = process.env): ServerConfig {
  return {
    port: integer(env, "PORT", 2567, 0, 65535),
    host: text(env, "HOST") ?? "0.0.0.0",
    tickRate: integer(env, "TICK_RATE", DEFAULT_TICK_RATE, 1, 120),
    maxPlayers: integer(env, "MAX_PLAYERS", DEFAULT_MAX_PLAYERS, 1, 5000),
    maxPlayersPerProcess: integer(env, "MAX_PLAYERS_PER_PROCESS", 2000, 1, 100_000),
    maxConnectionsPerIp: integer(env, "MAX_CONNECTIONS_PER_IP", 20, 1, 100_000),
    joinRatePerIp: integer(env, "JOIN_RATE_PER_IP", 2, 1, 100_000),
    maxSeatlessPerIp: integer(env, "MAX_SEATLESS_PER_IP", 10, 1, 100_000),
    seatlessGraceSeconds: integer(env, "SEATLESS_GRACE_SECONDS", 5, 1, 600),
    trustProxy: onOff(env, "TRUST_PROXY", false),
    maxPayload: integer(env, "MAX_PAYLOAD", 4096, 256, 1 << 20),
    viewRadius: integer(env, "VIEW_RADIUS", 1200, 100, 10_000),
    interest: onOff(env, "INTEREST", true),
    reconnectGraceSeconds: integer(env, "RECONNECT_GRACE_SECONDS", 20, 0, 3600),
    idleFadeSeconds: integer(env, "IDLE_FADE_SECONDS", IDLE_FADE_SECONDS, 1, 86_400),
    idleTimeoutSeconds: integer(env, "IDLE_TIMEOUT_SECONDS", IDLE_KICK_SECONDS, 0, 604_800),
    foodCount: integer(env, "FOOD_COUNT", DEFAULT_FOOD_COUNT, 0, 60_000),
    hungerSeconds: integer(env, "HUNGER_SECONDS", HUNGER_SECONDS, 0, 86_400),
    clientDir: env.CLIENT_DIR ?? new URL("../dist", import.meta.url).pathname,
    redisUrl: redisUrl(env),
    publicAddress: text(env, "PUBLIC_ADDRESS"),
    logLevel: logLevel(env),
    monitorPassword: text(env, "MONITOR_PASSWORD"),
    benchHooks: onOff(env, "BENCH_HOOKS", false),
    wordListFiles: wordListFiles(env),
  };
}
