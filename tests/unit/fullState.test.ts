import { ClientState, type Client } from "@colyseus/core";
import { Reflection, type Decoder } from "@colyseus/schema";
import { describe, expect, it } from "vitest";
import { PondSerializer, type PatchTail } from "../../server/rooms/PondSerializer.ts";
import { createRng, type Rng } from "../../shared/rng.ts";
import { PondState, Tadpole } from "../../shared/state.ts";
import { ByteReader } from "../../shared/stream/bytes.ts";

/**
 * The full state a client joins with (PondSerializer.getFullState) against the patches that
 * follow it, at the schema level and without sockets: the server's own serializer, stand-in
 * clients that decode what they are handed with a reflected decoder (as the SDK does), and a
 * state that changes between every two patches (joins, leaves, renames, away and idle flags)
 * while crowds of clients join within one tick. After every patch, every joined client must
 * hold exactly the server's state: nothing missed, nothing applied twice.
 */

const SEED = Number(process.env.FULL_STATE_SEED ?? 20261201);
/** [code|TIMED][u32 sNow][u32 inputSeq] before every state frame's body. */
const TIMED_PREFIX = 9;

/** The stream tail is not under test here: an empty stream frame for everyone. */
const noTail: PatchTail = { prepare: () => {}, tailFor: () => Uint8Array.of(0, 0), resync: () => {}, finish: () => {} };

interface Peer {
  client: Client & { state: ClientState };
  decoder: Decoder<PondState> | undefined;
  /** Full states it was handed (join, reconnect). */
  fullStates: number;
  frames: Uint8Array[];
}

function plain(state: PondState): Record<string, object> {
  const out: Record<string, object> = {};
  for (const [key, t] of state.tadpoles) out[key] = { id: t.id, name: t.name, hue: t.hue, away: t.away ?? false, idle: t.idle ?? false };
  return out;
}

class World {
  readonly state = new PondState();
  readonly serializer = new PondSerializer(noTail);
  readonly peers: Peer[] = [];
  readonly keys: string[] = [];
  patches = 0;
  private nextKey = 0;
  private readonly reader = new ByteReader();

  constructor(readonly rng: Rng) {
    this.serializer.reset(this.state);
  }

  /** onJoin: the room tells the serializer, then adds the newcomer's tadpole; its socket acknowledges later. */
  join(): Peer {
    this.serializer.joining();
    const key = `s${this.nextKey++}`;
    const t = new Tadpole();
    t.id = this.nextKey;
    t.name = `Joiner ${this.nextKey}`;
    t.hue = Math.floor(this.rng() * 12);
    this.state.tadpoles.set(key, t);
    this.keys.push(key);
    const frames: Uint8Array[] = [];
    const client = { sessionId: key, state: ClientState.JOINING, raw: (data: Uint8Array) => { frames.push(data.slice()); } };
    const peer: Peer = { client: client as unknown as Peer["client"], decoder: undefined, fullStates: 0, frames };
    this.peers.push(peer);
    return peer;
  }

  /** The join (or reconnection) is acknowledged: Colyseus sends the full state at once. */
  ack(peer: Peer): void {
    peer.client.state = ClientState.JOINED;
    peer.frames.length = 0;
    const bytes = this.serializer.getFullState(peer.client, { sNow: this.patches * 50 });
    expect(bytes[0] & 0x1f).toBe(14); // ROOM_STATE
    // As the SDK: a first join decodes onto a fresh tree, a rejoin reconciles (decodeResync).
    if (peer.decoder === undefined) peer.decoder = Reflection.decode(this.serializer.handshake()) as Decoder<PondState>;
    const it = { offset: TIMED_PREFIX };
    if (peer.decoder.root.refs.size > 1) peer.decoder.decodeResync(bytes, it);
    else peer.decoder.decode(bytes, it);
    peer.fullStates++;
  }

  /** A dropped connection: it stops receiving patches until it reconnects (ack again). */
  drop(peer: Peer): void {
    peer.client.state = ClientState.RECONNECTING;
    this.serializer.joining();
  }

  leave(key: string): void {
    this.state.tadpoles.delete(key);
    this.keys.splice(this.keys.indexOf(key), 1);
    const i = this.peers.findIndex((p) => p.client.sessionId === key);
    if (i >= 0) this.peers.splice(i, 1);
  }

  randomTadpole(): Tadpole | undefined {
    if (this.keys.length === 0) return undefined;
    return this.state.tadpoles.get(this.keys[Math.floor(this.rng() * this.keys.length)]);
  }

  /** One patch to everyone; every joined client applies its frame's schema part. */
  patch(): void {
    const clients = this.peers.map((p) => p.client);
    this.serializer.applyPatches(clients, this.state, { sNow: this.patches * 50 });
    this.patches++;
    for (const peer of this.peers) {
      const joined = peer.client.state === ClientState.JOINED;
      // One patch to each joined client, none to the others (plain checks: this loop is hot).
      if (peer.frames.length !== (joined ? 1 : 0)) throw new Error(`${peer.client.sessionId} got ${peer.frames.length} frames`);
      if (!joined) continue;
      const frame = peer.frames.pop()!;
      if ((frame[0] & 0x1f) !== 15) throw new Error(`not a patch: ${frame[0]}`); // ROOM_STATE_PATCH
      const r = this.reader;
      r.reset(frame, TIMED_PREFIX, frame.length);
      const length = r.varint();
      if (length > 0) peer.decoder!.decode(frame.subarray(0, r.pos + length), { offset: r.pos });
    }
  }

  expectConverged(when: string): void {
    const expected = plain(this.state);
    const text = JSON.stringify(expected);
    for (const peer of this.peers) {
      if (peer.client.state !== ClientState.JOINED) continue;
      const held = plain(peer.decoder!.state);
      if (JSON.stringify(held) !== text) expect(held, `${peer.client.sessionId} after ${when}`).toEqual(expected);
    }
  }
}

describe(`full state at join against the patches after it (seed ${SEED})`, () => {
  it("crowds joining within a tick share one encode and converge exactly, while the state changes around them", () => {
    const rng = createRng(SEED);
    const world = new World(rng);
    for (let i = 0; i < 30; i++) world.ack(world.join());
    world.patch();
    world.expectConverged("the first patch");

    let acks = 0;
    let mark = world.serializer.fullEncodes;
    for (let tick = 0; tick < 150; tick++) {
      const acked: Peer[] = [];
      // A burst: up to a dozen joins and acknowledgements interleaved with renames, flags and
      // leaves, all between two patches (joins acknowledged in a later tick too).
      const steps = Math.floor(rng() * 24);
      for (let s = 0; s < steps; s++) {
        const r = rng();
        const t = world.randomTadpole();
        if (r < 0.25 && world.keys.length < 80) world.join();
        else if (r < 0.5) {
          const waiting = world.peers.filter((p) => p.client.state !== ClientState.JOINED);
          if (waiting.length > 0) {
            const peer = waiting[Math.floor(rng() * waiting.length)];
            world.ack(peer);
            acked.push(peer);
          }
        } else if (r < 0.65 && t) t.name = `Renamed ${tick}.${s}`;
        else if (r < 0.72 && t) t.away = !t.away;
        else if (r < 0.8 && t) t.idle = !t.idle;
        else if ((r < 0.86 || (r < 0.25 && rng() < 0.5)) && world.keys.length > 5) world.leave(world.keys[Math.floor(rng() * world.keys.length)]);
        else if (r < 0.9) {
          const joined = world.peers.filter((p) => p.client.state === ClientState.JOINED);
          if (joined.length > 0) world.drop(joined[Math.floor(rng() * joined.length)]);
        }
      }
      acks += acked.length;
      world.patch();
      world.expectConverged(`tick ${tick}`);
      // However many joined in this tick, the state was encoded in full at most once from one
      // patch to the next (counting the snapshot the patch itself takes).
      expect(world.serializer.fullEncodes - mark).toBeLessThanOrEqual(1);
      mark = world.serializer.fullEncodes;
    }
    expect(acks).toBeGreaterThan(200);
    // Once per tick at most (the initial crowd's own encode aside).
    expect(world.serializer.fullEncodes).toBeLessThanOrEqual(world.patches + 1);
    expect(world.peers.some((p) => p.fullStates > 1)).toBe(true); // reconnections were exercised
  });

  it("a join after a quiet spell, with the state changed in the same tick, still converges", () => {
    const rng = createRng(SEED + 1);
    const world = new World(rng);
    for (let i = 0; i < 10; i++) world.ack(world.join());
    world.patch();
    // Long enough without a join that patches stop keeping a snapshot.
    for (let i = 0; i < 60; i++) {
      world.randomTadpole()!.name = `Quiet ${i}`;
      world.patch();
    }
    const encodes = world.serializer.fullEncodes;
    world.patch();
    expect(world.serializer.fullEncodes).toBe(encodes); // a quiet pond encodes nothing in full

    // Changes first, then the join in the same tick: no snapshot of the last patch's state is
    // kept, so the full state is the state as it is now, and the next patch repeats the renames,
    // the removal and the newcomer's own entry it already holds.
    world.randomTadpole()!.name = "Changed before";
    world.leave(world.keys[0]);
    const late = world.join();
    world.randomTadpole()!.idle = true;
    world.ack(late);
    expect(world.serializer.fullEncodes).toBe(encodes + 1);
    world.patch();
    world.expectConverged("the patch after a stopgap full state");

    // A join before anything changed in its tick is exact: the snapshot is taken at the join.
    world.patch();
    for (let i = 0; i < 60; i++) world.patch();
    const quiet = world.join();
    world.randomTadpole()!.name = "Changed after";
    world.ack(quiet);
    world.patch();
    world.expectConverged("the patch after a join in a quiet pond");
  });
});
