import { Reconciler } from "@colyseus/sdk/predict";
import { OwnView } from "../../../client/net/own.ts";
import { ANGLE_GRID, THRUST_GRID } from "../../../shared/grids.ts";
import type { Steer } from "../../../shared/input.ts";
import { stepTadpole } from "../../../shared/movement.ts";
import { snap } from "../../../shared/quantize.ts";
import { OwnBody } from "../../../shared/state.ts";

/**
 * The parts of the SDK's input handle the Reconciler reads: a send counter, the server's ack,
 * a replay ring of what was sent (as the server decodes it: wire-quantized) and send listeners.
 */
export class FakeInput {
  readonly data = { angle: 0, thrust: 0 };
  sentCount = 0;
  lastProcessed = 0;
  epoch = 0;
  readonly stepMs = 50;
  readonly stepSeconds = 1 / 20;
  readonly subSteps = 1;
  readonly patchRate = 50;
  readonly replayBufferSize = 128;
  private readonly ring: Steer[] = Array.from({ length: 128 }, () => ({ angle: 0, thrust: 0 }));
  private listeners: Array<(seq: number) => void> = [];

  send(): number {
    const seq = ++this.sentCount;
    const slot = this.ring[seq % 128];
    slot.angle = snap(ANGLE_GRID, this.data.angle);
    slot.thrust = snap(THRUST_GRID, this.data.thrust);
    for (const l of this.listeners) l(seq);
    return seq;
  }

  at(seq: number): Steer | undefined {
    return seq > 0 && seq <= this.sentCount && this.sentCount - seq < 128 ? this.ring[seq % 128] : undefined;
  }

  onSend(listener: (seq: number) => void): () => void {
    this.listeners.push(listener);
    return () => { this.listeners = this.listeners.filter((l) => l !== listener); };
  }

  reckonTimeAt(): number { return 0; }
  get pendingCount(): number { return this.sentCount - this.lastProcessed; }
}

/**
 * An authoritative server for one tadpole, as PondRoom runs it: inputs queue up after an uplink
 * delay (in ticks), each tick applies at most one (the shared step), and a patch (the state
 * plus the ack) reaches the client after a downlink delay. The client side is the real SDK
 * Reconciler stepping the shared movement, and our OwnView drawing it, driven in the same order
 * as PondConnection.frame().
 */
export class FakePond {
  readonly input = new FakeInput();
  /** The client's copy of its own body (what PondConnection fills from the stream's exact self section). */
  readonly decoded = new OwnBody();
  /** The server's body (the same quantized grids). */
  readonly server = new OwnBody();
  readonly recon: Reconciler<OwnBody, Steer>;
  readonly view = new OwnView({ smoothMs: 100, snap: 200 });
  /** Predicted state right after each input was stepped, by seq. */
  readonly predicted = new Map<number, { x: number; y: number; angle: number; speed: number }>();
  corrections = 0;
  private readonly inFlight: Array<{ arrive: number; steer: Steer }> = [];
  private readonly queue: Steer[] = [];
  private readonly patches: Array<{ arrive: number; x: number; y: number; angle: number; speed: number; ack: number }> = [];
  private consumed = 0;
  tick = 0;

  constructor(readonly upTicks = 2, readonly downTicks = 2, clientStep: (s: OwnBody, c: Steer, dt: number) => void = stepTadpole) {
    for (const t of [this.decoded, this.server]) { t.x = 10; t.y = -20; t.angle = 1; t.speed = 0; }
    this.recon = new Reconciler<OwnBody, Steer>(this.decoded, {
      input: this.input as never,
      fields: ["x", "y", "angle", "speed"],
      step: (ctx, state, command) => clientStep(state, command, ctx.dt),
      smoothMs: 100,
      snap: 200,
    });
  }

  /** One client frame at time `now` in which `steps` inputs are due (PondConnection.frame's order). */
  frame(now: number, steer: Steer, steps: number): { x: number; y: number; angle: number; speed: number } {
    const r = this.recon;
    this.deliverPatches();
    this.view.capture(r.state, r.reconcileSeq);
    r.tick(now);
    if (this.view.reconciled(r.state, r.reconcileSeq) > 0.01) this.corrections++;
    for (let i = 0; i < steps; i++) {
      this.input.data.angle = steer.angle;
      this.input.data.thrust = steer.thrust;
      const seq = this.input.send();
      this.predicted.set(seq, { x: r.state.x, y: r.state.y, angle: r.state.angle, speed: r.state.speed });
      this.inFlight.push({ arrive: this.tick + this.upTicks, steer: { ...this.input.at(seq)! } });
    }
    return this.view.present(now, r.state, steer, steps, 50);
  }

  /** One server tick: receive inputs due, apply one, send a patch. */
  serverTick(nudge?: (t: OwnBody) => void): void {
    this.tick++;
    while (this.inFlight.length && this.inFlight[0].arrive <= this.tick) this.queue.push(this.inFlight.shift()!.steer);
    const next = this.queue.shift();
    if (next) { stepTadpole(this.server, next, 1 / 20); this.consumed++; }
    nudge?.(this.server);
    const s = this.server;
    this.patches.push({ arrive: this.tick + this.downTicks, x: s.x, y: s.y, angle: s.angle, speed: s.speed, ack: this.consumed });
  }

  private deliverPatches(): void {
    while (this.patches.length && this.patches[0].arrive <= this.tick) {
      const p = this.patches.shift()!;
      this.decoded.x = p.x; this.decoded.y = p.y; this.decoded.angle = p.angle; this.decoded.speed = p.speed;
      this.input.lastProcessed = p.ack;
    }
  }
}
