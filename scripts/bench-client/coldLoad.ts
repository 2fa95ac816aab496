/**
 * Cold load for the client benchmark: what a first visit costs. Each load is a fresh browser
 * context (no cache, no storage; the HTTP cache disabled on top, through CDP) opening the game's
 * page on a game server serving a copy of dist/, with the link shaped by Chromium's network
 * emulation (DevTools throttling: Network.emulateNetworkConditions). Recorded per load, from the
 * start of the navigation:
 *
 * - every HTTP request: the bytes that came over the wire for it (Network.loadingFinished's
 *   encodedDataLength: response headers and body as sent, so compressed), its body once decoded,
 *   status and Content-Encoding. WebSocket frames are not requests: they are counted apart;
 * - first contentful paint (the HTML/CSS splash; the paint timing entry);
 * - DOMContentLoaded and the load event (navigation timing);
 * - a playable pond: the page's test hook (window.__pond) says connected, with our own tadpole
 *   (the condition kit/browser/pond.ts's openPond waits for), timed inside the page by a
 *   probe that polls the hook every 10 ms.
 */
import type { CDPSession } from "playwright-core";
import { DESKTOP, launchBrowser, type LaunchedBrowser } from "../../kit/browser/launch.ts";
import { PageWatch, waitForPond } from "../../kit/browser/pond.ts";
import { copyBuiltClient, startGameServer, type ClientCopy } from "../../kit/browser/builtClient.ts";
import type { ServerProcess } from "../../kit/server.ts";
import { waitFor } from "../../kit/waitFor.ts";
import { assetSizes, uncompressedAssets, type AssetSize } from "./assets.ts";
import { percentile } from "../lib/stats.ts";

/** A network link as Chromium emulates it (bytes per second; -1: not limited). */
export interface Link {
  name: string;
  label: string;
  latencyMs: number;
  downloadBytesPerSecond: number;
  uploadBytesPerSecond: number;
}

export const UNTHROTTLED: Link = {
  name: "unthrottled",
  label: "unthrottled (loopback)",
  latencyMs: 0,
  downloadBytesPerSecond: -1,
  uploadBytesPerSecond: -1,
};

/** The goal's link: 1.6 Mbit/s down, 150 ms; 750 kbit/s up (Lighthouse's "slow 4G" figures). */
export const SLOW_LINK: Link = {
  name: "throttled",
  label: "1.6 Mbit/s down, 750 kbit/s up, 150 ms latency",
  latencyMs: 150,
  downloadBytesPerSecond: 1_600_000 / 8,
  uploadBytesPerSecond: 750_000 / 8,
};

/** The goal: a cold load transfers less than this many bytes (400 KB). */
export const GOAL_BYTES = 400_000;

export const COLD_VIEWPORT = DESKTOP;

/**
 * How long a load goes on after the pond is playable: requests the page sends in that time are
 * part of the load (counted, and marked as after playable); the periodic ones later are not.
 */
export const AFTER_PLAYABLE_MS = 3000;

/** Runs before the game's code: notes when the test hook first reports a playable pond. */
const PROBE = `(() => {
  const probe = { playableAt: undefined };
  Object.defineProperty(window, "__benchCold", { value: probe, configurable: true });
  const check = () => {
    const pond = window.__pond;
    try {
      if (pond && pond.connected() && pond.selfPose() !== undefined) { probe.playableAt = performance.now(); return; }
    } catch (e) {}
    setTimeout(check, 10);
  };
  check();
})();`;

/** Page timings (ms from the navigation's start, the page's time origin). */
const TIMINGS = `(() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = (name) => performance.getEntriesByName(name)[0]?.startTime;
  return {
    firstPaint: paint("first-paint"),
    fcp: paint("first-contentful-paint"),
    domContentLoaded: nav ? nav.domContentLoadedEventEnd : undefined,
    load: nav && nav.loadEventEnd > 0 ? nav.loadEventEnd : undefined,
    playableAt: window.__benchCold?.playableAt,
  };
})()`;

interface PageTimings {
  firstPaint?: number;
  fcp?: number;
  domContentLoaded?: number;
  load?: number;
  playableAt?: number;
}

export interface RequestRecord {
  url: string;
  method: string;
  /** Chromium's resource type: Document, Script, Stylesheet, Fetch, Image, … */
  type: string;
  status: number | undefined;
  /** The response's Content-Encoding ("none" when absent). */
  encoding: string;
  /** Bytes received for it over the wire: headers and (compressed) body. */
  wireBytes: number;
  /** Its body once decoded. */
  bodyBytes: number;
  /** When it was sent and when it finished, ms after the page's own request was sent. */
  sentMs: number;
  finishedMs: number | undefined;
  failed?: string;
}

export interface SocketTraffic {
  sockets: number;
  /** Handshake request to response, ms, of the first socket (shows whether the link's latency applied to it). */
  handshakeMs: number | undefined;
  framesReceived: number;
  bytesReceived: number;
  framesSent: number;
  bytesSent: number;
}

export interface ColdLoad {
  link: Link;
  firstPaintMs: number | undefined;
  fcpMs: number | undefined;
  domContentLoadedMs: number | undefined;
  loadMs: number | undefined;
  playableMs: number;
  /** Milestones on the way (ms, the requests' clock): the last script downloaded, the matchmaking request sent (the scene is up) and answered, the first WebSocket frame received. */
  scriptsDoneMs: number | undefined;
  matchmakeSentMs: number | undefined;
  matchmakeDoneMs: number | undefined;
  firstFrameMs: number | undefined;
  /** HTTP(S) requests (not data: URLs, not WebSockets), in the order they were sent. */
  requests: RequestRecord[];
  /** Sum of their wire bytes. */
  httpBytes: number;
  /** Requests that finished after the pond was playable (included in httpBytes), and their wire bytes. */
  afterPlayable: number;
  afterPlayableBytes: number;
  /** WebSocket frames until the pond was playable. */
  socket: SocketTraffic;
  problems: string[];
}

const header = (headers: Record<string, string>, name: string): string | undefined => {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
};

const frameBytes = (frame: { opcode: number; payloadData: string }): number =>
  frame.opcode === 1 ? Buffer.byteLength(frame.payloadData, "utf8") : Buffer.from(frame.payloadData, "base64").length;

async function shapeLink(cdp: CDPSession, link: Link): Promise<void> {
  const conditions = {
    latency: link.latencyMs,
    downloadThroughput: link.downloadBytesPerSecond,
    uploadThroughput: link.uploadBytesPerSecond,
  };
  try {
    await cdp.send("Network.emulateNetworkConditions", { offline: false, ...conditions });
  } catch {
    // Deprecated in recent Chromium in favour of rules; the global rule (empty pattern) is the same.
    await cdp.send("Network.emulateNetworkConditionsByRule", { matchedNetworkConditions: [{ urlPattern: "", ...conditions }] });
  }
}

/** One cold load of `baseUrl` over `link`, in a fresh context of `chromium`. */
export async function coldLoad(chromium: LaunchedBrowser, baseUrl: string, link: Link, timeoutMs = 90_000): Promise<ColdLoad> {
  const context = await chromium.newContext({ ...COLD_VIEWPORT });
  try {
    await context.addInitScript(PROBE);
    const page = await context.newPage();
    const watch = new PageWatch(page);
    const cdp = await context.newCDPSession(page);

    interface Pending extends RequestRecord { done: boolean }
    const requests = new Map<string, Pending>();
    const order: Pending[] = [];
    let origin: number | undefined;
    const sinceOrigin = (timestamp: number): number => (timestamp - (origin ?? timestamp)) * 1000;
    cdp.on("Network.requestWillBeSent", (e) => {
      if (!/^https?:/.test(e.request.url)) return;
      if (origin === undefined && e.type === "Document") origin = e.timestamp;
      const record: Pending = {
        url: e.request.url, method: e.request.method, type: e.type ?? "Other", status: undefined, encoding: "none",
        wireBytes: 0, bodyBytes: 0, sentMs: sinceOrigin(e.timestamp), finishedMs: undefined, done: false,
      };
      requests.set(e.requestId, record);
      order.push(record);
    });
    cdp.on("Network.responseReceived", (e) => {
      const r = requests.get(e.requestId);
      if (!r) return;
      r.status = e.response.status;
      r.encoding = header(e.response.headers, "content-encoding") ?? "none";
    });
    cdp.on("Network.dataReceived", (e) => {
      const r = requests.get(e.requestId);
      if (r) r.bodyBytes += e.dataLength;
    });
    cdp.on("Network.loadingFinished", (e) => {
      const r = requests.get(e.requestId);
      if (!r) return;
      r.wireBytes = e.encodedDataLength;
      r.finishedMs = sinceOrigin(e.timestamp);
      r.done = true;
    });
    cdp.on("Network.loadingFailed", (e) => {
      const r = requests.get(e.requestId);
      if (!r) return;
      r.failed = e.canceled ? "canceled" : e.errorText;
      r.finishedMs = sinceOrigin(e.timestamp);
      r.done = true;
    });
    const frames: Array<{ at: number; bytes: number; sent: boolean }> = [];
    let sockets = 0;
    const handshake = new Map<string, number>();
    let handshakeMs: number | undefined;
    cdp.on("Network.webSocketCreated", () => sockets++);
    cdp.on("Network.webSocketWillSendHandshakeRequest", (e) => handshake.set(e.requestId, e.timestamp));
    cdp.on("Network.webSocketHandshakeResponseReceived", (e) => {
      const sent = handshake.get(e.requestId);
      if (sent !== undefined && handshakeMs === undefined) handshakeMs = (e.timestamp - sent) * 1000;
    });
    cdp.on("Network.webSocketFrameReceived", (e) => frames.push({ at: sinceOrigin(e.timestamp), bytes: frameBytes(e.response), sent: false }));
    cdp.on("Network.webSocketFrameSent", (e) => frames.push({ at: sinceOrigin(e.timestamp), bytes: frameBytes(e.response), sent: true }));

    await cdp.send("Network.enable", {});
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await shapeLink(cdp, link);

    await page.goto(`${baseUrl}/`, { waitUntil: "commit", timeout: timeoutMs });
    try {
      await waitForPond(page, (s) => s.connected && s.pose !== undefined, `a playable pond at ${baseUrl} (${link.label})`, timeoutMs);
    } catch (error) {
      const said = [...watch.unexpected(), ...watch.failedRequests.map((r) => `request failed: ${r}`)];
      throw new Error(`${(error as Error).message}${said.length ? `\npage said:\n  ${said.join("\n  ")}` : ""}`);
    }
    const timings = await waitFor(async () => {
      const t = (await page.evaluate(TIMINGS)) as PageTimings;
      return t.playableAt !== undefined ? t : undefined;
    }, { timeoutMs: 5000, intervalMs: 20, message: "the probe to note the playable pond" });
    // What the page asks for right after joining belongs to the load too (the pond panel asks
    // for the list of ponds on joining and again 2 s later): wait AFTER_PLAYABLE_MS, then for
    // every request in flight to finish (at most 20 s).
    await new Promise((resolve) => setTimeout(resolve, AFTER_PLAYABLE_MS));
    await waitFor(() => order.every((r) => r.done), { timeoutMs: 20_000, intervalMs: 50, message: "the page's requests to finish" }).catch(() => undefined);
    const final = (await page.evaluate(TIMINGS)) as PageTimings;
    await cdp.detach().catch(() => undefined);

    const playableMs = timings.playableAt!;
    const records: RequestRecord[] = order.map(({ done: _d, ...r }) => r);
    const problems = watch.unexpected();
    for (const r of order) if (!r.done) problems.push(`request unfinished: ${r.method} ${r.url}`);
    for (const r of records) if (r.failed) problems.push(`request failed: ${r.method} ${r.url}: ${r.failed}`);
    const untilPlayable = frames.filter((f) => f.at <= playableMs);
    const scripts = records.filter((r) => r.type === "Script" && r.finishedMs !== undefined).map((r) => r.finishedMs!);
    const matchmake = records.find((r) => r.method === "POST" && new URL(r.url).pathname.startsWith("/matchmake/"));
    return {
      link,
      firstPaintMs: final.firstPaint,
      fcpMs: final.fcp,
      domContentLoadedMs: final.domContentLoaded,
      loadMs: final.load,
      playableMs,
      scriptsDoneMs: scripts.length ? Math.max(...scripts) : undefined,
      matchmakeSentMs: matchmake?.sentMs,
      matchmakeDoneMs: matchmake?.finishedMs,
      firstFrameMs: frames.find((f) => !f.sent)?.at,
      requests: records,
      httpBytes: records.reduce((sum, r) => sum + r.wireBytes, 0),
      afterPlayable: records.filter((r) => r.finishedMs !== undefined && r.finishedMs > playableMs).length,
      afterPlayableBytes: records.filter((r) => r.finishedMs !== undefined && r.finishedMs > playableMs).reduce((sum, r) => sum + r.wireBytes, 0),
      socket: {
        sockets,
        handshakeMs,
        framesReceived: untilPlayable.filter((f) => !f.sent).length,
        bytesReceived: untilPlayable.filter((f) => !f.sent).reduce((sum, f) => sum + f.bytes, 0),
        framesSent: untilPlayable.filter((f) => f.sent).length,
        bytesSent: untilPlayable.filter((f) => f.sent).reduce((sum, f) => sum + f.bytes, 0),
      },
      problems,
    };
  } finally {
    await context.close().catch(() => undefined);
  }
}

/** Min and median (nearest rank) of one figure over a link's loads. */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

export function spread(values: Array<number | undefined>): Spread | undefined {
  const known = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (known.length === 0) return undefined;
  return { min: Math.min(...known), median: percentile(known, 50), max: Math.max(...known) };
}

export interface LinkResult {
  link: Link;
  loads: ColdLoad[];
  bytes: Spread;
  requests: Spread;
  firstPaint: Spread | undefined;
  fcp: Spread | undefined;
  domContentLoaded: Spread | undefined;
  load: Spread | undefined;
  playable: Spread;
  scriptsDone: Spread | undefined;
  matchmakeSent: Spread | undefined;
  matchmakeDone: Spread | undefined;
  firstFrame: Spread | undefined;
  handshake: Spread | undefined;
  socketBytes: Spread | undefined;
  /** The load whose playable time is the median: its requests are the ones shown. */
  typical: ColdLoad;
}

export function summarizeLink(link: Link, loads: ColdLoad[]): LinkResult {
  const byPlayable = [...loads].sort((a, b) => a.playableMs - b.playableMs);
  return {
    link,
    loads,
    bytes: spread(loads.map((l) => l.httpBytes))!,
    requests: spread(loads.map((l) => l.requests.length))!,
    firstPaint: spread(loads.map((l) => l.firstPaintMs)),
    fcp: spread(loads.map((l) => l.fcpMs)),
    domContentLoaded: spread(loads.map((l) => l.domContentLoadedMs)),
    load: spread(loads.map((l) => l.loadMs)),
    playable: spread(loads.map((l) => l.playableMs))!,
    scriptsDone: spread(loads.map((l) => l.scriptsDoneMs)),
    matchmakeSent: spread(loads.map((l) => l.matchmakeSentMs)),
    matchmakeDone: spread(loads.map((l) => l.matchmakeDoneMs)),
    firstFrame: spread(loads.map((l) => l.firstFrameMs)),
    handshake: spread(loads.map((l) => l.socket.handshakeMs)),
    socketBytes: spread(loads.map((l) => l.socket.bytesReceived)),
    typical: byPlayable[Math.ceil(byPlayable.length / 2) - 1],
  };
}

export interface ColdLoadResult {
  runs: number;
  links: LinkResult[];
  /** The build that was served. */
  assets: AssetSize[];
  chromium: string;
  problems: string[];
}

export interface ColdLoadOptions {
  /** Loads per link. */
  runs: number;
  links?: Link[];
  log?: (line: string) => void;
}

/**
 * Starts a game server of its own on a copy of dist/ (RECONNECT_GRACE_SECONDS=0, so the
 * tadpole of a closed page leaves at once and every load joins an empty pond), makes one
 * unthrottled load that is not counted (it warms the server: JIT, first pond), then `runs`
 * loads per link, the links taking turns so that a busy spell of the machine hits both.
 */
export async function runColdLoads(options: ColdLoadOptions): Promise<ColdLoadResult> {
  const links = options.links ?? [UNTHROTTLED, SLOW_LINK];
  const log = options.log ?? ((line: string) => console.log(line));
  let client: ClientCopy | undefined;
  let server: ServerProcess | undefined;
  let chromium: LaunchedBrowser | undefined;
  try {
    client = await compressedCopy();
    server = await startGameServer({ clientDir: client.dir, env: { RECONNECT_GRACE_SECONDS: "0", LOG_LEVEL: "warn" } });
    chromium = await launchBrowser();
    log(`[bench:client] cold load: server on ${server.httpUrl}; one warm-up load, then ${options.runs} per link`);
    await coldLoad(chromium, server.httpUrl, UNTHROTTLED);
    const loads = new Map<Link, ColdLoad[]>(links.map((l) => [l, []]));
    for (let run = 1; run <= options.runs; run++) {
      for (const link of links) {
        const load = await coldLoad(chromium, server.httpUrl, link);
        loads.get(link)!.push(load);
        log(`[bench:client] cold load ${run}/${options.runs}, ${link.name}: ${load.httpBytes.toLocaleString("en-US")} B in ${load.requests.length} requests; `
          + `FCP ${ms(load.fcpMs)}, playable ${ms(load.playableMs)}`);
      }
    }
    const results = links.map((link) => summarizeLink(link, loads.get(link)!));
    const problems = [...new Set(results.flatMap((r) => r.loads.flatMap((l) => l.problems.map((p) => `${r.link.name}: ${p}`))))];
    return { runs: options.runs, links: results, assets: assetSizes(client.dir), chromium: chromium.browser.version(), problems };
  } finally {
    await chromium?.close();
    await server?.stop();
    client?.remove();
  }
}

const ms = (v: number | undefined): string => (v === undefined ? "–" : `${Math.round(v)} ms`);

/**
 * A copy of dist/ whose scripts and styles all have their brotli and gzip copies: a build that
 * is still compressing (the precompress step runs after the chunks are written) would have the
 * server send some of them uncompressed and the load look heavier than it is.
 */
async function compressedCopy(): Promise<ClientCopy> {
  let missing: string[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    const copy = await copyBuiltClient();
    missing = uncompressedAssets(copy.dir);
    if (missing.length === 0) return copy;
    copy.remove();
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`dist/ has no brotli/gzip copies of ${missing.join(", ")}: is a build running? Run \`npx vite build\`.`);
}
