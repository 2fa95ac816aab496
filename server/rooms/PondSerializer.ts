import { ClientState, Protocol, ProtocolModifier, type Client, type ClientPrivate, type Serializer } from "@colyseus/core";
import { $changes, Encoder, Reflection } from "@colyseus/schema";
import { POND_SERIALIZER_ID } from "../../shared/protocol.ts";
import { varintSize, writeVarintAt } from "../../shared/stream/bytes.ts";
import type { PondState } from "../../shared/state.ts";
import type { Member, Pond } from "../sim/Pond.ts";

/** What rides on each client's patch after the schema bytes (the position stream). */
export interface PatchTail {
  /** Once per patch, before any client's tail: encode what is shared by all. */
  prepare(): void;
  /** This client's bytes for this patch (a view valid until the next call). */
  tailFor(client: Client): Uint8Array;
  /** The client was just sent a full state (join, reconnect): its next tail starts afresh. */
  resync(client: Client): void;
}

/** The per-tick timing Colyseus hands a serializer (not exported by name). */
type PatchTimingContext = NonNullable<Parameters<Serializer<PondState>["applyPatches"]>[2]>;

/**
 * The tail a Pond gives each client (its position stream), for a room or a benchmark that knows
 * which member a client's session id is.
 */
export function pondTail<E extends object>(pond: Pond<E>, memberOf: (sessionId: string) => Member<E> | undefined): PatchTail {
  return {
    prepare: () => pond.encodeStream(),
    tailFor: (client) => pond.tailFor(memberOf(client.sessionId)),
    resync: (client) => {
      const member = memberOf(client.sessionId);
      if (member !== undefined) pond.resync(member);
    },
  };
}

/** [code|TIMED][u32 sNow][u32 inputSeq], as Colyseus's SchemaSerializer writes it (u32s little-endian). */
const TIMED_PREFIX = 1 + 8;
const EMPTY = new Uint8Array(0);

/**
 * The state serializer of the pond (Colyseus's `Serializer` extension point): the schema state,
 * delta-encoded once per tick for everyone (it holds only identities, which every client gets),
 * plus a per-client tail on every patch.
 *
 *   ROOM_STATE        [ROOM_STATE|TIMED][sNow][inputSeq][schema full state]          (as Colyseus sends it)
 *   ROOM_STATE_PATCH  [ROOM_STATE_PATCH|TIMED][sNow][inputSeq][varint n][n schema bytes][tail]
 *
 * Every joined client gets a patch every tick (Colyseus sends timing heartbeats anyway), so the
 * tail, the position stream, is continuous. The client registers the matching decoder under
 * the same id (client/net/streamSerializer.ts). See docs/protocol.md.
 */
export class PondSerializer implements Serializer<PondState> {
  readonly id = POND_SERIALIZER_ID;
  private encoder!: Encoder<PondState>;
  private handshakeCache: Uint8Array | undefined;
  private readonly fullBuffer = new Uint8Array(Encoder.BUFFER_SIZE);
  /** The full state's body, until the state changes (a crowd joining at once shares it). */
  private fullCache: Uint8Array | undefined;

  constructor(private readonly tail: PatchTail) {}

  reset(state: PondState): void {
    // Assigning a schema state makes the Room build its own SchemaSerializer, whose Encoder has
    // already rooted the state; a second Root would hand out clashing refIds, so share it.
    this.encoder = new Encoder(state, state[$changes]?.root);
    if (this.encoder.context.hasFilters) throw new Error("PondSerializer encodes the state once for everyone: no .view() fields");
    this.handshakeCache = undefined;
    this.fullCache = undefined;
  }

  handshake(): Uint8Array {
    return this.handshakeCache ??= Reflection.encode(this.encoder);
  }

  getFullState(client?: Client, timing?: PatchTimingContext): Uint8Array {
    if (this.fullCache === undefined || this.encoder.root.changes.next !== undefined) {
      this.fullBuffer[0] = Protocol.ROOM_STATE;
      this.fullCache = this.encoder.encodeAll({ offset: 1 }, this.fullBuffer);
    }
    const body = this.fullCache;
    if (client !== undefined) this.tail.resync(client);
    if (!timing || !client) return body;
    return frame(Protocol.ROOM_STATE, timing.sNow, ackOf(client), body.subarray(1), EMPTY, false);
  }

  applyPatches(clients: Client[], _state: PondState, timing?: PatchTimingContext): boolean {
    const encoder = this.encoder;
    const changed = encoder.hasChanges;
    if (changed) this.fullCache = undefined;
    if (clients.length === 0) {
      encoder.discardChanges();
      return false;
    }
    this.tail.prepare();
    const sNow = timing?.sNow ?? 0;
    encoder.sharedBuffer[0] = Protocol.ROOM_STATE_PATCH;
    const body = changed ? encoder.encode({ offset: 1 }) : encoder.sharedBuffer.subarray(0, 1);
    const schema = body.subarray(1);
    for (let i = 0; i < clients.length; i++) {
      const client = clients[i];
      if (client.state !== ClientState.JOINED) continue;
      client.raw(frame(Protocol.ROOM_STATE_PATCH, sNow, ackOf(client), schema, this.tail.tailFor(client), true));
    }
    encoder.discardChanges();
    return changed;
  }
}

/** The last input the server consumed for this client: the reconciliation ack (SchemaSerializer reads the same). */
function ackOf(client: Client): number {
  return (client as Client & ClientPrivate)._inputBuffer?.ackSeq ?? 0;
}

/** One client's frame, in a buffer of its own: the transport may hold it after we return. */
function frame(code: number, sNow: number, ack: number, schema: Uint8Array, tail: Uint8Array, lengthPrefixed: boolean): Buffer {
  const lengthBytes = lengthPrefixed ? varintSize(schema.length) : 0;
  const out = Buffer.allocUnsafe(TIMED_PREFIX + lengthBytes + schema.length + tail.length);
  out[0] = code | ProtocolModifier.TIMED;
  out.writeUInt32LE(sNow >>> 0, 1);
  out.writeUInt32LE(ack >>> 0, 5);
  const at = lengthPrefixed ? writeVarintAt(out, TIMED_PREFIX, schema.length) : TIMED_PREFIX;
  out.set(schema, at);
  out.set(tail, at + schema.length);
  return out;
}
