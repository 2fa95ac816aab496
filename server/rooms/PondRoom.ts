import { Room, type Client, type StepContext } from "@colyseus/core";
import { DEFAULT_NAME, DEFAULT_TICK_RATE, HUE_COUNT, SPAWN_RADIUS } from "../../shared/constants.ts";
import { TadpoleInput } from "../../shared/input.ts";
import { MessageType, parseChat, parseName, type ChatBroadcast, type Notice } from "../../shared/messages.ts";
import { spawnPoint, stepTadpole } from "../../shared/movement.ts";
import { PondState, Tadpole } from "../../shared/state.ts";
import { TokenBucket } from "./tokenBucket.ts";

export interface PondOptions {
  tickRate?: number;
  maxPlayers?: number;
}

/** Close code for a client that keeps sending messages we cannot use. */
export const CLOSE_INVALID_INPUT = 4400;

/**
 * A client may bank this many fixed steps: enough to catch up after a burst of jitter
 * (inputs arriving two at a time), never enough to swim faster than the rules for long.
 */
const MAX_STEP_CREDIT = 4;
const CHAT_BURST = 5;
const CHAT_PER_SECOND = 0.5;
const INVALID_BURST = 20;
const INVALID_PER_SECOND = 2;

/** Server-only bookkeeping per connected tadpole. */
interface Swimmer {
  tadpole: Tadpole;
  stepCredit: number;
  chat: TokenBucket;
  invalid: TokenBucket;
}

/** Counters an operator reads (see the metrics endpoint). */
export interface PondCounters {
  droppedMessages: number;
  chatLines: number;
}

/**
 * One pond: every tadpole in it, simulated at a fixed tick from the inputs its owner sends.
 * Clients steer; only this room moves tadpoles.
 */
export class PondRoom extends Room<{ state: PondState; input: TadpoleInput }> {
  override state = new PondState();
  override inputs = this.defineInput(TadpoleInput);

  readonly counters: PondCounters = { droppedMessages: 0, chatLines: 0 };
  private readonly swimmers = new Map<string, Swimmer>();

  override onCreate(options: PondOptions = {}): void {
    const tickRate = options.tickRate ?? DEFAULT_TICK_RATE;
    this.maxClients = options.maxPlayers ?? this.maxClients;
    this.setFixedTimestep((ctx) => this.step(ctx), tickRate);
    // Re-arm the patch timer after the simulation timer with the same period, so each
    // patch carries exactly the tick that ran just before it.
    this.patchRate = 1000 / tickRate;

    this.onMessage(MessageType.chat, (client, payload: unknown) => this.onChat(client, payload));
    this.onMessage(MessageType.name, (client, payload: unknown) => this.onName(client, payload));
    this.onMessage("*", (client) => this.reject(client));
  }

  override onJoin(client: Client, options?: { name?: unknown }): void {
    const tadpole = new Tadpole();
    spawnPoint(Math.random(), Math.random(), SPAWN_RADIUS, tadpole);
    tadpole.name = parseName({ name: options?.name }) ?? DEFAULT_NAME;
    tadpole.hue = Math.floor(Math.random() * HUE_COUNT);
    const now = Date.now();
    this.swimmers.set(client.sessionId, {
      tadpole,
      stepCredit: 1,
      chat: new TokenBucket(CHAT_BURST, CHAT_PER_SECOND, now),
      invalid: new TokenBucket(INVALID_BURST, INVALID_PER_SECOND, now),
    });
    this.state.tadpoles.set(client.sessionId, tadpole);
  }

  override onLeave(client: Client): void {
    this.swimmers.delete(client.sessionId);
    this.state.tadpoles.delete(client.sessionId);
  }

  /** One fixed step: each tadpole integrates its owner's inputs, at most its banked credit. */
  private step(ctx: StepContext): void {
    for (const [sessionId, swimmer] of this.swimmers) {
      swimmer.stepCredit = Math.min(MAX_STEP_CREDIT, swimmer.stepCredit + 1);
      const inputs = this.inputs.get(sessionId);
      while (swimmer.stepCredit >= 1) {
        const input = inputs.next();
        if (input === undefined) break;
        stepTadpole(swimmer.tadpole, input, ctx.dt);
        swimmer.stepCredit -= 1;
      }
    }
  }

  private onChat(client: Client, payload: unknown): void {
    const swimmer = this.swimmers.get(client.sessionId);
    if (!swimmer) return;
    const intent = parseChat(payload);
    if (intent === null) return this.reject(client);
    if (intent.kind === "rename") {
      swimmer.tadpole.name = intent.name;
      return;
    }
    if (!swimmer.chat.take(Date.now())) {
      const notice: Notice = { code: "chat_throttled", text: "You are chatting too fast; wait a moment." };
      client.send(MessageType.notice, notice);
      return;
    }
    this.counters.chatLines++;
    const line: ChatBroadcast = { id: client.sessionId, text: intent.text };
    this.broadcast(MessageType.chat, line);
  }

  private onName(client: Client, payload: unknown): void {
    const swimmer = this.swimmers.get(client.sessionId);
    if (!swimmer) return;
    const name = parseName(payload);
    if (name === null) return this.reject(client);
    swimmer.tadpole.name = name;
  }

  /** Drops a message we cannot use; a client that keeps sending them is disconnected. */
  private reject(client: Client): void {
    this.counters.droppedMessages++;
    const swimmer = this.swimmers.get(client.sessionId);
    if (swimmer && !swimmer.invalid.take(Date.now())) client.leave(CLOSE_INVALID_INPUT);
  }
}
