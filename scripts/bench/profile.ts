/**
 * Where a server's CPU went, from a V8 CPU profile (.cpuprofile): each sample is put in the
 * category of the nearest frame on its stack that names one (leaf first, so a Buffer copy made by
 * the serializer counts as framing, and a socket write made from inside Colyseus counts as a
 * socket write). Used by `npm run bench -- --cpu-prof <dir>`; also runnable on a saved profile:
 * `npx tsx scripts/bench/profile.ts <file.cpuprofile>`.
 */
import { readFileSync } from "node:fs";
import type { Profiler } from "node:inspector";
import { fileURLToPath } from "node:url";

/** What V8's profiler writes (the server's POST /debug/profile/stop answers one). */
export type CpuProfile = Profiler.Profile;
type Rule = { name: string; test: (fn: string, url: string) => boolean };

/**
 * Categories that own everything beneath them, whatever library the leaf is in: decoding a
 * client's input runs schema code (cloning the input, collecting refs), but it is input decoding.
 */
const STACK_RULES: Rule[] = [
  { name: "input decoding", test: (fn, url) => url.includes("@colyseus/core") && url.includes("/input/") || fn === "decodeReliable" },
  // Joins: the seat reservation over HTTP (matchmaker, onAuth), then the WebSocket upgrade, onJoin and the full state.
  { name: "HTTP requests (matchmaking, seat reservations, onAuth; /metrics)", test: (_fn, url) => url.includes("_http_") || url.includes("/node_modules/express/") || url.includes("@colyseus/core") && (url.includes("MatchMaker") || url.includes("/matchmaker/") || url.includes("/router/")) },
  { name: "joins (WebSocket upgrade, onJoin, full state)", test: (fn) => fn === "_onJoin" || fn === "sendFullState" || fn === "onConnection" || fn === "handleUpgrade" || fn === "completeUpgrade" },
];

/** The other categories, tried against each frame from the leaf up; the first that matches wins. */
const RULES: Rule[] = [
  { name: "GC", test: (fn) => fn === "(garbage collector)" },
  { name: "idle", test: (fn) => fn === "(idle)" },
  { name: "socket reads and writes", test: (fn, url) => url.includes("/node_modules/ws/") || url.includes("stream_base_commons") || url.startsWith("node:net") || fn === "writev" || fn === "writeBuffer" || fn === "writeUtf8String" },
  { name: "position stream (cell blocks and per-client tails)", test: (fn, url) => url.includes("/shared/stream/") || url.includes("/server/sim/Pond.ts") && (fn === "tailFor" || fn === "selfUpdate" || fn === "encodeStream") },
  { name: "schema encode", test: (_fn, url) => url.includes("@colyseus/schema") },
  { name: "simulation and interest", test: (_fn, url) => url.includes("/server/sim/") || url.includes("/shared/movement") || url.includes("/shared/quantize") || url.includes("/shared/angle") },
  { name: "patch framing (per-client frames)", test: (_fn, url) => url.includes("/server/rooms/PondSerializer") },
  { name: "metrics", test: (_fn, url) => url.includes("prom-client") || url.includes("/server/metrics") },
  { name: "room and message dispatch (Colyseus core)", test: (_fn, url) => url.includes("@colyseus/core") || url.includes("/server/rooms/") },
  { name: "timers", test: (_fn, url) => url.includes("internal/timers") },
  { name: "V8 and runtime (program)", test: (fn) => fn === "(program)" },
];

/** The profile's wall time and busy (sampled, not idle) time, and per category its ms and share of the busy time. */
export type ProfileSummary = ReturnType<typeof summarizeProfile>;
export function summarizeProfile(profile: CpuProfile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Each node's category, decided once: the owning categories anywhere up the stack first, then the nearest frame that names one.
  const category = new Map<number, string>();
  const match = (id: number, rules: Rule[]): string | undefined => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url } = byId.get(at)!.callFrame;
      const rule = rules.find((r) => r.test(functionName, url));
      if (rule) return rule.name;
    }
    return undefined;
  };
  const totals = new Map<string, number>();
  profile.samples?.forEach((id, i) => {
    let name = category.get(id);
    if (name === undefined) category.set(id, name = match(id, STACK_RULES) ?? match(id, RULES) ?? "other");
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000);
  });
  totals.delete("idle");
  const busyMs = [...totals.values()].reduce((n, ms) => n + ms, 0);
  const categories = [...totals].map(([name, ms]) => ({ name, ms, share: busyMs > 0 ? ms / busyMs : 0 })).sort((a, b) => b.ms - a.ms);
  return { wallMs: (profile.endTime - profile.startTime) / 1000, busyMs, categories };
}

export function formatSummary(summary: ProfileSummary): string {
  const lines = [`busy ${summary.busyMs.toFixed(0)} ms of ${summary.wallMs.toFixed(0)} ms (${((summary.busyMs / summary.wallMs) * 100).toFixed(1)} % of one core)`];
  for (const c of summary.categories) lines.push(`  ${(c.share * 100).toFixed(1).padStart(5)} %  ${c.ms.toFixed(0).padStart(6)} ms  ${c.name}`);
  return lines.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: npx tsx scripts/bench/profile.ts <file.cpuprofile>");
    process.exit(2);
  }
  console.log(formatSummary(summarizeProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile)));
}
