import { describe, expect, it } from "vitest";
import {
  SimLink, attachNetSim, netSimFromQuery, resolveNetSim, type HookableConnection, type NetSimTimers,
} from "../../client/net/netsim.ts";

/** A virtual clock with timers, so links are driven without waiting. */
class FakeTimers implements NetSimTimers {
  t = 0;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  now(): number { return this.t; }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void { this.pending.delete(handle as number); }
  /** Advances to `until`, firing due timers in time order. */
  advance(until: number): void {
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.pending) if (!next || entry[1].at < next[1].at) next = entry;
      if (!next || next[1].at > until) break;
      this.pending.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
    }
    this.t = until;
  }
}

/** Sends one frame every `every` ms for `count` frames; returns [sent, delivered] times. */
function drive(link: { shape: { lagMs: number; jitterMs: number; loss: number }; rto?: number; seed: number }, count: number, every = 50) {
  const timers = new FakeTimers();
  const delivered: Array<{ id: number; at: number }> = [];
  const sim = new SimLink<number>({ ...link.shape }, link.rto ?? 300, link.seed, (id) => delivered.push({ id, at: timers.now() }), timers);
  const sent: number[] = [];
  for (let i = 0; i < count; i++) {
    timers.advance(i * every);
    sent.push(timers.now());
    sim.push(i);
  }
  timers.advance(count * every + 10_000);
  return { sent, delivered, stats: sim.stats };
}

describe("netsim link (TCP model)", () => {
  it("delays every frame by lag ± jitter, in order, and never reorders", () => {
    const { sent, delivered } = drive({ shape: { lagMs: 100, jitterMs: 20, loss: 0 }, seed: 1 }, 400, 10);
    expect(delivered.map((d) => d.id)).toEqual(sent.map((_, i) => i));
    let earliest = Infinity, latest = 0;
    for (const d of delivered) {
      const delay = d.at - sent[d.id];
      earliest = Math.min(earliest, delay);
      latest = Math.max(latest, delay);
      expect(delay).toBeGreaterThanOrEqual(80 - 1e-9);
    }
    // Frames 10 ms apart with ±20 ms jitter: a slow one holds the next ones back, but never
    // beyond the slowest frame's own delay.
    expect(latest).toBeLessThanOrEqual(120 + 1e-9);
    // The jitter is really there (not a constant delay).
    expect(latest - earliest).toBeGreaterThan(20);
    for (let i = 1; i < delivered.length; i++) expect(delivered[i].at).toBeGreaterThanOrEqual(delivered[i - 1].at);
  });

  it("delivers a lost frame one RTO late and holds every later frame behind it (head-of-line)", () => {
    const { sent, delivered, stats } = drive({ shape: { lagMs: 50, jitterMs: 0, loss: 0.1 }, rto: 300, seed: 3 }, 200, 50);
    expect(stats.lost).toBeGreaterThan(5);
    expect(stats.frames).toBe(200);
    expect(delivered).toHaveLength(200);
    const delays = delivered.map((d) => d.at - sent[d.id]);
    // A lost frame costs 50 + 300 ms; frames sent during its stall wait for it, then all
    // arrive together.
    const stalled = delays.filter((d) => d > 50);
    expect(stalled.length).toBeGreaterThan(stats.lost);
    expect(Math.max(...delays)).toBeLessThanOrEqual(50 + 300 * 3);
    for (let i = 1; i < delivered.length; i++) {
      expect(delivered[i].id).toBe(delivered[i - 1].id + 1);
      expect(delivered[i].at).toBeGreaterThanOrEqual(delivered[i - 1].at);
    }
    // A lost frame (50 + 300 ms) followed by one that was not lost: that one (own delay 50 ms)
    // arrives together with the lost one, 300 ms after it was sent.
    const held = delays.findIndex((d, i) => d === 350 && delays[i + 1] === 300);
    expect(held).toBeGreaterThanOrEqual(0);
    expect(delivered[held + 1].at).toBe(delivered[held].at);
  });

  it("makes the same decisions for the same seed, and different ones for another seed", () => {
    const a = drive({ shape: { lagMs: 80, jitterMs: 30, loss: 0.05 }, seed: 42 }, 300, 20);
    const b = drive({ shape: { lagMs: 80, jitterMs: 30, loss: 0.05 }, seed: 42 }, 300, 20);
    const c = drive({ shape: { lagMs: 80, jitterMs: 30, loss: 0.05 }, seed: 43 }, 300, 20);
    expect(b.delivered).toEqual(a.delivered);
    expect(b.stats).toEqual(a.stats);
    expect(c.delivered).not.toEqual(a.delivered);
  });

  it("schedules with zero delay on a zero link", () => {
    const { sent, delivered } = drive({ shape: { lagMs: 0, jitterMs: 0, loss: 0 }, seed: 9 }, 10, 5);
    for (const d of delivered) expect(d.at).toBe(sent[d.id]);
  });
});

describe("netSimFromQuery", () => {
  it("reads lag as one-way per direction, with per-direction overrides", () => {
    const o = netSimFromQuery("?lag=150&jitter=30&loss=0.05&seed=7")!;
    expect(o.up).toEqual({ lagMs: 150, jitterMs: 30, loss: 0.05 });
    expect(o.down).toEqual({ lagMs: 150, jitterMs: 30, loss: 0.05 });
    expect(o.seed).toBe(7);
    expect(resolveNetSim(o).rtoMs).toBe(300);

    const split = netSimFromQuery("uplag=20&downlag=120&downloss=5%&rto=250")!;
    const cfg = resolveNetSim(split);
    expect(cfg.up).toEqual({ lagMs: 20, jitterMs: 0, loss: 0 });
    expect(cfg.down).toEqual({ lagMs: 120, jitterMs: 0, loss: 0.05 });
    expect(cfg.rtoMs).toBe(250);
  });

  it("returns undefined without link keys, ignores garbage and clamps ranges", () => {
    expect(netSimFromQuery("")).toBeUndefined();
    expect(netSimFromQuery("?pond=abc&name=Bob")).toBeUndefined();
    const cfg = resolveNetSim(netSimFromQuery("lag=abc&jitter=-5&loss=3&downlag=99999")!);
    expect(cfg.up).toEqual({ lagMs: 0, jitterMs: 0, loss: 1 });
    expect(cfg.down.lagMs).toBe(10_000);
    expect(cfg.rtoMs).toBe(10_000);
  });
});

describe("attachNetSim on a connection", () => {
  function fakeConnection() {
    const sent: Array<{ bytes: number[]; at: number }> = [];
    const received: Array<{ what: string; at: number }> = [];
    const timers = new FakeTimers();
    const connection: HookableConnection & { open: boolean } = {
      open: true,
      get isOpen() { return this.open; },
      events: {
        onmessage: (ev: { data: string }) => { received.push({ what: ev.data, at: timers.now() }); },
        onclose: () => { received.push({ what: "close", at: timers.now() }); },
      },
      send(data: Uint8Array) { sent.push({ bytes: [...data], at: timers.now() }); },
      sendUnreliable(data: Uint8Array) { sent.push({ bytes: [...data], at: timers.now() }); },
    };
    return { connection, sent, received, timers };
  }

  it("shapes each direction with its own lag, copies outgoing buffers and queues the close behind data", () => {
    const { connection, sent, received, timers } = fakeConnection();
    const sim = attachNetSim(connection, { up: { lagMs: 30 }, down: { lagMs: 120 }, seed: 1 }, timers);
    const reused = new Uint8Array([1, 2, 3]);
    connection.send(reused);
    reused[0] = 99; // the SDK reuses its send buffer: the frame in flight must not change
    connection.events.onmessage!({ data: "patch-1" });
    timers.advance(10);
    connection.events.onmessage!({ data: "patch-2" });
    connection.events.onclose!({ code: 1000 });
    timers.advance(29);
    expect(sent).toHaveLength(0);
    timers.advance(31);
    expect(sent).toEqual([{ bytes: [1, 2, 3], at: 30 }]);
    timers.advance(119);
    expect(received).toHaveLength(0);
    timers.advance(500);
    expect(received).toEqual([
      { what: "patch-1", at: 120 },
      { what: "patch-2", at: 130 },
      { what: "close", at: 130 },
    ]);
    expect(sim.up.frames).toBe(1);
    expect(sim.down.frames).toBe(3);

    sim.detach();
    connection.send(new Uint8Array([7]));
    expect(sent.at(-1)).toEqual({ bytes: [7], at: timers.now() });
  });

  it("drops outgoing frames whose socket closed while they were in flight", () => {
    const { connection, sent, timers } = fakeConnection();
    attachNetSim(connection, { up: { lagMs: 50 }, seed: 1 }, timers);
    connection.send(new Uint8Array([1]));
    connection.open = false;
    timers.advance(100);
    expect(sent).toHaveLength(0);
  });
});
