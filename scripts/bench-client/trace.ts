import type { BrowserContext, Page } from "playwright-core";
import { fixed } from "../lib/report.ts";
import type { Column } from "../lib/table.ts";

/**
 * Where a frame's time goes, from a short Chromium trace, per committed frame (ms): the game's JS,
 * the commit waiting for the WebGL canvas readback (software compositing: ReadPixels waits for
 * SwiftShader), and the GPU process running the WebGL commands (docs/benchmarks/client.md).
 */
export type FrameBreakdown = Awaited<ReturnType<typeof traceFrames>>;

interface TraceEvent { name: string; ph: string; pid: number; tid: number; dur?: number; args?: { name?: string } }

export async function traceFrames(context: BrowserContext, page: Page, seconds: number) {
  const cdp = await context.newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on("Tracing.dataCollected", (e) => events.push(...(e.value as unknown as TraceEvent[])));
  const complete = new Promise<void>((resolve) => cdp.once("Tracing.tracingComplete", () => resolve()));
  await cdp.send("Tracing.start", { categories: "devtools.timeline,disabled-by-default-devtools.timeline,toplevel,blink,gpu,cc", transferMode: "ReportEvents" });
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  await cdp.send("Tracing.end");
  await complete;
  await cdp.detach().catch(() => undefined);

  const threadName = new Map<string, string>();
  for (const e of events) if (e.name === "thread_name" && e.args?.name) threadName.set(`${e.pid}:${e.tid}`, e.args.name);
  const on = (e: TraceEvent): string => threadName.get(`${e.pid}:${e.tid}`) ?? "";
  const complete_ = events.filter((e) => e.ph === "X" && typeof e.dur === "number");

  // The game's renderer: the main thread that ran the most animation frames.
  const rafByPid = new Map<number, number>();
  for (const e of complete_) if (e.name === "FireAnimationFrame" && on(e) === "CrRendererMain") rafByPid.set(e.pid, (rafByPid.get(e.pid) ?? 0) + 1);
  const pid = [...rafByPid].sort((a, b) => b[1] - a[1])[0]?.[0];
  const sum = (name: string, thread: string, samePid: boolean): number => complete_
    .filter((e) => e.name === name && on(e) === thread && (!samePid || e.pid === pid))
    .reduce((total, e) => total + (e.dur ?? 0) / 1000, 0);
  const count = (name: string): number => complete_.filter((e) => e.name === name && e.pid === pid && on(e) === "CrRendererMain").length;

  const frames = Math.max(1, count("ProxyMain::BeginMainFrame"));
  return {
    seconds,
    frames,
    rafMs: sum("FireAnimationFrame", "CrRendererMain", true) / frames,
    commitMs: sum("Commit", "CrRendererMain", true) / frames,
    readbackMs: sum("GLES2::ReadPixels", "CrRendererMain", true) / frames,
    gpuMs: sum("CommandBufferService:PutChanged", "CrGpuMain", false) / frames,
  };
}

/** The breakdown table, one row per figure (ms per committed frame). */
export const TRACE_MEASURES: Array<Column<FrameBreakdown>> = [
  { name: "game JS on the page's main thread (requestAnimationFrame callbacks)", cell: (t) => fixed(t.rafMs, 2) },
  { name: "main thread in the commit", cell: (t) => fixed(t.commitMs, 1) },
  { name: "… of which waiting for the WebGL canvas readback (`GLES2::ReadPixels`)", cell: (t) => fixed(t.readbackMs, 1) },
  { name: "GPU process executing the WebGL commands (SwiftShader, CPU)", cell: (t) => fixed(t.gpuMs, 1) },
];
