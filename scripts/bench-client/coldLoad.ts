/**
 * One cold load, measured through CDP's network log and the page's own timings: what each figure
 * is and how it is read is told in docs/benchmarks/client.md ("How the cold load is measured").
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { DESKTOP, type LaunchedBrowser } from "../../kit/browser/launch.ts";
import { PageWatch } from "../../kit/browser/pond.ts";
import { copyBuiltClient, type ClientCopy } from "../../kit/browser/builtClient.ts";
import { delay, waitFor } from "../../kit/waitFor.ts";
import { onStage } from "./stage.ts";

/** A network link as Chromium emulates it (bytes per second; -1: not limited). */
export const UNTHROTTLED = { name: "unthrottled", latency: 0, downloadThroughput: -1, uploadThroughput: -1 };
/** The goal's link: 1.6 Mbit/s down, 150 ms; 750 kbit/s up (Lighthouse's "slow 4G" figures). */
export const SLOW_LINK = { name: "throttled", latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };
export type Link = typeof UNTHROTTLED;

/** The goal: a cold load transfers less than this many bytes (400 KB). */
export const GOAL_BYTES = 400_000;
export const COLD_VIEWPORT = DESKTOP;
/** A load goes on this long after the pond is playable: requests sent meanwhile are part of it. */
export const AFTER_PLAYABLE_MS = 3000;

/** Runs before the game's code: notes when the test hook first reports a playable pond. */
const PROBE = `(() => {
  const probe = { playableAt: undefined };
  Object.defineProperty(window, "__benchCold", { value: probe, configurable: true });
  const check = () => {
    try { if (window.__pond?.connected() && window.__pond.selfPose() !== undefined) return void (probe.playableAt = performance.now()); } catch (e) {}
    setTimeout(check, 10);
  };
  check();
})();`;

/** Page timings (ms from the navigation's start, the page's time origin). */
const TIMINGS = `(() => {
  const nav = performance.getEntriesByType("navigation")[0];
  return {
    fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
    domContentLoaded: nav ? nav.domContentLoadedEventEnd : undefined,
    load: nav && nav.loadEventEnd > 0 ? nav.loadEventEnd : undefined,
    playableAt: window.__benchCold?.playableAt,
  };
})()`;
type PageTimings = Partial<Record<"fcp" | "domContentLoaded" | "load" | "playableAt", number>>;

/** One HTTP request of a load: Chromium's resource type, bytes over the wire (headers and compressed body) and decoded, ms after the page's own request. */
export interface RequestRecord {
  url: string; method: string; type: string; status: number | undefined; encoding: string;
  wireBytes: number; bodyBytes: number; sentMs: number; finishedMs: number | undefined; failed?: string;
}

/** One load; times in ms (page times from the navigation's start, the rest by the network log's clock). */
export type ColdLoad = Awaited<ReturnType<typeof coldLoad>>;

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/** One cold load of `baseUrl` over `link`, in a fresh context of `chromium`. */
export async function coldLoad(chromium: LaunchedBrowser, baseUrl: string, link: Link, timeoutMs = 90_000) {
  const context = await chromium.newContext({ ...COLD_VIEWPORT });
  try {
    await context.addInitScript(PROBE);
    const page = await context.newPage();
    const watch = new PageWatch(page);
    const cdp = await context.newCDPSession(page);

    const requests = new Map<string, RequestRecord>();
    let origin: number | undefined;
    const since = (timestamp: number): number => (timestamp - (origin ?? timestamp)) * 1000;
    const finish = (id: string, timestamp: number, update: Partial<RequestRecord>) =>
      Object.assign(requests.get(id) ?? {}, update, { finishedMs: since(timestamp) });
    cdp.on("Network.requestWillBeSent", (e) => {
      if (!/^https?:/.test(e.request.url)) return;
      if (origin === undefined && e.type === "Document") origin = e.timestamp;
      requests.set(e.requestId, {
        url: e.request.url, method: e.request.method, type: e.type ?? "Other", status: undefined, encoding: "none",
        wireBytes: 0, bodyBytes: 0, sentMs: since(e.timestamp), finishedMs: undefined,
      });
    });
    cdp.on("Network.responseReceived", (e) => Object.assign(requests.get(e.requestId) ?? {}, {
      status: e.response.status, encoding: Object.entries(e.response.headers).find(([key]) => key.toLowerCase() === "content-encoding")?.[1] ?? "none",
    }));
    cdp.on("Network.dataReceived", (e) => { const r = requests.get(e.requestId); if (r) r.bodyBytes += e.dataLength; });
    cdp.on("Network.loadingFinished", (e) => finish(e.requestId, e.timestamp, { wireBytes: e.encodedDataLength }));
    cdp.on("Network.loadingFailed", (e) => finish(e.requestId, e.timestamp, { failed: e.canceled ? "canceled" : e.errorText }));
    const frames: Array<{ at: number; bytes: number }> = [];
    const handshakes = new Map<string, number>();
    let handshakeMs: number | undefined;
    cdp.on("Network.webSocketWillSendHandshakeRequest", (e) => handshakes.set(e.requestId, e.timestamp));
    cdp.on("Network.webSocketHandshakeResponseReceived", (e) => {
      if (handshakes.has(e.requestId)) handshakeMs ??= (e.timestamp - handshakes.get(e.requestId)!) * 1000;
    });
    cdp.on("Network.webSocketFrameReceived", ({ timestamp, response: f }) => frames.push({
      at: since(timestamp), bytes: f.opcode === 1 ? Buffer.byteLength(f.payloadData, "utf8") : Buffer.from(f.payloadData, "base64").length,
    }));

    await cdp.send("Network.enable", {});
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    const { name: _, ...conditions } = link;
    await cdp.send("Network.emulateNetworkConditions", { offline: false, ...conditions }).catch(() =>
      // Deprecated in recent Chromium in favour of rules; the global rule (empty pattern) is the same.
      cdp.send("Network.emulateNetworkConditionsByRule", { matchedNetworkConditions: [{ urlPattern: "", ...conditions }] }));

    await page.goto(`${baseUrl}/`, { waitUntil: "commit", timeout: timeoutMs });
    const timings = async () => (await page.evaluate(TIMINGS)) as PageTimings;
    // The probe notes the moment in the page; polling it here only learns of it (as openPond polls the hook).
    const playableMs = await waitFor(async () => (await timings()).playableAt, { timeoutMs, intervalMs: 100, message: `a playable pond at ${baseUrl} (${link.name})` })
      .catch((error: Error) => {
        const said = [...watch.unexpected(), ...watch.failedRequests.map((r) => `request failed: ${r}`)];
        throw new Error(`${error.message}${said.length ? `\npage said:\n  ${said.join("\n  ")}` : ""}`);
      });
    // What the page asks for right after joining belongs to the load too: wait, then for the
    // requests sent by then to finish (at most 20 s).
    await delay(AFTER_PLAYABLE_MS);
    const records = [...requests.values()];
    await waitFor(() => records.every((r) => r.finishedMs !== undefined), { timeoutMs: 20_000, intervalMs: 50, message: "the page's requests to finish" }).catch(() => undefined);
    const final = await timings();
    await cdp.detach().catch(() => undefined);

    const problems = watch.unexpected();
    for (const r of records) if (r.finishedMs === undefined) problems.push(`request unfinished: ${r.method} ${r.url}`);
    for (const r of records) if (r.failed) problems.push(`request failed: ${r.method} ${r.url}: ${r.failed}`);
    const late = records.filter((r) => r.finishedMs !== undefined && r.finishedMs > playableMs);
    const scripts = records.filter((r) => r.type === "Script" && r.finishedMs !== undefined).map((r) => r.finishedMs!);
    const matchmake = records.find((r) => r.method === "POST" && new URL(r.url).pathname.startsWith("/matchmake/"));
    return {
      fcpMs: final.fcp, domContentLoadedMs: final.domContentLoaded, loadMs: final.load, playableMs,
      scriptsDoneMs: scripts.length ? Math.max(...scripts) : undefined, matchmakeSentMs: matchmake?.sentMs, matchmakeDoneMs: matchmake?.finishedMs, firstFrameMs: frames[0]?.at,
      /** HTTP(S) requests (not data: URLs, not WebSockets), in the order they were sent. */
      requests: records,
      httpBytes: sum(records.map((r) => r.wireBytes)),
      /** Requests that finished after the pond was playable (in httpBytes too), and their bytes. */
      afterPlayable: late.length, afterPlayableBytes: sum(late.map((r) => r.wireBytes)),
      /** The first WebSocket's handshake (request to response), and its payload received until playable. */
      handshakeMs, socketBytes: sum(frames.filter((f) => f.at <= playableMs).map((f) => f.bytes)),
      problems,
    };
  } finally {
    await context.close().catch(() => undefined);
  }
}

/** One built asset (dist/assets/NAME) and its precompressed copies (undefined: none, sent raw). */
export type AssetSize = ReturnType<typeof assetSizes>[number];
/** The scripts and styles of a build, with the brotli and gzip copies the build writes beside them (vite.config.ts). */
export function assetSizes(distDir: string) {
  const size = (path: string) => (existsSync(path) ? statSync(path).size : undefined);
  return readdirSync(join(distDir, "assets")).filter((name) => !/\.(br|gz)$/.test(name)).sort().map((name) => {
    const path = join(distDir, "assets", name);
    return { name, raw: statSync(path).size, gzip: size(`${path}.gz`), brotli: size(`${path}.br`) };
  });
}

/** The loads per link, the build that was served (assets), the browser, and what went wrong. */
export type ColdLoadResult = Awaited<ReturnType<typeof runColdLoads>>;

/**
 * One uncounted warm-up load, then `runs` loads per link on a server of its own (the docs tell
 * the setup); the links take turns so that a busy spell of the machine hits both.
 */
export function runColdLoads(runs: number, links = [UNTHROTTLED, SLOW_LINK]) {
  return onStage({ RECONNECT_GRACE_SECONDS: "0" }, async ({ client, server, chromium }) => {
    console.log(`[bench:client] cold load: server on ${server.httpUrl}; one warm-up load, then ${runs} per link`);
    await coldLoad(chromium, server.httpUrl, UNTHROTTLED);
    const results = links.map((link) => ({ link, loads: [] as ColdLoad[] }));
    for (let run = 1; run <= runs; run++) {
      for (const { link, loads } of results) {
        const load = await coldLoad(chromium, server.httpUrl, link);
        loads.push(load);
        console.log(`[bench:client] cold load ${run}/${runs}, ${link.name}: ${load.httpBytes.toLocaleString("en-US")} B in ${load.requests.length} requests; `
          + `FCP ${Math.round(load.fcpMs ?? NaN)} ms, playable ${Math.round(load.playableMs)} ms`);
      }
    }
    const problems = [...new Set(results.flatMap((r) => r.loads.flatMap((l) => l.problems.map((p) => `${r.link.name}: ${p}`))))];
    return { runs, links: results, assets: assetSizes(client.dir), chromium: chromium.browser.version(), problems };
  }, compressedCopy);
}

/**
 * A copy of dist/ whose scripts and styles all have their brotli and gzip copies: a build that
 * is still compressing (the compression plugin runs after the chunks are written) would have the
 * server send some of them uncompressed and the load look heavier than it is.
 */
async function compressedCopy(): Promise<ClientCopy> {
  let missing: string[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    const copy = await copyBuiltClient();
    missing = assetSizes(copy.dir).filter((a) => a.raw >= 1024 && /\.(js|mjs|css)$/.test(a.name) && (a.brotli === undefined || a.gzip === undefined)).map((a) => a.name);
    if (missing.length === 0) return copy;
    copy.remove();
    await delay(1000);
  }
  throw new Error(`dist/ has no brotli/gzip copies of ${missing.join(", ")}: is a build running? Run \`npx vite build\`.`);
}
