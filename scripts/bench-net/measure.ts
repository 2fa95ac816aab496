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

  /** Server ticks in which one of the tadpoles `ids` was moving and did not move (its input arrived late). */
  stalls(ids: string[]): { stalled: number; moving: number } {
    let stalled = 0, moving = 0;
    for (const id of ids) {
      const p = this.paths.get(id);
      if (!p) continue;
      for (let i = 2; i < p.t.length; i++) {
        const before = Math.hypot(p.x[i - 1] - p.x[i - 2], p.y[i - 1] - p.y[i - 2]);
        const now = Math.hypot(p.x[i] - p.x[i - 1], p.y[i] - p.y[i - 1]);
        if (before > 2) { moving++; if (now === 0) stalled++; }
      }
    }
    return { stalled, moving };
  }
}

export interface LinkSpec {
  /** What --links calls it, and what the report does. */
  name: string;
  label: string;
  /** netsim query, "" for a perfect link. */
  query: string;
}

/** Which swimmer's path to trace for the plot, and over which seconds of the run. */
export interface TraceSpec {
  kind: string;
  from: number;
  to: number;
}

/** A link's figures, empty: runLink fills them in frame by frame (and bench-net.ts the guesses). */
function emptyResult(link: LinkSpec) {
  return {
    link,
    /** Frames from a steering change to visible motion of our predicted pose. */
    response: new Samples(),
    responseEvents: { starts: 0, turns: 0 },
    /** |predicted − server| at each acknowledged input (units). */
    predictionError: new Samples(),
    correctionsPerMinute: 0,
    /** |rendered − true path at the render instant| per frame per remote (units). */
    remoteError: new Samples(),
    /** |Δrendered − Δtrue| per frame per remote (units). */
    remoteJump: new Samples(),
    /** Frames where a moving remote's rendered position stepped backward along its motion. */
    backwardSteps: 0,
    remoteFrames: 0,
    /** Share of observer frames with a moving remote extrapolated or held past the newest patch. */
    starvedShare: 0,
    delayMs: new Samples(), pingMs: new Samples(), jitterMs: new Samples(), patchesPerSecond: new Samples(), bytesPerSecondDown: new Samples(),
    /** Server ticks a moving swimmer did not move in (its input had not arrived). */
    serverStalls: { stalled: 0, moving: 0 },
    /** Ticks the server played on a guess for a late input; corrections late inputs made to a guessed path, and their total size (all clients, from /metrics). */
    guesses: { guessed: 0, corrected: 0, correctedUnits: 0 },
    /** ms from a swimmer's steering change (start or sharp turn) to the observer drawing it. */
    reaction: new Samples(),
    /** Reaction events the observer never showed within 2 s (should be 0). */
    reactionMissed: 0,
    /** The observer's real round trip (ping/pong), ms. */
    rttMs: new Samples(),
    /** The traced swimmer, frame by frame (when asked for). */
    trace: [] as TraceFrame[],
  };
}

export type LinkResult = ReturnType<typeof emptyResult>;

const FRAME_MS = 1000 / 60;

/** A scripted swimmer: its connection, its steering and predicted pose, and what is being timed. */
function newRider(conn: PondConnection, script: Script) {
  return {
    conn, script, steer: { angle: 0, thrust: 0 }, pose: { x: 0, y: 0, angle: 0, speed: 0 },
    last: { x: NaN, y: NaN, angle: NaN, speed: 0 }, stableFrames: 0,
    /** Pending response measurement: the frame it started and what kind. */
    pending: undefined as { frame: number; kind: "start" | "turn"; sign: number } | undefined,
    /** Pending reaction measurement on the observer: when the steering changed, and (once taken) what the observer drew then. */
    reaction: undefined as { at: number; frames: number; kind: "start" | "turn"; sign: number; base?: { x: number; y: number; angle: number } } | undefined,
  };
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
  const riders: ReturnType<typeof newRider>[] = [];
  for (const [i, script] of scripts().entries()) {
    riders.push(newRider(await PondConnection.join({ url, name: `swim-${script.kind}`, netsim: simFor(i) }), script));
  }
  const observer = await PondConnection.join({ url, name: "observer", netsim: simFor(99) });

  const result = emptyResult(link);
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
        const lastSteer = { ...r.steer };
        r.script.update(t, r.pose, r.steer);
        // A start from rest, or a sharp turn while the heading was steady: time the response.
        if (r.pending === undefined && frame > warmupFrames && r.steer.thrust > 0 && r.stableFrames >= 2) {
          const turn = angleDelta(lastSteer.angle, r.steer.angle);
          const kind = lastSteer.thrust === 0 && r.conn.reconciler?.state.speed === 0 ? "start" : Math.abs(turn) > 0.3 ? "turn" : undefined;
          if (kind !== undefined) {
            r.pending = { frame, kind, sign: kind === "turn" ? Math.sign(turn) : 0 };
            result.responseEvents[kind === "start" ? "starts" : "turns"]++;
            // The same steering change, as the observer will see it (timed from this frame).
            r.reaction ??= { at: now, frames: 0, kind, sign: r.pending.sign };
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
            if (tl > 0.05 && (rdx * tdx + rdy * tdy) / tl < -0.01) result.backwardSteps++;
          }
        }
        // A's steering change → B's screen: the first frame the observer draws A start or turn.
        const re = r.reaction;
        if (re !== undefined) {
          if (re.base === undefined) {
            // What the observer drew when A changed its steering; only a steady picture can show the change.
            const steady = prev !== undefined && (re.kind === "start"
              ? rendered.x === prev.x && rendered.y === prev.y
              : Math.abs(angleDelta(prev.angle, rendered.angle)) < 0.005);
            if (steady) re.base = { x: rendered.x, y: rendered.y, angle: rendered.angle }; else r.reaction = undefined;
          } else {
            re.frames++;
            const seen = re.kind === "start"
              ? Math.hypot(rendered.x - re.base.x, rendered.y - re.base.y) > 0.05
              : angleDelta(re.base.angle, rendered.angle) * re.sign > 0.02;
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

  const corrections = riders.reduce((sum, r) => sum + r.conn.totalCorrections, 0);
  result.correctionsPerMinute = corrections / riders.length / (seconds / 60);
  // Like every other figure, from the end of the first (unmeasured) second.
  result.starvedShare = (observer.remote.starvedFrames - starvedAtWarmup) / Math.max(1, frame - warmupFrames);
  result.serverStalls = truth.stalls(riders.map((r) => r.conn.sessionId));

  await Promise.all([...riders.map((r) => r.conn.leave()), observer.leave(), truthConn.leave()].map((p) => p.catch(() => undefined)));
  return result;
}
