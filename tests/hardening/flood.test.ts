import { pack } from "msgpackr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { delay, waitFor } from "../../kit/waitFor.ts";
import { Code, RawPeer, joinRaw } from "../../kit/rawPeer.ts";
import { DEFAULT_TICK_RATE, MAX_SPEED } from "../../shared/constants.ts";
import { PondConnection } from "../../client/net/PondConnection.ts";
import { CLOSE_FLOODING } from "../../shared/protocol.ts";
import { MAX_STEP_CREDIT } from "../../server/sim/PondSim.ts";
import { Driver, HonestPlayer, summarize } from "./support/honest.ts";
import { roomData } from "./support/frames.ts";
import { startPond, type Pond } from "./support/pond.ts";

/**
 * Floods from one client: chat, renames, unknown and invalid messages as fast as it can send
 * them, and input floods. The flooder must be cut off (or, for inputs, gain nothing), and the
 * other players' patch rate must not drop meaningfully while it tries.
 */

const TICK = DEFAULT_TICK_RATE;
const FLOOD_MS = 3000;
const FLOOD_MAX_MESSAGES = 30_000;
const QUIET_MS = 2000;

describe("floods from one client", () => {
  let pond: Pond;
  const observers: HonestPlayer[] = [];
  const driver = new Driver(observers);
  const extra: Array<{ kill(): void }> = [];

  beforeAll(async () => {
    pond = await startPond({ MAX_CONNECTIONS_PER_IP: "200", JOIN_RATE_PER_IP: "100000", RECONNECT_GRACE_SECONDS: "1" });
    for (let i = 0; i < 3; i++) observers.push(await HonestPlayer.join(pond.wsUrl, `observer-${i}`));
    driver.start();
    await waitFor(() => observers.every((p) => p.patchTimes.length >= TICK), { timeoutMs: 10_000, message: "observers receiving patches" });
  });

  afterAll(async () => {
    driver.stop();
    for (const e of extra) e.kill();
    try {
      await Promise.all(observers.map((p) => p.leave()));
    } finally {
      await pond?.stop();
    }
  });

  /** Floods from a fresh raw client; returns how it ended and the observers' rates before/during. */
  async function flood(make: (i: number) => Buffer): Promise<{ sent: number; closedAfterMs: number | undefined; code: number | undefined; floodKicks: number; before: number; during: number; minDuring: number }> {
    const quietFrom = performance.now();
    await delay(QUIET_MS);
    const kicksBefore = (await pond.metrics()).sum("pond_clients_kicked_total", { reason: "flooding" });
    const { peer } = await joinRaw(pond.httpUrl, pond.wsUrl);
    extra.push(peer);
    const start = performance.now();
    let sent = 0;
    while (peer.isOpen && sent < FLOOD_MAX_MESSAGES && performance.now() - start < FLOOD_MS) {
      for (let i = 0; i < 250 && peer.isOpen; i++) peer.sendRaw(make(sent++));
      await delay(1);
    }
    await Promise.race([peer.closed, delay(2000)]);
    // The observers' experience over the whole attack period (including after a kick): wait
    // until that window is over so every patch in it has been counted.
    await delay(Math.max(0, start + FLOOD_MS + 200 - performance.now()));
    const before = summarize(observers.flatMap((o) => o.rates(quietFrom, quietFrom + QUIET_MS, 500))).mean;
    const duringRates = observers.flatMap((o) => o.rates(start, start + FLOOD_MS, 500));
    const during = summarize(duringRates);
    const info = peer.closeInfo;
    peer.kill();
    const floodKicks = (await pond.metrics()).sum("pond_clients_kicked_total", { reason: "flooding" }) - kicksBefore;
    return { sent, closedAfterMs: info ? Math.round(info.at - start) : undefined, code: info?.code, floodKicks, before, during: during.mean, minDuring: during.min };
  }

  /** A flood of well-formed messages must end in the flooding close code, counted once. */
  function expectFloodKick(result: { sent: number; code: number | undefined; floodKicks: number }, what: string): void {
    expect(result.code, `the flooder was never disconnected after ${result.sent} ${what} in ${FLOOD_MS} ms`).toBeDefined();
    expect(result.code, "closed with CLOSE_FLOODING, as docs/protocol.md promises").toBe(CLOSE_FLOODING);
    expect(result.floodKicks, "pond_clients_kicked_total{reason=\"flooding\"} counted the flooder exactly once").toBe(1);
  }

  function expectObserversUnharmed(result: { before: number; during: number; minDuring: number }): void {
    expect(result.during, `observers' patches/s during the flood vs before (${result.before.toFixed(1)})`).toBeGreaterThanOrEqual(result.before * 0.8);
    expect(result.minDuring, "no half-second window of the observers below a quarter of the tick rate").toBeGreaterThanOrEqual(TICK * 0.25);
    for (const o of observers) {
      expect({ label: o.label, connected: o.connected, drops: o.drops, frameErrors: o.frameErrors }).toEqual({ label: o.label, connected: true, drops: 0, frameErrors: [] });
    }
  }

  it("an unknown-message flood is cut off with 4400", async () => {
    const result = await flood((i) => roomData(`nope-${i % 7}`, pack({ i })));
    console.info("[flood] unknown types:", result);
    expect(result.code, "closed by the server for invalid messages").toBe(4400);
    expectObserversUnharmed(result);
  });

  it("an invalid-chat flood is cut off with 4400", async () => {
    const result = await flood((i) => roomData("chat", pack({ text: i })));
    console.info("[flood] invalid chat:", result);
    expect(result.code).toBe(4400);
    expectObserversUnharmed(result);
  });

  it("a valid-chat flood is cut off (not only throttled with a notice per line)", async () => {
    const result = await flood((i) => roomData("chat", pack({ text: `spam ${i}` })));
    console.info("[flood] valid chat:", result);
    expectFloodKick(result, "chat lines");
    expectObserversUnharmed(result);
  });

  it("a rename flood is cut off (each rename is a state change sent to every nearby player)", async () => {
    const result = await flood((i) => roomData("name", pack({ name: `Flood ${i}` })));
    console.info("[flood] renames:", result);
    expectFloodKick(result, "renames");
    expectObserversUnharmed(result);
  });

  it("`name:` chat commands are held to a limit too (they bypass the chat bucket)", async () => {
    const result = await flood((i) => roomData("chat", pack({ text: `name: Flood ${i}` })));
    console.info("[flood] name: commands:", result);
    expectFloodKick(result, "`name:` commands");
    expectObserversUnharmed(result);
  });

  it("a PING flood is cut off (each PING is answered)", async () => {
    const result = await flood(() => Buffer.of(Code.PING));
    console.info("[flood] pings:", result);
    expectFloodKick(result, "pings");
    expectObserversUnharmed(result);
  });

  /**
   * Two swimmers head the same way at full thrust from rest: an honest control (one input per
   * tick, through PondConnection.frame) and a flooder sending `perBurst` inputs every
   * `everyFrames` 60 Hz frames. The server steps each tadpole at most once per tick (banking at
   * most a few steps), so the flooder covers no more ground than the rules allow.
   */
  async function inputFlood(perBurst: number, everyFrames: number) {
    const control = await HonestPlayer.join(pond.wsUrl, "control");
    const flooder = await PondConnection.join({ url: pond.wsUrl, name: "flooder" });
    let flooderLeft: number | undefined;
    flooder.room.onLeave((code: number) => { flooderLeft = code; });
    extra.push({ kill: () => { if (flooderLeft === undefined) void flooder.leave().catch(() => undefined); } }, { kill: () => { void control.leave(); } });
    await waitFor(() => control.conn.self && flooder.self, { timeoutMs: 5000, message: "both tadpoles present" });

    const track = (conn: PondConnection) => {
      const points: Array<{ t: number; x: number; y: number }> = [];
      // Stamped with the patch's server time: no network jitter in the spans below.
      conn.room.onStateChange(() => { const s = conn.self; if (s) points.push({ t: conn.room.clock.lastServerTime(), x: s.x, y: s.y }); });
      return points;
    };
    const controlPath = track(control.conn);
    const flooderPath = track(flooder);
    const angle = Math.PI / 4;
    let frame = 0;
    let inputsSent = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      control.conn.frame(now, { angle, thrust: 1 });
      flooder.predict.tick(now);
      if (flooderLeft !== undefined || frame++ % everyFrames !== 0) return;
      for (let i = 0; i < perBurst; i++) {
        flooder.input.data.angle = angle;
        flooder.input.data.thrust = 1;
        flooder.input.send();
        inputsSent++;
      }
    }, 1000 / 60);
    try {
      await delay(FLOOD_MS);
    } finally {
      clearInterval(timer);
    }

    const elapsed = (path: Array<{ t: number }>) => path.length > 1 ? (path.at(-1)!.t - path[0].t) / 1000 : 0;
    const distance = (path: Array<{ x: number; y: number }>) => path.length < 2 ? 0 : Math.hypot(path.at(-1)!.x - path[0].x, path.at(-1)!.y - path[0].y);
    // Largest distance over any span of at least 1 s (server time), divided by the span plus what
    // the rules allow on top: the steps a tadpole may have banked (MAX_STEP_CREDIT ticks).
    const maxRate = (path: Array<{ t: number; x: number; y: number }>) => {
      let worst = 0;
      for (let i = 0; i < path.length; i++) {
        for (let j = i + 1; j < path.length; j++) {
          const dt = (path[j].t - path[i].t) / 1000;
          if (dt >= 1) worst = Math.max(worst, Math.hypot(path[j].x - path[i].x, path[j].y - path[i].y) / (dt + MAX_STEP_CREDIT / TICK));
        }
      }
      return worst;
    };
    const result = {
      inputsPerSecond: Math.round(inputsSent / (FLOOD_MS / 1000)),
      flooder: { distance: Math.round(distance(flooderPath)), seconds: +elapsed(flooderPath).toFixed(2), maxRate: Math.round(maxRate(flooderPath)) },
      control: { distance: Math.round(distance(controlPath)), seconds: +elapsed(controlPath).toFixed(2), maxRate: Math.round(maxRate(controlPath)) },
      flooderLeftWith: flooderLeft,
    };
    if (flooderLeft === undefined) await Promise.race([flooder.leave().catch(() => undefined), delay(3000)]);
    await control.leave();
    return result;
  }

  it("four inputs per tick (under the message limit) never out-swim one input per tick", async () => {
    const r = await inputFlood(4, 3);
    console.info("[flood] inputs x4:", JSON.stringify(r));
    expect(r.flooderLeftWith, "a client sending 4 inputs per tick is not disconnected").toBeUndefined();
    expect(r.flooder.seconds).toBeGreaterThan(2);
    expect(r.flooder.maxRate, "the flooder's speed over any second").toBeLessThanOrEqual(MAX_SPEED);
    expect(r.flooder.distance, "the flooder covers no more ground than the honest control").toBeLessThanOrEqual(r.control.distance * 1.1 + 20);
  });

  it("hundreds of inputs per second are cut off, or never move a tadpole faster than MAX_SPEED", async () => {
    const r = await inputFlood(10, 1);
    console.info("[flood] inputs x30:", JSON.stringify(r));
    expect(r.flooder.maxRate, "the flooder's speed over any second").toBeLessThanOrEqual(MAX_SPEED);
    if (r.flooderLeftWith === undefined) {
      expect(r.flooder.seconds).toBeGreaterThan(2);
      expect(r.flooder.distance).toBeLessThanOrEqual(r.control.distance * 1.1 + 20);
    }
  });
});
