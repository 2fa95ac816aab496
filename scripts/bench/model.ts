import { ClientState, Protocol, getMessageBytes, type Client } from "@colyseus/core";
import { PondSerializer, pondTail } from "../../server/rooms/PondSerializer.ts";
import { Pond, type Member } from "../../server/sim/Pond.ts";
import { PondRadar } from "../../server/sim/Radar.ts";
import { WORLD_HALF } from "../../shared/constants.ts";
import { DEFAULT_FOOD_COUNT } from "../../shared/growth.ts";
import type { Steer } from "../../shared/input.ts";
import { MessageType } from "../../shared/protocol.ts";
import { RADAR_INTERVAL_MS } from "../../shared/radar.ts";
import { PondState } from "../../shared/state.ts";
import { createRng } from "../../shared/rng.ts";
import { percentile } from "../lib/stats.ts";
import type { Mode } from "./args.ts";
import { TIMED_HEADER_BYTES, randomPoint, wireLength } from "./bots.ts";

/** The model ticks at the server's default rate. */
const MODEL_TICK_RATE = 20;

type Extras = { steer: Steer; client: Client };

/**
 * The server's tick without sockets, in this process: N tadpoles spread over the pond in the
 * server's own Pond (simulation, cell interest, position stream), and each patch encoded by the
 * server's own PondSerializer for N stand-in clients that count the bytes they are handed. No
 * network, no bots: it shows what the tick itself costs and which part grows how with N,
 * independent of what else runs on the machine (it reports CPU time). Per tick, ms: moveMs (the
 * simulation step), foodMs (eating), sweepMs (the interest sweeps), encodeMs (all clients' patches);
 * bytesPerClientPerTick: schema and stream without the 9-byte timing header; the radar as the
 * room sends it (message + WebSocket header, per client per second) and its build time (ms).
 */
export function modelTick(size: number, interest: boolean, viewRadius: number, { seed = 7, maxTicks = 120, maxMs = 6000, food = DEFAULT_FOOD_COUNT } = {}) {
  const rng = createRng(seed);
  const state = new PondState();
  const pond = new Pond<Extras>(state, { viewRadius, interest, random: rng, food });
  const members = new Map<string, Member<Extras>>();
  const serializer = new PondSerializer(pondTail(pond, (sessionId) => members.get(sessionId)));
  serializer.reset(state);
  const sink = { bytes: 0 };
  for (let i = 0; i < size; i++) {
    const steer: Steer = { angle: rng() * Math.PI * 2, thrust: 1 };
    // Always one input more than the cushion: one step per tick, like a client on a clean link.
    const inputs = { size: 3, next: () => steer };
    // A stand-in for a Colyseus client: joined, counting what it is sent.
    const client = { sessionId: `s${i}`, state: ClientState.JOINED, raw: (data: Uint8Array) => { sink.bytes += data.byteLength - TIMED_HEADER_BYTES; } } as unknown as Client;
    const member = pond.join(`s${i}`, inputs, `bench${i}`, i % 12, { steer, client });
    members.set(member.key, member);
    // Spread over the pond instead of the spawn circle.
    Object.assign(member.body, randomPoint(rng));
    const from = pond.sim.grid.update(member);
    if (from >= 0) pond.sim.onCellChange?.(member, from);
  }
  const clients = pond.members.map((m) => m.client);
  const warn = console.warn;
  console.warn = () => {}; // the encoder's one-off "buffer overflow" notices while its buffer grows
  try {
    for (const client of clients) serializer.getFullState(client);
    const totals: number[] = [];
    let move = 0, eat = 0, sweep = 0, encode = 0, cpu = 0, bytes = 0, foodBytes = 0, ticks = 0, inView = 0;
    const started = performance.now();
    for (let tick = 0; ; tick++) {
      const warm = tick >= 20;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (const m of pond.members) {
        // A new heading now and then; near a wall, head back in.
        const b = m.body;
        if (rng() < 0.02 || Math.abs(b.x) > WORLD_HALF - 150 || Math.abs(b.y) > WORLD_HALF - 150) {
          m.steer.angle = Math.atan2(-b.y + (rng() - 0.5) * 2000, -b.x + (rng() - 0.5) * 2000);
        }
      }
      pond.sim.step(1 / MODEL_TICK_RATE);
      const t1 = performance.now();
      pond.eat();
      const te = performance.now();
      pond.sweep();
      const t2 = performance.now();
      sink.bytes = 0;
      const food0 = pond.foodBytes;
      serializer.applyPatches(clients, state, { sNow: tick * (1000 / MODEL_TICK_RATE) });
      const t3 = performance.now();
      const c = process.cpuUsage(c0);
      if (warm) {
        move += t1 - t0;
        eat += te - t1;
        sweep += t2 - te;
        encode += t3 - t2;
        totals.push(t3 - t0);
        cpu += (c.user + c.system) / 1000;
        bytes += sink.bytes;
        foodBytes += pond.foodBytes - food0;
        for (const m of pond.members) inView += pond.seenBy(m) - 1;
        ticks++;
      }
      if (ticks >= maxTicks || (ticks >= 10 && performance.now() - started > maxMs)) break;
    }
    const radar = new PondRadar();
    const r0 = performance.now();
    const body = radar.build(pond.members);
    const radarBuildMs = performance.now() - r0;
    const message = getMessageBytes.raw(Protocol.ROOM_DATA_BYTES, MessageType.radar, undefined, body).length;
    const radarBytesPerClientPerSecond = (wireLength(message) * 1000) / RADAR_INTERVAL_MS;
    return {
      size, ticks, radarBytesPerClientPerSecond, radarBuildMs,
      food, foodMs: eat / ticks, foodBytesPerClientPerSecond: (foodBytes / ticks / size) * MODEL_TICK_RATE,
      moveMs: move / ticks, sweepMs: sweep / ticks, encodeMs: encode / ticks,
      totalP50Ms: percentile(totals, 50), totalP99Ms: percentile(totals, 99),
      cpuMs: cpu / ticks, bytesPerClientPerTick: bytes / ticks / size, inView: inView / ticks / size,
    };
  } finally {
    console.warn = warn;
  }
}

export type ModelResult = ReturnType<typeof modelTick> & { mode: Mode; viewRadius: number | undefined };
