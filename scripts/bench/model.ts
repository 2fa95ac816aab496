import { Encoder, StateView } from "@colyseus/schema";
import { Interest, type Viewer } from "../../server/rooms/Interest.ts";
import { PondSim, type InputSource } from "../../server/sim/PondSim.ts";
import { WORLD_HALF } from "../../shared/constants.ts";
import type { Steer } from "../../shared/input.ts";
import { PondState, Tadpole } from "../../shared/state.ts";
import { createRng } from "../../shared/rng.ts";
import { percentile } from "./stats.ts";

/**
 * The server's tick without sockets, in this process: N tadpoles spread over the pond, each
 * stepped with the shared movement function, moved between cells and swept by the server's own
 * Interest class, then one patch encoded the way Colyseus' SchemaSerializer does it for filtered
 * state (a shared encode, then encodeView per client's StateView). No network, no bots: it shows
 * what the tick itself costs and which part grows how with N, independent of what else runs on
 * the machine (it reports CPU time). The step is the server's own simulation core (PondSim), fed
 * by steering sources that always hold an input.
 */
export interface ModelResult {
  size: number;
  mode: string;
  viewRadius: number | undefined;
  ticks: number;
  /** Per tick, ms: movement + cell moves, the interest sweeps, the patch encode (all views). */
  moveMs: number;
  sweepMs: number;
  encodeMs: number;
  totalP50Ms: number;
  totalP99Ms: number;
  /** Process CPU per tick (ms). */
  cpuMs: number;
  /** Schema bytes per client per tick (without the 9-byte timing header). */
  bytesPerClientPerTick: number;
  inView: number;
}

export function modelTick(size: number, interest: boolean, viewRadius: number, options: { seed?: number; maxTicks?: number; maxMs?: number } = {}): Omit<ModelResult, "mode" | "viewRadius"> {
  const rng = createRng(options.seed ?? 7);
  const state = new PondState();
  const encoder = new Encoder(state);
  type Extras = { tadpole: Tadpole; view: StateView | undefined; visible: Map<Viewer, number>; gone: boolean; steer: Steer };
  const sim = new PondSim<Extras>({ cellSize: viewRadius * 1.15, random: rng });
  const grid = new Interest<Viewer & Extras>({ enterRadius: viewRadius, leaveRadius: viewRadius * 1.15, enabled: interest }, sim.grid);
  const viewers = sim.swimmers;
  const span = 2 * (WORLD_HALF - 100);
  for (let i = 0; i < size; i++) {
    const t = new Tadpole();
    t.name = `bench${i}`;
    t.hue = i % 12;
    state.tadpoles.set(`s${i}`, t);
    const steer: Steer = { angle: rng() * Math.PI * 2, thrust: 1 };
    // Always one input more than the cushion: one step per tick, like a client on a clean link.
    const inputs: InputSource = { size: 3, next: () => steer };
    const viewer = sim.spawn(`s${i}`, inputs, t, { tadpole: t, view: new StateView(), visible: new Map(), gone: false, steer });
    // Spread over the pond instead of the spawn circle.
    t.x = -span / 2 + rng() * span;
    t.y = -span / 2 + rng() * span;
    sim.grid.update(viewer);
    grid.add(viewer);
    grid.sweep(viewer);
  }
  const warn = console.warn;
  console.warn = () => {}; // the encoder's one-off "buffer overflow" notices while its buffer grows
  try {
    const totals: number[] = [];
    let move = 0, sweep = 0, encode = 0, cpu = 0, bytes = 0, ticks = 0, inView = 0;
    const started = performance.now();
    const maxTicks = options.maxTicks ?? 120;
    const maxMs = options.maxMs ?? 6000;
    for (let tick = 0; ; tick++) {
      const warm = tick >= 20;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < viewers.length; i++) {
        const v = viewers[i];
        // A new heading now and then; near a wall, head back in.
        if (rng() < 0.02 || Math.abs(v.tadpole.x) > WORLD_HALF - 150 || Math.abs(v.tadpole.y) > WORLD_HALF - 150) {
          v.steer.angle = Math.atan2(-v.tadpole.y + (rng() - 0.5) * 2000, -v.tadpole.x + (rng() - 0.5) * 2000);
        }
      }
      sim.step(0.05);
      const t1 = performance.now();
      for (let i = 0; i < viewers.length; i++) grid.sweep(viewers[i]);
      const t2 = performance.now();
      const it = { offset: 1 };
      encoder.encode(it);
      const shared = it.offset;
      let tickBytes = 0;
      for (let i = 0; i < viewers.length; i++) tickBytes += encoder.encodeView(viewers[i].view!, shared, it).byteLength - 1;
      encoder.discardChanges();
      const t3 = performance.now();
      const c = process.cpuUsage(c0);
      if (warm) {
        move += t1 - t0;
        sweep += t2 - t1;
        encode += t3 - t2;
        totals.push(t3 - t0);
        cpu += (c.user + c.system) / 1000;
        bytes += tickBytes;
        for (const v of viewers) inView += v.visible.size - 1;
        ticks++;
      }
      if (ticks >= maxTicks || (ticks >= 10 && performance.now() - started > maxMs)) break;
    }
    return {
      size, ticks,
      moveMs: move / ticks, sweepMs: sweep / ticks, encodeMs: encode / ticks,
      totalP50Ms: percentile(totals, 50), totalP99Ms: percentile(totals, 99),
      cpuMs: cpu / ticks,
      bytesPerClientPerTick: bytes / ticks / size,
      inView: inView / ticks / size,
    };
  } finally {
    console.warn = warn;
  }
}
