import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage, OutgoingHttpHeader, OutgoingHttpHeaders, Server as HttpServer, ServerResponse } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type express from "express";
import { monitor } from "@colyseus/monitor";
import { normalizeAddress } from "./clientAddress.ts";
import { metrics } from "./metrics.ts";

/**
 * The Colyseus monitor (/monitor), made safe to leave switched on: only its operator can drive it.
 *
 * - Login: HTTP Basic, any user name, the password compared in constant time whatever its length
 *   (both sides hashed with SHA-256, then timingSafeEqual on the digests).
 * - Guessing: an address that sends wrong credentials 5 times is locked out for a minute (every
 *   request from it answered 429 with Retry-After, even with the right password); counted in
 *   pond_monitor_refused_total{reason} and pond_monitor_lockouts_total.
 * - Actions: the monitor's one state-changing route, /monitor/api/room/call (dispose a pond, kick
 *   a client, send a message, edit the state), is a GET upstream. Here it is POST only, from a
 *   page of this origin (Sec-Fetch-Site: same-origin, or Origin / Referer naming this Host), and
 *   only for the five actions the monitor's page offers. The page is served with a few lines that
 *   make its room calls POSTs.
 * - CORS: Colyseus answers every request with Access-Control-Allow-Credentials: true and the
 *   caller's Origin reflected (and every OPTIONS preflight with 204 and the same). Under /monitor
 *   every Access-Control-* header is dropped, so no other site can read the monitor with its
 *   operator's credentials or get a preflight through.
 * - Other sites: requests a browser marks cross-site or same-site (Sec-Fetch-Site) are refused
 *   unless they are a top-level navigation (a link to the monitor still opens it), and no page may
 *   frame the monitor (X-Frame-Options, CSP frame-ancestors), so it cannot be clickjacked.
 */

/** Wrong logins from one address before it is locked out. */
export const MONITOR_MAX_FAILURES = 5;
/** How long a locked-out address is refused, ms. */
export const MONITOR_LOCKOUT_MS = 60_000;
/** A run of wrong logins is forgotten after this long without another, ms. */
export const MONITOR_FAILURE_MEMORY_MS = 15 * 60_000;

/** The monitor's room-call route, relative to /monitor: the one that changes anything. */
const ROOM_CALL = "/api/room/call";
/** The room methods the monitor's page calls (its "Dispose", "Disconnect", "Send" and state edits); remoteRoomCall would run any other. */
export const MONITOR_ACTIONS: ReadonlySet<string> = new Set([
  "disconnect", "_forceClientDisconnect", "_sendMessageToClient", "_editStateProperty", "_deleteStateProperty",
]);
const REALM = 'Basic realm="Tadpole Pond monitor", charset="UTF-8"';

/**
 * Mounts the monitor at /monitor behind the guard. `http` is the server the transport listens
 * on: the CORS headers Colyseus adds to every response (and its answer to every OPTIONS) are
 * written before express runs, so they are dropped there.
 */
export function mountMonitor(app: express.Application, http: HttpServer | undefined, password: string, limiter = new LoginLimiter()): void {
  if (http) dropCorsUnderMonitor(http);
  app.use("/monitor", monitorGuard(password, limiter), monitor());
}

/** The guard in front of the monitor (express middleware, mounted at /monitor). */
export function monitorGuard(password: string, limiter = new LoginLimiter()): express.RequestHandler {
  const expected = digest(password);
  let page: Buffer | undefined;
  return (req, res, next) => {
    withoutCors(res);
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Content-Security-Policy", "frame-ancestors 'none'");
    res.setHeader("Cache-Control", "no-store");

    const address = requestAddress(req);
    const lockedMs = limiter.lockedFor(address);
    if (lockedMs > 0) {
      metrics.monitorRefused.inc({ reason: "locked_out" });
      return refuse(res, 429, "Too many wrong passwords from this address; try again later.", { "Retry-After": String(Math.ceil(lockedMs / 1000)) });
    }
    const given = basicPassword(req.headers.authorization);
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      // No Authorization header is a first visit (the browser asks for the password next), not a guess.
      if (req.headers.authorization !== undefined) {
        metrics.monitorRefused.inc({ reason: "bad_credentials" });
        if (limiter.fail(address)) metrics.monitorLockouts.inc();
      }
      return refuse(res, 401, "Authentication required.", { "WWW-Authenticate": REALM });
    }
    limiter.succeed(address);

    if (crossSite(req) && !topLevelNavigation(req)) {
      metrics.monitorRefused.inc({ reason: "cross_site" });
      return refuse(res, 403, "The monitor only answers its own pages.");
    }
    const path = canonicalPath(req.path);
    const acting = path === ROOM_CALL || path.startsWith(`${ROOM_CALL}/`);
    if (acting && req.method !== "POST") {
      metrics.monitorRefused.inc({ reason: "wrong_method" });
      return refuse(res, 405, "Monitor actions are POST requests.", { Allow: "POST" });
    }
    if (acting || (req.method !== "GET" && req.method !== "HEAD")) {
      if (!sameOrigin(req)) {
        metrics.monitorRefused.inc({ reason: "cross_site" });
        return refuse(res, 403, "Monitor actions are only taken from the monitor's own page.");
      }
    }
    if (acting) {
      // Read as the monitor reads it (URLSearchParams), and exactly once: no second "method" for it to pick instead.
      const methods = new URL(req.originalUrl, "http://monitor").searchParams.getAll("method");
      if (methods.length !== 1 || !MONITOR_ACTIONS.has(methods[0])) {
        metrics.monitorRefused.inc({ reason: "unknown_action" });
        return refuse(res, 400, `Unknown monitor action; allowed: ${[...MONITOR_ACTIONS].join(", ")}.`);
      }
      // Checked: hand it to the monitor, whose route is a GET reading its query (the body is not read).
      req.method = "GET";
      return next();
    }
    if ((req.method === "GET" || req.method === "HEAD") && path === "/" && req.originalUrl.split("?")[0].endsWith("/")) {
      page ??= monitorPage();
      res.setHeader("Content-Type", "text/html; charset=utf-8");
      res.setHeader("Content-Length", String(page.length));
      res.status(200).end(req.method === "HEAD" ? undefined : page);
      return;
    }
    next();
  };
}

/**
 * Wrong-password counts per address, in memory, bounded. After `maxFailures` wrong logins (none
 * right in between, none more than `memoryMs` apart) the address is locked out for `lockoutMs`.
 * IPv6 addresses count per /64, what one subscriber usually holds.
 */
export class LoginLimiter {
  private readonly entries = new Map<string, { failures: number; last: number; lockedUntil: number }>();

  constructor(
    readonly maxFailures = MONITOR_MAX_FAILURES,
    readonly lockoutMs = MONITOR_LOCKOUT_MS,
    readonly memoryMs = MONITOR_FAILURE_MEMORY_MS,
    readonly maxTracked = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds left of this address's lockout; 0 when it is not locked out. */
  lockedFor(address: string): number {
    const entry = this.entries.get(addressKey(address));
    return entry ? Math.max(0, entry.lockedUntil - this.now()) : 0;
  }

  /** Records a wrong login; true when it locked the address out. */
  fail(address: string): boolean {
    const key = addressKey(address);
    const now = this.now();
    const entry = this.entries.get(key);
    const failures = entry && now - entry.last < this.memoryMs ? entry.failures + 1 : 1;
    const locked = failures >= this.maxFailures;
    // Delete and re-insert: the map stays in order of last failure, oldest first, for pruning.
    this.entries.delete(key);
    this.entries.set(key, { failures: locked ? 0 : failures, last: now, lockedUntil: locked ? now + this.lockoutMs : 0 });
    this.prune();
    return locked;
  }

  /** A right login forgets the address's wrong ones. */
  succeed(address: string): void {
    this.entries.delete(addressKey(address));
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(): void {
    // Oldest failure first: past the cap the oldest runs are forgotten (an attacker with that many addresses gains little).
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxTracked) return;
      this.entries.delete(key);
    }
  }
}

/** The key an address is counted under: IPv4 as is, IPv6 by its /64. */
export function addressKey(address: string): string {
  if (!address.includes(":")) return address;
  const [head, tail] = address.toLowerCase().split("%")[0].split("::", 2);
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/** The password of an HTTP Basic Authorization header (any user name), or undefined. */
export function basicPassword(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const space = header.indexOf(" ");
  if (space < 0 || header.slice(0, space).toLowerCase() !== "basic") return undefined;
  const decoded = Buffer.from(header.slice(space + 1).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/** Proof the request comes from a page of this origin: what the browser says, else Origin, else Referer, against Host. */
export function sameOrigin(req: IncomingMessage): boolean {
  const site = header(req, "sec-fetch-site");
  if (site !== undefined) return site === "same-origin";
  const claimed = header(req, "origin") ?? header(req, "referer");
  const host = header(req, "host");
  if (claimed === undefined || host === undefined) return false;
  try {
    const from = new URL(claimed);
    if (from.protocol !== "http:" && from.protocol !== "https:") return false;
    // Host read with the caller's scheme, so a default port written out (":443") compares equal.
    return from.host === new URL(`${from.protocol}//${host}`).host;
  } catch {
    return false; // "null", or garbage
  }
}

function crossSite(req: IncomingMessage): boolean {
  const site = header(req, "sec-fetch-site");
  return site === "cross-site" || site === "same-site";
}

function topLevelNavigation(req: IncomingMessage): boolean {
  return (req.method === "GET" || req.method === "HEAD") && header(req, "sec-fetch-mode") === "navigate" && header(req, "sec-fetch-dest") === "document";
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The stamped client address (server/clientAddress.ts), else the socket's. */
function requestAddress(req: IncomingMessage): string {
  return header(req, "x-real-ip") ?? normalizeAddress(req.socket.remoteAddress) ?? "unknown";
}

/**
 * A mount-relative path as any router behind may read it: dot segments resolved (as a URL parser
 * does, "%2e" included), decoded, lower case, no repeated or trailing slashes.
 */
function canonicalPath(path: string): string {
  let resolved = path;
  try { resolved = new URL(path.replace(/\/{2,}/g, "/"), "http://monitor").pathname; } catch { /* keep it raw */ }
  try { resolved = decodeURIComponent(resolved); } catch { /* keep it encoded */ }
  return resolved.toLowerCase().replace(/[\\/]{2,}/g, "/").replace(/(.)\/+$/, "$1");
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

function refuse(res: express.Response, status: number, message: string, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(status).type("text/plain").send(message);
}

/** The monitor's page, with a script that sends its room calls as POSTs (it fetches them with GET). */
function monitorPage(): Buffer {
  const index = join(dirname(fileURLToPath(import.meta.resolve("@colyseus/monitor"))), "static", "index.html");
  const html = readFileSync(index, "utf8");
  const script = `<script>(() => {
  // Tadpole Pond (server/monitorGuard.ts): monitor actions are POST only.
  const send = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url, location.href);
    return url.pathname.endsWith("/api/room/call") ? send(url, { ...init, method: "POST" }) : send(input, init);
  };
})();</script>`;
  if (!html.includes("<head>")) throw new Error(`@colyseus/monitor's page changed: no <head> in ${index}`);
  return Buffer.from(html.replace("<head>", `<head>\n${script}`), "utf8");
}

const isCors = (name: string) => name.toLowerCase().startsWith("access-control-");
const WITHOUT_CORS = Symbol("withoutCors");

/** Drops every Access-Control-* header this response has or will be given. */
function withoutCors(res: ServerResponse): void {
  for (const name of res.getHeaderNames()) if (isCors(name)) res.removeHeader(name);
  const marked = res as ServerResponse & { [WITHOUT_CORS]?: true };
  if (marked[WITHOUT_CORS]) return;
  marked[WITHOUT_CORS] = true;
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name, value) => (isCors(name) ? res : setHeader(name, value));
  const appendHeader = res.appendHeader.bind(res);
  res.appendHeader = (name, value) => (isCors(name) ? res : appendHeader(name, value));
  const writeHead = res.writeHead.bind(res) as (status: number, ...rest: unknown[]) => ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => writeHead(status, ...rest.map((arg) => {
    if (Array.isArray(arg)) return filterRaw(arg as OutgoingHttpHeader[]);
    if (arg && typeof arg === "object") return Object.fromEntries(Object.entries(arg as OutgoingHttpHeaders).filter(([name]) => !isCors(name)));
    return arg;
  }))) as typeof res.writeHead;
}

function filterRaw(raw: OutgoingHttpHeader[]): OutgoingHttpHeader[] {
  // Either [name, value, name, value, ...] or [[name, value], ...].
  if (raw.length > 0 && Array.isArray(raw[0])) return raw.filter((pair) => !isCors(String((pair as unknown as unknown[])[0])));
  const out: OutgoingHttpHeader[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (!isCors(String(raw[i]))) out.push(raw[i], raw[i + 1]);
  return out;
}

/** Whether express would route this URL to the /monitor mount (it matches case-insensitively). */
function underMonitor(url: string | undefined): boolean {
  const path = (url ?? "").split("?")[0].toLowerCase();
  return path === "/monitor" || path.startsWith("/monitor/");
}

/**
 * Colyseus writes its CORS headers in a request listener it puts before every other (and answers
 * OPTIONS there, express never sees them), so requests under /monitor lose them as they arrive.
 */
function dropCorsUnderMonitor(http: HttpServer): void {
  const emit = http.emit.bind(http) as (event: string | symbol, ...args: unknown[]) => boolean;
  http.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === "request" && underMonitor((args[0] as IncomingMessage).url)) withoutCors(args[1] as ServerResponse);
    return emit(event, ...args);
  }) as typeof http.emit;
}
