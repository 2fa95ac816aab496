import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../process.ts";
import { startServer, type ServerProcess } from "../server.ts";
import { delay } from "../waitFor.ts";

export const DIST_DIR = join(REPO_ROOT, "dist");

/**
 * The browser tests and the client benchmark play the BUILT client that the server serves. `npm test` runs `vite build`
 * before vitest; when running the e2e folder alone, build first (`npx vite build`). A missing
 * build fails here, loudly; a build older than the client sources is reported on stderr (the
 * tests would play yesterday's client).
 */
export function requireBuiltClient(): void {
  const index = join(DIST_DIR, "index.html");
  if (!existsSync(index) || !existsSync(join(DIST_DIR, "assets"))) {
    throw new Error(`The built client is missing (${index}). Run \`npx vite build\` first (npm test does it).`);
  }
  const built = statSync(index).mtimeMs;
  const newer = newestSource();
  if (newer && newer.mtimeMs > built) {
    console.warn(`[e2e] dist/ is older than ${newer.path}: run \`npx vite build\` to test the current client.`);
  }
}

export interface ClientCopy {
  /** A private copy of dist/ for CLIENT_DIR. */
  dir: string;
  remove(): void;
}

/**
 * Checks the build (requireBuiltClient) and copies it to a temp folder the servers serve from,
 * so a `vite build` run meanwhile (it empties dist/ and writes new hashed chunks) cannot pull
 * the assets out from under a page that is loading. The copy is checked to be whole: every
 * asset index.html refers to is in it (a copy taken mid-build is retried).
 */
export async function copyBuiltClient(): Promise<ClientCopy> {
  requireBuiltClient();
  let lastProblem = "";
  for (let attempt = 0; attempt < 10; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), "tadpole-dist-"));
    try {
      cpSync(DIST_DIR, dir, { recursive: true });
      const html = readFileSync(join(dir, "index.html"), "utf8");
      const assets = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+)"/g)].map((m) => m[1]);
      const missing = assets.filter((a) => !existsSync(join(dir, a)));
      if (assets.length > 0 && missing.length === 0) return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
      lastProblem = assets.length === 0 ? "index.html names no assets" : `missing ${missing.join(", ")}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    rmSync(dir, { recursive: true, force: true });
    await delay(500);
  }
  throw new Error(`could not take a whole copy of dist/ (${lastProblem}); is a build running? Run \`npx vite build\`.`);
}

function newestSource(): { path: string; mtimeMs: number } | undefined {
  let newest: { path: string; mtimeMs: number } | undefined;
  const visit = (path: string): void => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else if (!newest || stat.mtimeMs > newest.mtimeMs) {
      newest = { path, mtimeMs: stat.mtimeMs };
    }
  };
  for (const dir of ["client", "shared", "public", "vite.config.ts"]) visit(join(REPO_ROOT, dir));
  return newest;
}

export interface GameServerOptions {
  /** The built client to serve (default dist/; tests pass their copyBuiltClient() folder). */
  clientDir?: string;
  /** Listen on this port (e.g. to restart a server where the pages expect it); default: a free one. */
  port?: number;
  /** Extra environment (merged over the defaults below). */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  echo?: boolean;
}

/**
 * The real game server (server/main.ts in its own process) serving dist/ and the WebSocket on
 * one loopback port, as players get it. Always stop() it.
 */
export function startGameServer(options: GameServerOptions = {}): Promise<ServerProcess> {
  return startServer({
    port: options.port,
    timeoutMs: options.timeoutMs,
    echo: options.echo,
    name: "game server",
    env: { CLIENT_DIR: options.clientDir ?? DIST_DIR, LOG_LEVEL: "warn", ...options.env },
  });
}
