import { Callbacks, Client, type InputHandle, type Room } from "@colyseus/sdk";
import { Predict } from "@colyseus/sdk/predict";
import { TadpoleInput, type Steer } from "../../shared/input.ts";
import { MessageType, type ChatBroadcast, type Notice } from "../../shared/messages.ts";
import { stepTadpole } from "../../shared/movement.ts";
import type { PondState, Tadpole } from "../../shared/state.ts";

/** A rendered pose: where to draw a tadpole this frame. */
export interface Pose {
  x: number;
  y: number;
  angle: number;
  speed: number;
}

export interface JoinOptions {
  /** Server endpoint, e.g. `ws://localhost:2567` or `http://localhost:2567`. */
  url: string;
  name?: string;
  /** Render delay for other tadpoles, ms (default: about two patch intervals). */
  interpolationDelayMs?: number;
}

export interface PondEvents {
  onAdd?(id: string, tadpole: Tadpole): void;
  onRemove?(id: string, tadpole: Tadpole): void;
  onChat?(line: ChatBroadcast): void;
  onNotice?(notice: Notice): void;
  onLeave?(code: number): void;
}

/**
 * The game's network layer, free of any renderer so the browser, bots and tests share it.
 * It joins a pond, sends one steering input per server tick through the SDK's input channel,
 * predicts our own tadpole with the SDK's reconciler stepping the shared movement function, and
 * interpolates everyone else with the SDK's `Predict`.
 *
 * Per frame: `frame(now, steer)` first (it sends the inputs due), then read `pose()`.
 */
export class PondConnection {
  readonly predict: Predict<PondState>;
  readonly input: InputHandle<TadpoleInput>;
  private readonly tadpoles = new Map<string, Tadpole>();
  private own: Tadpole | undefined;
  private readonly unsubscribe: Array<() => void> = [];

  private constructor(readonly room: Room<any, PondState>, events: PondEvents, delayMs: number) {
    this.input = room.input<TadpoleInput>({ type: TadpoleInput });
    this.predict = Predict.get(room, { mode: "lerp", delay: delayMs });
    // Linear fields and the heading are separate groups: the heading lerps the short way round.
    this.unsubscribe.push(
      this.predict.attachAll("tadpoles", { fields: ["x", "y", "speed"], mode: "lerp" }),
      this.predict.attachAll("tadpoles", { fields: ["angle"], mode: "lerp", angle: true }),
    );

    const callbacks = Callbacks.get(room);
    this.unsubscribe.push(
      callbacks.onAdd("tadpoles", (tadpole: Tadpole, id: string) => {
        this.tadpoles.set(id, tadpole);
        if (id === room.sessionId) this.adoptOwn(tadpole);
        events.onAdd?.(id, tadpole);
      }),
      callbacks.onRemove("tadpoles", (tadpole: Tadpole, id: string) => {
        this.tadpoles.delete(id);
        if (id === room.sessionId) this.own = undefined;
        events.onRemove?.(id, tadpole);
      }),
    );
    room.onMessage(MessageType.chat, (line: ChatBroadcast) => events.onChat?.(line));
    room.onMessage(MessageType.notice, (notice: Notice) => events.onNotice?.(notice));
    room.onLeave((code: number) => events.onLeave?.(code));
  }

  static async join(options: JoinOptions, events: PondEvents = {}): Promise<PondConnection> {
    const client = new Client(options.url);
    const room = await client.joinOrCreate<PondState>("pond", { name: options.name });
    return new PondConnection(room, events, options.interpolationDelayMs ?? 100);
  }

  get sessionId(): string {
    return this.room.sessionId;
  }

  /** Our own tadpole's authoritative state, once the server has sent it. */
  get self(): Tadpole | undefined {
    return this.own;
  }

  /** Every tadpole this client knows of, keyed by session id (ours included). */
  get all(): ReadonlyMap<string, Tadpole> {
    return this.tadpoles;
  }

  /** Advances prediction and sends the inputs due this frame. Call once per frame, before reading poses. */
  frame(now: number, steer: Steer): number {
    const due = this.predict.tick(now);
    const data = this.input.data;
    for (let i = 0; i < due; i++) {
      data.angle = steer.angle;
      data.thrust = steer.thrust;
      this.input.send();
    }
    return due;
  }

  /** Where to draw `tadpole` now: predicted for ours, interpolated for the others. Writes into `out`. */
  pose(tadpole: Tadpole, out: Pose): Pose {
    out.x = this.predict.value(tadpole, "x");
    out.y = this.predict.value(tadpole, "y");
    out.angle = this.predict.value(tadpole, "angle");
    out.speed = this.predict.value(tadpole, "speed");
    return out;
  }

  say(text: string): void {
    this.room.send(MessageType.chat, { text });
  }

  rename(name: string): void {
    this.room.send(MessageType.name, { name });
  }

  async leave(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    this.predict.dispose();
    await this.room.leave(true);
  }

  private adoptOwn(tadpole: Tadpole): void {
    this.own = tadpole;
    this.predict.reconciler(tadpole, {
      input: this.input,
      fields: ["x", "y", "angle", "speed"],
      step: (ctx, state, command) => stepTadpole(state, command, ctx.dt),
    });
  }
}
