import type { BrowserContext, Page } from "playwright-core";
import { delay } from "../../kit/waitFor.ts";
import { fixed } from "../lib/report.ts";
import type { Column } from "../lib/table.ts";

/**
 * Where a frame's time goes, from a short Chromium trace, per committed frame (ms); why the commit
 * waits for SwiftShader is told in docs/benchmarks/client.md ("How the frames are measured").
 */
export type FrameBreakdown = Awaited<ReturnType<typeof traceFrames>>;

interface TraceEvent { name: string; ph: string; pid: number; tid: number; dur?: number; args?: { name?: string } }

export async function traceFrames(context: BrowserContext, page: Page, seconds: number) {
  const cdp = await context.newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on("Tracing.dataCollected", (e) => events.push(...(e.value as unknown as TraceEvent[])));
  const complete = new Promise<void>((resolve) => cdp.once("Tracing.tracingComplete", () => resolve()));
  await cdp.send("Tracing.start", { categories: "devtools.timeline,disabled-by-default-devtools.timeline,toplevel,blink,gpu,cc", transferMode: "ReportEvents" });
  await delay(seconds * 1000);
  await cdp.send("Tracing.end");
  await complete;
  await cdp.detach().catch(() => undefined);

  const threadName = new Map<string, string>();
  for (const e of events) if (e.name === "thread_name" && e.args?.name) threadName.set(`${e.pid}:${e.tid}`, e.args.name);
  const on = (e: TraceEvent): string => threadName.get(`${e.pid}:${e.tid}`) ?? "";
  // Complete ("X") slices named `name` on `thread`, of the game's renderer process unless `anyPid`.
  const slices = (name: string, thread = "CrRendererMain", anyPid = false) => events
    .filter((e) => e.ph === "X" && typeof e.dur === "number" && e.name === name && on(e) === thread && (anyPid || e.pid === pid));
  // The game's renderer: the main thread that ran the most animation frames.
  const rafByPid = new Map<number, number>();
  for (const e of slices("FireAnimationFrame", undefined, true)) rafByPid.set(e.pid, (rafByPid.get(e.pid) ?? 0) + 1);
  const pid = [...rafByPid].sort((a, b) => b[1] - a[1])[0]?.[0];

  const frames = Math.max(1, slices("ProxyMain::BeginMainFrame").length);
  const perFrame = (name: string, thread?: string, anyPid?: boolean): number =>
    slices(name, thread, anyPid).reduce((total, e) => total + (e.dur ?? 0) / 1000, 0) / frames;
  return {
    seconds,
    frames,
    rafMs: perFrame("FireAnimationFrame"),
    commitMs: perFrame("Commit"),
    readbackMs: perFrame("GLES2::ReadPixels"),
    gpuMs: perFrame("CommandBufferService:PutChanged", "CrGpuMain", true),
  };
}

/** The breakdown table, one row per figure (ms per committed frame). */
export const TRACE_MEASURES: Array<Column<FrameBreakdown>> = [
  { name: "game JS on the page's main thread (requestAnimationFrame callbacks)", cell: (t) => fixed(t.rafMs, 2) },
  { name: "main thread in the commit", cell: (t) => fixed(t.commitMs, 1) },
  { name: "… of which waiting for the WebGL canvas readback (`GLES2::ReadPixels`)", cell: (t) => fixed(t.readbackMs, 1) },
  { name: "GPU process executing the WebGL commands (SwiftShader, CPU)", cell: (t) => fixed(t.gpuMs, 1) },
];
