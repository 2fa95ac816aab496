import { CHROMIUM_PATH } from "../../kit/browser/launch.ts";
import type { AssetSize } from "./assets.ts";
import { AFTER_PLAYABLE_MS, COLD_VIEWPORT, GOAL_BYTES, type ColdLoadResult, type Link, type LinkResult, type RequestRecord, type Spread, spread } from "./coldLoad.ts";

/** Where and when a report was made (bench-client.ts fills it in). */
export interface RunInfo {
  command: string;
  date: string;
  machine: string;
  loadStart: string;
  loadEnd: string;
  cores: number;
}

const bytes = (n: number): string => `${Math.round(n).toLocaleString("en-US")} B`;
const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
const msText = (n: number): string => `${Math.round(n).toLocaleString("en-US")} ms`;
const pair = (s: Spread | undefined, format: (n: number) => string): string => (s ? `${format(s.min)} / ${format(s.median)}` : "–");
const sum = (values: Array<number | undefined>): number => values.reduce<number>((a, b) => a + (b ?? 0), 0);

export function linkSettings(link: Link): string {
  if (link.latencyMs === 0 && link.downloadBytesPerSecond < 0 && link.uploadBytesPerSecond < 0) return "no emulation (loopback)";
  const rate = (b: number): string => (b < 0 ? "not limited" : `${b.toLocaleString("en-US")} B/s (${((b * 8) / 1000).toLocaleString("en-US")} kbit/s)`);
  return `latency ${link.latencyMs} ms, download ${rate(link.downloadBytesPerSecond)}, upload ${rate(link.uploadBytesPerSecond)}`;
}

/** The verdict against the goal, on the heaviest load of all. */
export function verdict(result: ColdLoadResult): { met: boolean; text: string; sentence: string } {
  const all = result.links.flatMap((l) => l.loads.map((load) => load.httpBytes));
  const heaviest = Math.max(...all);
  const met = heaviest < GOAL_BYTES;
  const margin = Math.abs(GOAL_BYTES - heaviest);
  const sentence = `The heaviest of the ${all.length} loads transferred ${bytes(heaviest)} (${kib(heaviest)}) over HTTP: ${bytes(margin)} ${met ? "under" : "over"} 400 KB (${bytes(GOAL_BYTES)}).`;
  return { met, sentence, text: `${met ? "met" : "missed"}. ${sentence}` };
}

const path = (url: string): string => {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
};

/** The link the goal's time is read on: the throttled one. */
const headline = (result: ColdLoadResult): LinkResult => result.links.find((l) => l.link.latencyMs > 0) ?? result.links[result.links.length - 1];

/** Whether the link's latency reached the WebSocket (Chromium's emulation is made for HTTP requests). */
function socketNote(r: LinkResult): string {
  if (!r.handshake) return "";
  return r.handshake.min >= r.link.latencyMs
    ? `Every WebSocket handshake took at least the link's ${r.link.latencyMs} ms, so the emulation delayed the socket too.`
    : `A WebSocket handshake took ${msText(r.handshake.min)}, less than the link's ${r.link.latencyMs} ms: the emulation did not delay the socket's handshake, so the join over the socket (handshake, then the first state) went at loopback speed here, and a real link adds at least a round trip or two to it.`;
}

/** Whether the scripts of the median load came brotli-encoded. */
const brotliServed = (r: LinkResult): boolean => {
  const scripts = r.typical.requests.filter((q) => q.type === "Script");
  return scripts.length > 0 && scripts.every((q) => q.encoding === "br");
};

export function printColdLoad(result: ColdLoadResult): void {
  console.log("");
  console.log(`cold load (${result.runs} per link; min / median):`);
  for (const r of result.links) {
    console.log(`  ${r.link.name} (${linkSettings(r.link)}):`);
    console.log(`    HTTP ${pair(r.bytes, bytes)} in ${pair(r.requests, String)} requests; FCP ${pair(r.fcp, msText)}; `
      + `DOMContentLoaded ${pair(r.domContentLoaded, msText)}; load ${pair(r.load, msText)}; playable ${pair(r.playable, msText)}`);
  }
  const slow = headline(result);
  console.log(`  largest requests (${slow.link.name}, median load):`);
  for (const q of [...slow.typical.requests].sort((a, b) => b.wireBytes - a.wireBytes).slice(0, 6)) {
    console.log(`    ${String(q.wireBytes).padStart(8)} B  ${q.encoding.padEnd(5)} ${path(q.url)}`);
  }
  console.log(`  goal < 400 KB: ${verdict(result).text}`);
  if (result.problems.length) console.warn(`[bench:client] cold load warnings:\n  ${result.problems.join("\n  ")}`);
}

function requestTable(r: LinkResult): string {
  const rows = [...r.typical.requests].sort((a, b) => b.wireBytes - a.wireBytes).slice(0, 12);
  const playable = r.typical.playableMs;
  const when = (q: RequestRecord): string => `${msText(q.sentMs)} → ${q.finishedMs === undefined ? "–" : msText(q.finishedMs)}${q.finishedMs !== undefined && q.finishedMs > playable ? " (after playable)" : ""}`;
  return `| request | type | status | Content-Encoding | over the wire | body decoded | sent → finished |
| --- | --- | --- | --- | --- | --- | --- |
${rows.map((q) => `| \`${q.method} ${path(q.url)}\` | ${q.type} | ${q.failed ? `failed: ${q.failed}` : (q.status ?? "–")} | ${q.encoding} | ${bytes(q.wireBytes)} | ${bytes(q.bodyBytes)} | ${when(q)} |`).join("\n")}
| **all ${r.typical.requests.length} requests** | | | | **${bytes(r.typical.httpBytes)}** | ${bytes(sum(r.typical.requests.map((q) => q.bodyBytes)))} | playable at ${msText(playable)} |`;
}

export function assetTable(assets: AssetSize[]): string {
  const cell = (n: number | undefined, note: string): string => (n === undefined ? note : `${bytes(n)} (${kib(n)})`);
  const total = (pick: (a: AssetSize) => number | undefined): number => sum(assets.map((a) => pick(a) ?? a.raw));
  return `| file | raw | gzip (\`.gz\` beside it, level 9) | brotli (\`.br\` beside it, quality 11: what browsers get) |
| --- | --- | --- | --- |
${assets.map((a) => `| ${a.name} | ${bytes(a.raw)} (${kib(a.raw)}) | ${cell(a.gzip, "– (sent raw)")} | ${cell(a.brotli, "– (sent raw)")} |`).join("\n")}
| **total** | ${bytes(total((a) => a.raw))} (${kib(total((a) => a.raw))}) | ${bytes(total((a) => a.gzip))} (${kib(total((a) => a.gzip))}) | ${bytes(total((a) => a.brotli))} (${kib(total((a) => a.brotli))}) |`;
}

/** A note when the machine was busy: times suffer (bytes do not). */
function busy(info: RunInfo): string {
  const start = Number(info.loadStart.split(" ")[0]);
  const end = Number(info.loadEnd.split(" ")[0]);
  const worst = Math.max(start, end);
  return worst >= info.cores
    ? `> **Note.** The machine was busy (1-minute load ${start.toFixed(1)} at the start, ${end.toFixed(1)} at the end, on ${info.cores} cores): the times are pessimistic (the page's scripts wait for the CPU); the bytes are not affected.\n\n`
    : "";
}

/** The cold-load section of docs/benchmarks/client.md (between its markers). */
export function coldLoadMarkdown(result: ColdLoadResult, info: RunInfo): string {
  const v = verdict(result);
  const slow = headline(result);
  const ordered = [slow, ...result.links.filter((l) => l !== slow)];
  const fast = result.links.find((l) => l.link.latencyMs === 0 && l.link.downloadBytesPerSecond < 0);
  const head = ordered.map((r) => `${r.link.name} min / median`).join(" | ");
  const rule = ordered.map(() => "---").join(" | ");
  const row = (label: string, cells: (r: LinkResult) => string): string => `| ${label} | ${ordered.map(cells).join(" | ")} |`;
  const late = ordered.flatMap((r) => r.loads.map((l) => l.afterPlayable)).reduce((a, b) => Math.max(a, b), 0);
  return `## Cold load: bytes and time to a playable pond

What a first visit costs. **Goal: less than 400 KB transferred on a cold load: ${v.met ? "met" : "missed"}.** ${v.sentence}
Time to a playable pond on the ${slow.link.name} link (${linkSettings(slow.link)}): **${msText(slow.playable.median)}** (median of ${result.runs}; ${msText(slow.playable.min)} at best)${fast ? `; unthrottled, ${msText(fast.playable.median)}: the link adds ${msText(slow.playable.median - fast.playable.median)}; the unthrottled time is this machine's CPU (parsing the scripts, starting Phaser on SwiftShader's software WebGL, joining)` : ""}.

${busy(info)}- Command: \`${info.command}\` (this section)
- Date: ${info.date}
- Machine: ${info.machine}; Chromium ${result.chromium} (\`${CHROMIUM_PATH}\`)
- Load average (1/5/15 min): ${info.loadStart} at start, ${info.loadEnd} at end
- Each load: a fresh browser context (no cache, no storage) with the HTTP cache disabled too
  (CDP \`Network.setCacheDisabled\`), ${COLD_VIEWPORT.viewport!.width}x${COLD_VIEWPORT.viewport!.height} at DPR ${COLD_VIEWPORT.deviceScaleFactor},
  opening \`/\` on the game server (loopback, serving a copy of dist/ with its brotli and gzip copies; a
  server of its own, with \`RECONNECT_GRACE_SECONDS=0\` so every load joins an empty pond).
  One unthrottled load first warms the server up and is not counted; then ${result.runs} load${result.runs === 1 ? "" : "s"} per link, taking turns.
${ordered.map((r) => `- Link **${r.link.name}**: ${r.link.latencyMs > 0 ? `Chromium's network emulation (CDP \`Network.emulateNetworkConditions\`): ${linkSettings(r.link)}` : linkSettings(r.link)}`).join("\n")}
- The CPU is not throttled.

| from the start of the navigation | ${head} |
| --- | ${rule} |
${row("HTTP bytes over the wire (response headers + compressed bodies)", (r) => pair(r.bytes, bytes))}
${row("… of which after the pond was playable", (r) => pair(spread(r.loads.map((l) => l.afterPlayableBytes)), bytes))}
${row("HTTP requests", (r) => pair(r.requests, String))}
${row("first contentful paint (the HTML/CSS splash)", (r) => pair(r.fcp, msText))}
${row("last script downloaded", (r) => pair(r.scriptsDone, msText))}
${row("DOMContentLoaded (every script run)", (r) => pair(r.domContentLoaded, msText))}
${row("load event", (r) => pair(r.load, msText))}
${row("matchmaking request sent (Phaser and the scene are up)", (r) => pair(r.matchmakeSent, msText))}
${row("matchmaking answered", (r) => pair(r.matchmakeDone, msText))}
${row("first WebSocket frame received", (r) => pair(r.firstFrame, msText))}
${row("**playable pond** (connected, our tadpole in the pond)", (r) => `**${pair(r.playable, msText)}**`)}
${row("WebSocket handshake (request to response)", (r) => pair(r.handshake, msText))}
${row("WebSocket payload received until playable", (r) => pair(r.socketBytes, bytes))}

### Requests of the median throttled load, heaviest first

${requestTable(slow)}

How it is measured (scripts/bench-client/coldLoad.ts): bytes are the sum, over the page's HTTP
requests, of CDP \`Network.loadingFinished\`'s \`encodedDataLength\`: what came over the wire for each
response, headers included. WebSocket frames are not requests and are not in it (the game's
traffic, not the page's; shown apart). A load lasts until the pond is playable, then
${AFTER_PLAYABLE_MS / 1000} s more (on joining, the pond panel asks for the list of ponds, and again 2 s later),
then until no request is in flight: ${late > 0 ? `up to ${late} request(s) per load finished after the pond was playable, and are counted` : "every request had finished when the pond was playable"}. First
contentful paint is the page's paint timing entry; DOMContentLoaded and load come from navigation
timing; "playable" is when the page's test hook (\`window.__pond\`) first reports the connection up
with our own tadpole (what kit/browser/pond.ts's \`openPond\` waits for), polled inside the page
every 10 ms by an init script. Page times (paints, DOMContentLoaded, load, playable) are from the
start of the navigation (the page's time origin); request and WebSocket times from when the page's
own request was sent, by the network log's clock (the two origins are a few ms apart).

Chromium's emulation shapes requests, not packets: it adds the latency once per request (before
the response headers) and shares the throughput among the requests in flight; it does not replay TCP's
handshake or slow start. A real 150 ms link also pays the connection setup (and TLS), so these times
are a lower bound for that link. ${socketNote(slow)}
${result.problems.length ? `\nWarnings during the loads: ${result.problems.map((p) => `\`${p}\``).join("; ")}\n` : ""}
### Bundle (dist/assets, as served)

${assetTable(result.assets)}

The server (express-static-gzip) sends the brotli copy to browsers that accept it, else the gzip
one. ${brotliServed(slow) ? "Chromium accepted brotli on this loopback origin (the Content-Encoding column above), as it does on any HTTPS origin, so the bodies above are what a player over HTTPS gets (the headers differ there: TLS, HTTP/2's compressed headers behind a proxy)." : "**Chromium did not get brotli here** (see the Content-Encoding column): a player over HTTPS would get the smaller brotli copies."}`;
}
