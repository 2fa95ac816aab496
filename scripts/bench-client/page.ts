/**
 * In-page instrumentation for the client benchmark, added from the outside (an init script that
 * runs before the game's own code; nothing in client/ changes):
 *
 * - every requestAnimationFrame callback is timed, grouped by the frame's timestamp, so each
 *   frame yields its interval since the previous frame AND the main-thread time its callbacks
 *   took (Phaser's game step: the scene's update plus the renderer building and submitting
 *   WebGL commands);
 * - long tasks (> 50 ms) are counted through PerformanceObserver;
 * - `performance.measure` entries named `pond:update` are collected, should the client ever
 *   mark its own update (it does not today; see docs/benchmarks/client.md).
 *
 * Written as a plain string: the page must not depend on how this file was transpiled.
 */
import { max, mean, percentile } from "../lib/stats.ts";

export const INSTRUMENT = `(() => {
  const raf = window.requestAnimationFrame.bind(window);
  const state = { recording: false, frames: [], current: -1, cost: 0, longTasks: 0, longTaskMs: 0, updates: [] };
  Object.defineProperty(window, "__benchFrames", { value: state, configurable: true });
  function close() {
    if (state.current >= 0 && state.recording) state.frames.push([state.current, state.cost]);
  }
  window.requestAnimationFrame = function (callback) {
    return raf(function (t) {
      if (t !== state.current) { close(); state.current = t; state.cost = 0; }
      const start = performance.now();
      try { callback(t); } finally { state.cost += performance.now() - start; }
    });
  };
  try {
    new PerformanceObserver(function (list) {
      if (!state.recording) return;
      for (const e of list.getEntries()) { state.longTasks++; state.longTaskMs += e.duration; }
    }).observe({ type: "longtask", buffered: false });
  } catch (e) {}
  try {
    new PerformanceObserver(function (list) {
      if (!state.recording) return;
      for (const e of list.getEntries()) if (e.name === "pond:update") state.updates.push(e.duration);
    }).observe({ type: "measure", buffered: false });
  } catch (e) {}
})();`;

/** Starts recording (drops anything recorded before). */
export const START = `(() => { const s = window.__benchFrames; s.frames.length = 0; s.updates.length = 0; s.longTasks = 0; s.longTaskMs = 0; s.current = -1; s.recording = true; return true; })()`;

/** Stops recording and returns [timestamp, callbackCostMs] per frame, plus the long tasks. */
export const STOP = `(() => { const s = window.__benchFrames; s.recording = false; return { frames: s.frames.slice(), longTasks: s.longTasks, longTaskMs: s.longTaskMs, updates: s.updates.slice() }; })()`;

export interface Recording {
  frames: Array<[number, number]>;
  longTasks: number;
  longTaskMs: number;
  updates: number[];
}

/** The WebGL renderer string the page gets (shows SwiftShader when rendering is in software). */
export const RENDERER = `(() => {
  const c = document.createElement("canvas");
  const gl = c.getContext("webgl2") || c.getContext("webgl");
  if (!gl) return "no WebGL";
  const info = gl.getExtension("WEBGL_debug_renderer_info");
  return String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
})()`;

export const FRAME_MS = 1000 / 60;

export interface FrameSummary {
  frames: number;
  seconds: number;
  fps: number;
  intervalP50: number;
  intervalP90: number;
  intervalP99: number;
  intervalMax: number;
  /** Vsync slots (1/60 s) that passed without a frame. */
  dropped: number;
  droppedShare: number;
  /** Frames that took longer than two vsyncs (> 33.3 ms). */
  slowFrames: number;
  costP50: number;
  costP90: number;
  costP99: number;
  costMean: number;
  longTasks: number;
  updateP50: number | undefined;
  updateP99: number | undefined;
}

export function summarize(recording: Recording): FrameSummary {
  const stamps = recording.frames.map(([t]) => t);
  const costs = recording.frames.map(([, c]) => c);
  const intervals: number[] = [];
  for (let i = 1; i < stamps.length; i++) intervals.push(stamps[i] - stamps[i - 1]);
  const seconds = stamps.length > 1 ? (stamps[stamps.length - 1] - stamps[0]) / 1000 : 0;
  let dropped = 0;
  for (const d of intervals) dropped += Math.max(0, Math.round(d / FRAME_MS) - 1);
  const slots = Math.max(1, Math.round((seconds * 1000) / FRAME_MS));
  return {
    frames: stamps.length,
    seconds,
    fps: seconds > 0 ? intervals.length / seconds : NaN,
    intervalP50: percentile(intervals, 50),
    intervalP90: percentile(intervals, 90),
    intervalP99: percentile(intervals, 99),
    intervalMax: max(intervals),
    dropped,
    droppedShare: dropped / slots,
    slowFrames: intervals.filter((d) => d > 2 * FRAME_MS + 0.5).length,
    costP50: percentile(costs, 50),
    costP90: percentile(costs, 90),
    costP99: percentile(costs, 99),
    costMean: mean(costs),
    longTasks: recording.longTasks,
    updateP50: recording.updates.length ? percentile(recording.updates, 50) : undefined,
    updateP99: recording.updates.length ? percentile(recording.updates, 99) : undefined,
  };
}
