import { CHROMIUM_PATH } from "../../kit/browser/launch.ts";
import { machineText, type Machine } from "../lib/machine.ts";
import { percentile } from "../lib/stats.ts";
import { bytes, measureTable, missed, ms, table, type Column } from "../lib/table.ts";
import { AFTER_PLAYABLE_MS, COLD_VIEWPORT, GOAL_BYTES, type AssetSize, type ColdLoad, type ColdLoadResult, type Link, type RequestRecord } from "./coldLoad.ts";

/** Where and when a section was measured (bench-client.ts fills it in): the machine at the start, and the load average at the end. */
export interface RunInfo { command: string; machine: Machine; loadEnd: number[] }

/** The run's header lines (after a note when the machine was busy, as then the times are pessimistic). */
export function runHeader({ command, machine: m, loadEnd }: RunInfo, browser: string, busy: string): string {
  const [start, end] = [m.loadAverage[0], loadEnd[0]];
  return `${Math.max(start, end) >= m.cpus ? `> **Note.** The machine was busy (1-minute load ${start.toFixed(1)} at the start, ${end.toFixed(1)} at the end, on ${m.cpus} cores): ${busy}\n\n` : ""}- Command: \`${command}\` (this section)
- Date: ${m.date}; commit ${m.commit}
- Machine: ${machineText(m)}; ${browser}
- Load average (1/5/15 min): ${m.loadAverage.join(" ")} at start, ${loadEnd.join(" ")} at end`;
}

type Loads = ColdLoad[];
const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
const known = (values: Array<number | undefined>) => values.filter((v): v is number => v !== undefined && Number.isFinite(v));
/** Min / median (nearest rank) of one figure over a link's loads. */
const minMedian = (values: Array<number | undefined>, format: (n: number) => string): string => {
  const v = known(values);
  return v.length ? `${format(Math.min(...v))} / ${format(percentile(v, 50))}` : "–";
};
const measure = (name: string, of: (l: ColdLoad) => number | undefined, format: (n: number) => string, bold = false): Column<Loads> =>
  ({ name, cell: (loads) => (bold ? `**${minMedian(loads.map(of), format)}**` : minMedian(loads.map(of), format)) });

/** The cold-load table, one row per figure, one column per link; the bytes carry the goal. */
const MEASURES: Array<Column<Loads>> = [
  { ...measure("HTTP bytes over the wire (response headers + compressed bodies)", (l) => l.httpBytes, bytes), met: (loads) => loads.every((l) => l.httpBytes < GOAL_BYTES) },
  measure("… of which after the pond was playable", (l) => l.afterPlayableBytes, bytes),
  measure("HTTP requests", (l) => l.requests.length, String),
  measure("first contentful paint (the HTML/CSS splash)", (l) => l.fcpMs, ms),
  measure("last script downloaded", (l) => l.scriptsDoneMs, ms),
  measure("DOMContentLoaded (every script run)", (l) => l.domContentLoadedMs, ms),
  measure("load event", (l) => l.loadMs, ms),
  measure("matchmaking request sent (Phaser and the scene are up)", (l) => l.matchmakeSentMs, ms),
  measure("matchmaking answered", (l) => l.matchmakeDoneMs, ms),
  measure("first WebSocket frame received", (l) => l.firstFrameMs, ms),
  measure("**playable pond** (connected, our tadpole in the pond)", (l) => l.playableMs, ms, true),
  measure("WebSocket handshake (request to response)", (l) => l.handshakeMs, ms),
  measure("WebSocket payload received until playable", (l) => l.socketBytes, bytes),
];

const path = (url: string): string => (URL.canParse(url) ? new URL(url).pathname + new URL(url).search : url);

/** The request table of one load, heaviest first. */
const requestColumns = (playable: number): Array<Column<RequestRecord>> => [
  { name: "request", cell: (q) => `\`${q.method} ${path(q.url)}\`` },
  { name: "type", cell: (q) => q.type },
  { name: "status", cell: (q) => (q.failed ? `failed: ${q.failed}` : (q.status ?? "–")) },
  { name: "Content-Encoding", cell: (q) => q.encoding },
  { name: "over the wire", cell: (q) => bytes(q.wireBytes) },
  { name: "body decoded", cell: (q) => bytes(q.bodyBytes) },
  { name: "sent → finished", cell: (q) => `${ms(q.sentMs)} → ${q.finishedMs === undefined ? "–" : ms(q.finishedMs)}${q.finishedMs !== undefined && q.finishedMs > playable ? " (after playable)" : ""}` },
];

const sizeCell = (n: number | undefined) => (n === undefined ? "– (sent raw)" : `${bytes(n)} (${kib(n)})`);
const ASSET_COLUMNS: Array<Column<AssetSize>> = [
  { name: "file", cell: (a) => a.name },
  { name: "raw", cell: (a) => sizeCell(a.raw) },
  { name: "gzip (`.gz` beside it, level 9)", cell: (a) => sizeCell(a.gzip) },
  { name: "brotli (`.br` beside it, quality 11: what browsers get)", cell: (a) => sizeCell(a.brotli) },
];

export function linkSettings(link: Link): string {
  if (link.latency === 0 && link.downloadThroughput < 0 && link.uploadThroughput < 0) return "no emulation (loopback)";
  const rate = (b: number): string => (b < 0 ? "not limited" : `${b.toLocaleString("en-US")} B/s (${((b * 8) / 1000).toLocaleString("en-US")} kbit/s)`);
  return `latency ${link.latency} ms, download ${rate(link.downloadThroughput)}, upload ${rate(link.uploadThroughput)}`;
}

/** The verdict against the goal, on the heaviest load of all. */
export function verdict(result: ColdLoadResult): { met: boolean; sentence: string } {
  const all = result.links.flatMap((l) => l.loads.map((load) => load.httpBytes));
  const heaviest = Math.max(...all);
  const met = missed(MEASURES, result.links.map((l) => l.loads)).length === 0;
  return { met, sentence: `The heaviest of the ${all.length} loads transferred ${bytes(heaviest)} (${kib(heaviest)}) over HTTP: ${bytes(Math.abs(GOAL_BYTES - heaviest))} ${met ? "under" : "over"} 400 KB (${bytes(GOAL_BYTES)}).` };
}

/** The link the goal's time is read on (the throttled one) first, then the others. */
const ordered = (result: ColdLoadResult) => {
  const slow = result.links.find((l) => l.link.latency > 0) ?? result.links[result.links.length - 1];
  return [slow, ...result.links.filter((l) => l !== slow)];
};

/** The cold-load figures, min / median per link (the console prints it too). */
export function coldTable(result: ColdLoadResult): string[] {
  const links = ordered(result);
  return measureTable("from the start of the navigation", links.map((r) => `${r.link.name} min / median`), MEASURES, links.map((r) => r.loads));
}

/** The cold-load section of docs/benchmarks/client.md (between its markers). */
export function coldLoadMarkdown(result: ColdLoadResult, info: RunInfo): string {
  const v = verdict(result);
  const links = ordered(result);
  const slow = links[0];
  const median = (r: { loads: Loads }) => percentile(r.loads.map((l) => l.playableMs), 50);
  const fast = result.links.find((l) => l.link.latency === 0 && l.link.downloadThroughput < 0);
  // The load whose playable time is the median: its requests are the ones shown.
  const typical = [...slow.loads].sort((a, b) => a.playableMs - b.playableMs)[Math.ceil(slow.loads.length / 2) - 1];
  const heaviest = [...typical.requests].sort((a, b) => b.wireBytes - a.wireBytes);
  const late = Math.max(0, ...result.links.flatMap((r) => r.loads.map((l) => l.afterPlayable)));
  const handshake = known(slow.loads.map((l) => l.handshakeMs));
  const scripts = typical.requests.filter((q) => q.type === "Script");
  const brotli = scripts.length > 0 && scripts.every((q) => q.encoding === "br");
  const assetTotal = (pick: (a: AssetSize) => number | undefined) => result.assets.reduce((n, a) => n + (pick(a) ?? a.raw), 0);
  const total: AssetSize = { name: "**total**", raw: assetTotal((a) => a.raw), gzip: assetTotal((a) => a.gzip), brotli: assetTotal((a) => a.brotli) };
  return `## Cold load: bytes and time to a playable pond

What a first visit costs. **Goal: less than 400 KB transferred on a cold load: ${v.met ? "met" : "missed"}.** ${v.sentence}
Time to a playable pond on the ${slow.link.name} link (${linkSettings(slow.link)}): **${ms(median(slow))}** (median of ${result.runs}; ${ms(Math.min(...slow.loads.map((l) => l.playableMs)))} at best)${fast ? `; unthrottled, ${ms(median(fast))}: the link adds ${ms(median(slow) - median(fast))}; the unthrottled time is this machine's CPU (parsing the scripts, starting Phaser on SwiftShader's software WebGL, joining)` : ""}.

${runHeader(info, `Chromium ${result.chromium} (\`${CHROMIUM_PATH}\`)`, "the times are pessimistic (the page's scripts wait for the CPU); the bytes are not affected.")}
- Each load at ${COLD_VIEWPORT.viewport!.width}x${COLD_VIEWPORT.viewport!.height}, DPR ${COLD_VIEWPORT.deviceScaleFactor}; ${result.runs} load${result.runs === 1 ? "" : "s"} per link after one to warm up (below, "How the cold load is measured")
${links.map((r) => `- Link **${r.link.name}**: ${linkSettings(r.link)}`).join("\n")}

${coldTable(result).join("\n")}

### Requests of the median throttled load, heaviest first

${table(requestColumns(typical.playableMs), heaviest.slice(0, 12)).join("\n")}
| **all ${typical.requests.length} requests** | | | | **${bytes(typical.httpBytes)}** | ${bytes(typical.requests.reduce((n, q) => n + q.bodyBytes, 0))} | playable at ${ms(typical.playableMs)} |

${late > 0 ? `Up to ${late} request(s) per load finished after the pond was playable, and are counted` : "Every request had finished when the pond was playable"} (a load lasts until the pond is playable, then ${AFTER_PLAYABLE_MS / 1000} s more, then until no request is in flight). ${!handshake.length ? "" : Math.min(...handshake) >= slow.link.latency
    ? `Every WebSocket handshake took at least the link's ${slow.link.latency} ms, so the emulation delayed the socket too.`
    : `A WebSocket handshake took ${ms(Math.min(...handshake))}, less than the link's ${slow.link.latency} ms: the emulation did not delay the socket's handshake, so the join over the socket (handshake, then the first state) went at loopback speed here, and a real link adds at least a round trip or two to it.`}
${result.problems.length ? `\nWarnings during the loads: ${result.problems.map((p) => `\`${p}\``).join("; ")}\n` : ""}
### Bundle (dist/assets, as served)

${table(ASSET_COLUMNS, [...result.assets, total]).join("\n")}

${brotli ? "Chromium accepted brotli on this loopback origin (the Content-Encoding column above), as it does on any HTTPS origin, so the bodies above are what a player over HTTPS gets (the headers differ there: TLS, HTTP/2's compressed headers behind a proxy)." : "**Chromium did not get brotli here** (see the Content-Encoding column): a player over HTTPS would get the smaller brotli copies."}`;
}
