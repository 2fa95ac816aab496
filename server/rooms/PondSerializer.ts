import { ClientState, Protocol, ProtocolModifier, type Client, type Serializer } from "@colyseus/core";
import { inputAckOf } from "../colyseusHooks.ts";
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
  /** Once per patch, after every client's tail (or instead of them, when nobody is connected). */
  finish(): void;
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
    finish: () => pond.endStream(),
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
 * After a join (or a reconnection), every patch that changes the state keeps a snapshot of it for
 * this many patches (2 s at 20 Hz): a crowd joining shares one full encode per tick, while a
 * pond nobody joins encodes nothing.
 */
const WARM_PATCHES = 40;

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
  private fullBuffer: Uint8Array = new Uint8Array(Encoder.BUFFER_SIZE);
  /**
   * The full state as of the last patch ([ROOM_STATE][schema]), shared by every client that
   * joins before the next one: undefined when the state changed at a patch that did not encode it.
   */
  private snapshot: Uint8Array | undefined;
  /** Patches sent so far, and the last one after which a snapshot is still encoded at every change. */
  private patchCount = 0;
  private warmUntil = -1;
  /** Full encodes of the state so far (snapshots and stopgaps; tests and tools). */
  fullEncodes = 0;

  constructor(private readonly tail: PatchTail) {}

  reset(state: PondState): void {
    // Assigning a schema state makes the Room build its own SchemaSerializer, whose Encoder has
    // already rooted the state; a second Root would hand out clashing refIds, so share it.
    this.encoder = new Encoder(state, state[$changes]?.root);
    if (this.encoder.context.hasFilters) throw new Error("PondSerializer encodes the state once for everyone: no .view() fields");
    this.handshakeCache = undefined;
    this.snapshot = undefined;
  }

  handshake(): Uint8Array {
    return this.handshakeCache ??= Reflection.encode(this.encoder);
  }

  /**
   * A client's full state (join, reconnect): the state as of the last patch, encoded at most once
   * per tick and shared by everyone who joins before the next patch. The next patch carries
   * exactly the changes since then, so it applies on top of it as on everyone else's state: a
   * crowd joining at once costs one full encode per tick, not one per join.
   *
   * Only when no snapshot was kept (no join for a while, see `joining`) and the state has changed
   * since the last patch is it the state as it is now, as Colyseus does (and kept for the rest of
   * the tick): the next patch then repeats some of what the client already holds, which the
   * schema decoder applies idempotently (an entry it has, the value it has, a removal of an entry
   * it never had).
   */
  getFullState(client?: Client, timing?: PatchTimingContext): Uint8Array {
    this.warmUntil = this.patchCount + WARM_PATCHES;
    const body = this.snapshot ??= this.encodeFull();
    if (client !== undefined) this.tail.resync(client);
    if (!timing || !client) return body;
    return frame(Protocol.ROOM_STATE, timing.sNow, inputAckOf(client), body.subarray(1), EMPTY, false);
  }

  /**
   * A client is joining (or reconnecting) and will ask for its full state once its socket
   * acknowledges the join: called before the join changes the state, so that, if no snapshot of
   * the last patch's state is kept yet, the state still is that and can be encoded now; and from
   * now on for a while every patch that changes the state keeps one.
   */
  joining(): void {
    this.warmUntil = this.patchCount + WARM_PATCHES;
    if (this.snapshot === undefined && this.encoder !== undefined && this.encoder.root.changes.next === undefined) this.snapshot = this.encodeFull();
  }

  applyPatches(clients: Client[], _state: PondState, timing?: PatchTimingContext): boolean {
    const encoder = this.encoder;
    const changed = encoder.hasChanges;
    if (changed) this.snapshot = undefined;
    if (clients.length === 0) {
      encoder.discardChanges();
      this.tail.finish();
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
      client.raw(frame(Protocol.ROOM_STATE_PATCH, sNow, inputAckOf(client), schema, this.tail.tailFor(client), true));
    }
    this.tail.finish();
    encoder.discardChanges();
    // The state every client now holds: joiners until the next patch start from it.
    if (this.snapshot === undefined && this.patchCount <= this.warmUntil) this.snapshot = this.encodeFull();
    this.patchCount++;
    return changed;
  }

  /** [ROOM_STATE][the whole state], as it is now (a view of a buffer reused by the next call). */
  private encodeFull(): Uint8Array {
    this.fullBuffer[0] = Protocol.ROOM_STATE;
    const body = this.encoder.encodeAll({ offset: 1 }, this.fullBuffer);
    // The encoder moves to a larger buffer when the state outgrows this one: keep that one.
    if (body.buffer !== this.fullBuffer.buffer) this.fullBuffer = new Uint8Array(body.buffer);
    this.fullEncodes++;
    return body;
  }
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
