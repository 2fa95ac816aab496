/**
 * In-page instrumentation for the client benchmark (docs/benchmarks/client.md, "How the frames are
 * measured"). A plain string: the page must not depend on how this file was transpiled.
 */
import { fixed } from "../lib/report.ts";
import { max, mean, percentile } from "../lib/stats.ts";
import type { Column } from "../lib/table.ts";

export const INSTRUMENT = `(() => {
  const raf = window.requestAnimationFrame.bind(window);
  const state = { recording: false, frames: [], current: -1, cost: 0, longTasks: 0, updates: [] };
  Object.defineProperty(window, "__benchFrames", { value: state, configurable: true });
  window.requestAnimationFrame = function (callback) {
    return raf(function (t) {
      if (t !== state.current) {
        if (state.current >= 0 && state.recording) state.frames.push([state.current, state.cost]);
        state.current = t; state.cost = 0;
      }
      const start = performance.now();
      try { callback(t); } finally { state.cost += performance.now() - start; }
    });
  };
  const observe = (type, take) => {
    try { new PerformanceObserver((list) => { if (state.recording) take(list.getEntries()); }).observe({ type, buffered: false }); } catch (e) {}
  };
  observe("longtask", (entries) => { state.longTasks += entries.length; });
  observe("measure", (entries) => { for (const e of entries) if (e.name === "pond:update") state.updates.push(e.duration); });
})();`;

/** Starts recording (drops anything recorded before). */
export const START = `(() => { const s = window.__benchFrames; s.frames.length = 0; s.updates.length = 0; s.longTasks = 0; s.current = -1; s.recording = true; return true; })()`;

/** Stops recording and returns [timestamp, callbackCostMs] per frame, plus the long tasks. */
export const STOP = `(() => { const s = window.__benchFrames; s.recording = false; return { frames: s.frames.slice(), longTasks: s.longTasks, updates: s.updates.slice() }; })()`;

export interface Recording { frames: Array<[number, number]>; longTasks: number; updates: number[] }

/** The WebGL renderer string the page gets (shows SwiftShader when rendering is in software). */
export const RENDERER = `(() => {
  const c = document.createElement("canvas");
  const gl = c.getContext("webgl2") || c.getContext("webgl");
  if (!gl) return "no WebGL";
  const info = gl.getExtension("WEBGL_debug_renderer_info");
  return String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
})()`;

const FRAME_MS = 1000 / 60;

/** A recording, ready to be measured: intervals between frames, each frame's main-thread cost. */
export type Frames = ReturnType<typeof frames>;
export function frames(recording: Recording) {
  const stamps = recording.frames.map(([t]) => t);
  const intervals = stamps.slice(1).map((t, i) => t - stamps[i]);
  const seconds = stamps.length > 1 ? (stamps[stamps.length - 1] - stamps[0]) / 1000 : 0;
  return { count: stamps.length, seconds, intervals, costs: recording.frames.map(([, c]) => c), longTasks: recording.longTasks, updates: recording.updates };
}

const fps = (f: Frames): number => (f.seconds > 0 ? f.intervals.length / f.seconds : NaN);
const ranks = (values: number[], digits: number, ps: number[]) => ps.map((p) => fixed(percentile(values, p), digits));
/** Vsync slots (1/60 s) that passed without a frame. */
const dropped = (f: Frames): number => f.intervals.reduce((n, i) => n + Math.max(0, Math.round(i / FRAME_MS) - 1), 0);

/** The frame-time table: one row per figure, computed from the recording. */
export const FRAME_MEASURES: Array<Column<Frames>> = [
  { name: "frames / fps", cell: (f) => `${f.count} / ${fixed(fps(f), 1)}` },
  { name: "frame interval p50 / p90 / p99 / max (ms)", cell: (f) => [...ranks(f.intervals, 1, [50, 90, 99]), fixed(max(f.intervals), 1)].join(" / ") },
  { name: "dropped vsync slots (1/60 s with no frame)", cell: (f) => `${dropped(f)} (${fixed((dropped(f) / Math.max(1, Math.round((f.seconds * 1000) / FRAME_MS))) * 100, 1)} % of slots)` },
  // Longer than two vsyncs.
  { name: "frames longer than 33 ms", cell: (f) => f.intervals.filter((i) => i > 2 * FRAME_MS + 0.5).length },
  { name: "main-thread time per frame p50 / p90 / p99 / mean (ms)", cell: (f) => [...ranks(f.costs, 2, [50, 90, 99]), fixed(mean(f.costs), 2)].join(" / ") },
  { name: "long tasks (> 50 ms)", cell: (f) => f.longTasks },
  { name: "scene update alone (`pond:update` marks)", cell: (f) => (f.updates.length ? `p50 ${ranks(f.updates, 2, [50])} / p99 ${ranks(f.updates, 2, [99])} ms` : "not measurable: the client marks none (see below)") },
];
