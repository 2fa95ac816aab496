import { PondConnection, type Pose } from "../../client/net/PondConnection.ts";
import { netSimFromQuery, type NetSimOptions } from "../../client/net/netsim.ts";
import { angleDelta } from "../../shared/angle.ts";
import type { Steer } from "../../shared/input.ts";
import type { TraceFrame } from "./plot.ts";
import { scripts, type Script } from "./swimmers.ts";
import { max, mean, percentile } from "../lib/stats.ts";

/** A list of numbers with the summaries the report needs. */
export class Samples {
  readonly values: number[] = [];
  add(v: number): void { this.values.push(v); }
  get count(): number { return this.values.length; }
  mean(): number { return mean(this.values); }
  max(): number { return max(this.values); }
  /** The q-quantile (0..1), nearest rank. */
  quantile(q: number): number { return percentile(this.values, q * 100); }
}

/**
 * The authoritative path of every tadpole, as seen by a client on a perfect link: on each patch,
 * (server time of the patch, x, y) for each tadpole. Linear between patches is the true path.
 */
export class Truth {
  private readonly paths = new Map<string, { t: number[]; x: number[]; y: number[] }>();

  constructor(readonly conn: PondConnection) {
    conn.room.onStateChange(() => {
      const t = conn.room.clock.lastServerTime();
      if (!(t > 0)) return;
      for (const [id, tadpole] of conn.all) {
        let p = this.paths.get(id);
        if (!p) { p = { t: [], x: [], y: [] }; this.paths.set(id, p); }
        if (p.t.length && p.t[p.t.length - 1] >= t) continue;
        p.t.push(t); p.x.push(tadpole.x); p.y.push(tadpole.y);
      }
    });
  }

  /** Where tadpole `id` truly was at server time `t`; false when `t` is outside what we know. */
  at(id: string, t: number, out: { x: number; y: number }): boolean {
    const p = this.paths.get(id);
    if (!p || p.t.length < 2 || t < p.t[0] || t > p.t[p.t.length - 1]) return false;
    let lo = 0, hi = p.t.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (p.t[mid] <= t) lo = mid; else hi = mid;
    }
    const span = p.t[hi] - p.t[lo];
    const u = span > 0 ? (t - p.t[lo]) / span : 0;
    out.x = p.x[lo] + (p.x[hi] - p.x[lo]) * u;
    out.y = p.y[lo] + (p.y[hi] - p.y[lo]) * u;
    return true;
  }

  /** Server ticks in which a tadpole that was moving did not move (its input arrived late). */
  stalls(id: string): { stalled: number; moving: number } {
    const p = this.paths.get(id);
    let stalled = 0, moving = 0;
    if (!p) return { stalled, moving };
    for (let i = 2; i < p.t.length; i++) {
      const before = Math.hypot(p.x[i - 1] - p.x[i - 2], p.y[i - 1] - p.y[i - 2]);
      const now = Math.hypot(p.x[i] - p.x[i - 1], p.y[i] - p.y[i - 1]);
      if (before > 2) { moving++; if (now === 0) stalled++; }
    }
    return { stalled, moving };
  }
}

export interface LinkSpec {
  name: string;
  /** netsim query, "" for a perfect link. */
  query: string;
}

/** Which swimmer's path to trace for the plot, and over which seconds of the run. */
export interface TraceSpec {
  kind: string;
  from: number;
  to: number;
}

export interface LinkResult {
  link: LinkSpec;
  seconds: number;
  frames: number;
  /** Frames from a steering change to visible motion of our predicted pose. */
  response: Samples;
  responseEvents: { starts: number; turns: number };
  /** |predicted − server| at each acknowledged input (units). */
  predictionError: Samples;
  correctionsPerMinute: number;
  /** |rendered − true path at the render instant| per frame per remote (units). */
  remoteError: Samples;
  /** |Δrendered − Δtrue| per frame per remote (units). */
  remoteJump: Samples;
  /** Frames where a moving remote's rendered position stepped backward along its motion. */
  backwardSteps: number;
  remoteFrames: number;
  /** Share of observer frames with a moving remote extrapolated or held past the newest patch. */
  starvedShare: number;
  delayMs: Samples;
  pingMs: Samples;
  jitterMs: Samples;
  patchesPerSecond: Samples;
  bytesPerSecondDown: Samples;
  /** Server ticks a moving swimmer did not move in (its input had not arrived). */
  serverStalls: { stalled: number; moving: number };
  /** Ticks the server played on a guess for a late input; corrections late inputs made to a guessed path, and their total size (all clients, from /metrics). */
  guesses: { guessed: number; corrected: number; correctedUnits: number };
  /** ms from a swimmer's steering change (start or sharp turn) to the observer drawing it. */
  reaction: Samples;
  /** Reaction events the observer never showed within 2 s (should be 0). */
  reactionMissed: number;
  /** The observer's real round trip (ping/pong), ms. */
  rttMs: Samples;
  /** The traced swimmer, frame by frame (when asked for). */
  trace: TraceFrame[];
}

const FRAME_MS = 1000 / 60;

interface Rider {
  conn: PondConnection;
  script: Script;
  steer: Steer;
  pose: Pose;
  last: Pose;
  /** Pending response measurement: the frame it started and what kind. */
  pending: { frame: number; kind: "start" | "turn"; sign: number } | undefined;
  lastSteer: Steer;
  stableFrames: number;
  /** Pending reaction measurement on the observer: when the steering changed, and what the observer drew then. */
  reaction: { at: number; frames: number; kind: "start" | "turn"; sign: number; x: number; y: number; angle: number; based: boolean } | undefined;
}

/**
 * One link: a truth client on a perfect link, swimmers and an observer through the simulator,
 * `seconds` of 60 fps frames from one timer, then everyone leaves.
 */
export async function runLink(url: string, link: LinkSpec, seconds: number, seed: number, traceSpec?: TraceSpec): Promise<LinkResult> {
  const sim = netSimFromQuery(link.query);
  const simFor = (i: number): NetSimOptions | undefined => (sim ? { ...sim, seed: seed * 101 + i } : undefined);

  const truthConn = await PondConnection.join({ url, name: "truth" });
  const truth = new Truth(truthConn);
  const riders: Rider[] = [];
  const list = scripts();
  for (let i = 0; i < list.length; i++) {
    const conn = await PondConnection.join({ url, name: `swim-${list[i].kind}`, netsim: simFor(i) });
    riders.push({
      conn, script: list[i], steer: { angle: 0, thrust: 0 }, pose: { x: 0, y: 0, angle: 0, speed: 0 },
      last: { x: NaN, y: NaN, angle: NaN, speed: 0 }, pending: undefined, lastSteer: { angle: 0, thrust: 0 }, stableFrames: 0,
      reaction: undefined,
    });
  }
  const observer = await PondConnection.join({ url, name: "observer", netsim: simFor(99) });

  const result: LinkResult = {
    link, seconds, frames: 0,
    response: new Samples(), responseEvents: { starts: 0, turns: 0 },
    predictionError: new Samples(), correctionsPerMinute: 0,
    remoteError: new Samples(), remoteJump: new Samples(), backwardSteps: 0, remoteFrames: 0, starvedShare: 0,
    delayMs: new Samples(), pingMs: new Samples(), jitterMs: new Samples(), patchesPerSecond: new Samples(), bytesPerSecondDown: new Samples(),
    serverStalls: { stalled: 0, moving: 0 }, guesses: { guessed: 0, corrected: 0, correctedUnits: 0 },
    reaction: new Samples(), reactionMissed: 0, rttMs: new Samples(), trace: [],
  };
  for (const r of riders) r.conn.onAck = (_seq, error) => result.predictionError.add(error);

  // Remote tracking state on the observer, per swimmer.
  const prevRendered = new Map<string, { x: number; y: number; angle: number; tx: number; ty: number; ok: boolean }>();
  const rendered: Pose = { x: 0, y: 0, angle: 0, speed: 0 };
  const truePos = { x: 0, y: 0 };
  const idle: Steer = { angle: 0, thrust: 0 };
  const warmupFrames = 60;

  const start = performance.now();
  let frame = 0;
  let starvedAtWarmup = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const t = (now - start) / 1000;
      frame++;
      truthConn.frame(now, idle);

      for (const r of riders) {
        const self = r.conn.self;
        if (!self) { r.conn.frame(now, r.steer); continue; }
        r.lastSteer.angle = r.steer.angle;
        r.lastSteer.thrust = r.steer.thrust;
        r.script.update(t, r.pose, r.steer);
        const state = r.conn.reconciler?.state;
        // A start from rest, or a sharp turn while the heading was steady: time the response.
        if (r.pending === undefined && frame > warmupFrames) {
          const turn = angleDelta(r.lastSteer.angle, r.steer.angle);
          if (r.lastSteer.thrust === 0 && r.steer.thrust > 0 && state && state.speed === 0 && r.stableFrames >= 2) {
            r.pending = { frame, kind: "start", sign: 0 };
            result.responseEvents.starts++;
          } else if (r.steer.thrust > 0 && Math.abs(turn) > 0.3 && r.stableFrames >= 2) {
            r.pending = { frame, kind: "turn", sign: Math.sign(turn) };
            result.responseEvents.turns++;
          }
          // The same steering change, as the observer will see it (timed from this frame).
          if (r.pending !== undefined && r.pending.frame === frame && r.reaction === undefined) {
            r.reaction = { at: now, frames: 0, kind: r.pending.kind, sign: r.pending.sign, x: 0, y: 0, angle: 0, based: false };
          }
        }
        r.conn.frame(now, r.steer);
        r.conn.pose(self, r.pose);
        const moved = r.pose.x !== r.last.x || r.pose.y !== r.last.y;
        const headingStep = Number.isNaN(r.last.angle) ? 0 : angleDelta(r.last.angle, r.pose.angle);
        if (r.pending) {
          const seen = r.pending.kind === "start" ? moved : headingStep * r.pending.sign > 0.02;
          if (seen || frame - r.pending.frame > 30) {
            result.response.add(frame - r.pending.frame);
            r.pending = undefined;
          }
        }
        // Steady: at rest (for starts) or holding a heading (for turns).
        const steady = r.steer.thrust > 0 ? Math.abs(headingStep) < 0.01 : !moved;
        r.stableFrames = steady ? r.stableFrames + 1 : 0;
        r.last.x = r.pose.x; r.last.y = r.pose.y; r.last.angle = r.pose.angle;
      }

      observer.frame(now, idle);
      if (frame === warmupFrames) starvedAtWarmup = observer.remote.starvedFrames;
      const renderAt = observer.remoteRenderTime;
      for (const r of riders) {
        const id = r.conn.sessionId;
        const tadpole = observer.all.get(id);
        if (!tadpole || !Number.isFinite(renderAt) || frame <= warmupFrames) continue;
        observer.pose(tadpole, rendered);
        const known = truth.at(id, renderAt, truePos);
        const prev = prevRendered.get(id);
        if (known) {
          result.remoteError.add(Math.hypot(rendered.x - truePos.x, rendered.y - truePos.y));
          result.remoteFrames++;
          if (prev?.ok) {
            const rdx = rendered.x - prev.x, rdy = rendered.y - prev.y;
            const tdx = truePos.x - prev.tx, tdy = truePos.y - prev.ty;
            result.remoteJump.add(Math.hypot(rdx - tdx, rdy - tdy));
            const tl = Math.hypot(tdx, tdy);
            if (tl > 0.05 && (rdx * tdx + rdy * tdy) / tl < -0.01) {
              result.backwardSteps++;
              if (process.env.BENCH_NET_DEBUG) console.log("backward", r.script.kind, frame, { rdx, rdy, tdx, tdy, renderAt, newest: observer.room.clock.lastServerTime(), track: (observer.remote as any).tracks.get(tadpole) });
            }
          }
        }
        // A's steering change → B's screen: the first frame the observer draws A start or turn.
        const re = r.reaction;
        if (re !== undefined) {
          if (!re.based) {
            // What the observer drew when A changed its steering; only a steady picture can show the change.
            const steady = prev !== undefined && (re.kind === "start"
              ? rendered.x === prev.x && rendered.y === prev.y
              : Math.abs(angleDelta(prev.angle, rendered.angle)) < 0.005);
            if (steady) { re.based = true; re.x = rendered.x; re.y = rendered.y; re.angle = rendered.angle; } else r.reaction = undefined;
          } else {
            re.frames++;
            const seen = re.kind === "start"
              ? Math.hypot(rendered.x - re.x, rendered.y - re.y) > 0.05
              : angleDelta(re.angle, rendered.angle) * re.sign > 0.02;
            if (seen) { result.reaction.add(now - re.at); r.reaction = undefined; }
            else if (re.frames > 120) { result.reactionMissed++; r.reaction = undefined; }
          }
        }
        if (traceSpec !== undefined && r.script.kind === traceSpec.kind && known && t >= traceSpec.from && t <= traceSpec.to) {
          const newest = observer.room.clock.lastServerTime();
          result.trace.push({ t, x: rendered.x, y: rendered.y, tx: truePos.x, ty: truePos.y, starved: renderAt > newest });
        }
        prevRendered.set(id, { x: rendered.x, y: rendered.y, angle: rendered.angle, tx: truePos.x, ty: truePos.y, ok: known });
      }

      if (frame % 60 === 0 && frame > warmupFrames) {
        const s = observer.stats();
        result.delayMs.add(s.interpolationDelayMs);
        result.pingMs.add(s.pingMs);
        if (Number.isFinite(s.rttMs)) result.rttMs.add(s.rttMs);
        result.jitterMs.add(s.jitterMs);
        result.patchesPerSecond.add(s.patchesPerSecond);
        result.bytesPerSecondDown.add(s.bytesPerSecondDown);
      }

      if (now - start >= seconds * 1000) { resolve(); return; }
      const next = start + frame * FRAME_MS;
      setTimeout(tick, Math.max(0, next - performance.now()));
    };
    tick();
  });

  result.frames = frame;
  const corrections = riders.reduce((sum, r) => sum + r.conn.totalCorrections, 0);
  result.correctionsPerMinute = corrections / riders.length / (seconds / 60);
  // Like every other figure, from the end of the first (unmeasured) second.
  result.starvedShare = (observer.remote.starvedFrames - starvedAtWarmup) / Math.max(1, frame - warmupFrames);
  for (const r of riders) {
    const s = truth.stalls(r.conn.sessionId);
    result.serverStalls.stalled += s.stalled;
    result.serverStalls.moving += s.moving;
  }

  await Promise.all([...riders.map((r) => r.conn.leave()), observer.leave(), truthConn.leave()].map((p) => p.catch(() => undefined)));
  return result;
}
