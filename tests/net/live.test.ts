import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PondConnection, type Pose } from "../../client/net/PondConnection.ts";
import { angleDelta } from "../../shared/angle.ts";
import type { Steer } from "../../shared/input.ts";
import { countTraffic } from "../../kit/player/traffic.ts";
import { startPondServer, type InProcessPond } from "../helpers/pondServer.ts";
import { waitFor } from "../../kit/waitFor.ts";

/**
 * The net layer against the real pond server (in this process, 127.0.0.1, a port the OS picks):
 * stats() numbers, exact prediction through the network simulator, same-frame response.
 */
let pond: InProcessPond;
const open: PondConnection[] = [];

beforeAll(async () => {
  pond = await startPondServer();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.leave().catch(() => undefined)));
});

afterAll(async () => {
  await pond?.shutdown();
});

async function join(options: Partial<Parameters<typeof PondConnection.join>[0]> = {}): Promise<PondConnection> {
  const conn = await PondConnection.join({ url: pond.wsUrl, name: "net-test", ...options });
  open.push(conn);
  await waitFor(() => conn.self, { message: "our tadpole to arrive", timeoutMs: 10_000 });
  return conn;
}

/** Calls frame() on every connection at ~60 fps until `until()` holds (or the deadline passes). */
async function frames(conns: PondConnection[], steer: (t: number) => Steer, until: () => boolean, timeoutMs: number): Promise<void> {
  const start = performance.now();
  await waitFor(() => {
    const now = performance.now();
    const s = steer((now - start) / 1000);
    for (const c of conns) c.frame(now, s);
    return until();
  }, { intervalMs: 16, timeoutMs, message: "the frame loop's condition" });
}

/** Swims in circles around the spawn area (the heading crosses 0/2π), with a brief stop. */
const swirl = (t: number): Steer => ({ angle: (t * 1.5) % (Math.PI * 2), thrust: t % 3 < 2.4 ? 1 : 0 });

describe("PondConnection against the real server", () => {
  it("stats(): patches at the tick rate, bytes as counted on the socket, no corrections", async () => {
    const conn = await join();
    const traffic = countTraffic(conn.room);
    const marks: Array<{ t: number; bytes: number }> = [];
    let stats = conn.stats();
    await frames([conn], swirl, () => {
      marks.push({ t: performance.now(), bytes: traffic.bytes });
      return marks[marks.length - 1].t - marks[0].t > 3000;
    }, 15_000);
    stats = conn.stats();
    const now = performance.now();
    const since = marks.find((m) => m.t >= now - 2000)!;
    const independent = ((traffic.bytes - since.bytes) * 1000) / (now - since.t);
    traffic.detach();

    expect(stats.patchesPerSecond).toBeGreaterThan(14);     // tick 20 Hz (shared CPUs: some slack)
    expect(stats.patchesPerSecond).toBeLessThan(23);
    expect(stats.bytesPerSecondDown).toBeGreaterThan(100);
    expect(Math.abs(stats.bytesPerSecondDown - independent)).toBeLessThan(0.3 * independent);
    expect(stats.pingMs).toBeGreaterThan(0);
    expect(stats.pingMs).toBeLessThan(300);
    expect(stats.jitterMs).toBeGreaterThanOrEqual(0);
    expect(stats.jitterMs).toBeLessThan(40);
    expect(stats.interpolationDelayMs).toBeGreaterThan(80);
    expect(stats.interpolationDelayMs).toBeLessThan(200);
    expect(stats.correctionsPerSecond).toBe(0);
    // One object, refilled: cheap to call every frame.
    expect(conn.stats()).toBe(stats);
  });

  it("predicts exactly through a simulated 40 ms ±15 ms link with 2 % retransmits", async () => {
    const conn = await join({ netsim: { up: { lagMs: 40, jitterMs: 15, loss: 0.02 }, down: { lagMs: 40, jitterMs: 15, loss: 0.02 }, seed: 5 } });
    const errors: number[] = [];
    conn.onAck = (_seq, error) => errors.push(error);
    await frames([conn], swirl, () => errors.length >= 40, 20_000);
    expect(errors.filter((e) => e !== 0)).toEqual([]);
    expect(conn.totalCorrections).toBe(0);
    expect(conn.stats().pingMs).toBeGreaterThanOrEqual(80);  // both directions were shaped
  });

  it("keeps predicting exactly across a dropped socket and the SDK's reconnect", async () => {
    // 60 ms down: the new socket is open for longer than an input's 50 ms before the SDK's
    // reconnect completes on it, so an input sent there (which the server plays) would be off.
    const conn = await join({ netsimQuery: "lag=60&jitter=5&seed=2" });
    conn.room.reconnection.minUptime = 200;
    let reconnected = false;
    conn.room.onReconnect(() => { reconnected = true; });
    const errors: number[] = [];
    conn.onAck = (_seq, error) => errors.push(error);
    await frames([conn], swirl, () => errors.length >= 60, 10_000);
    // Cut the socket from the server side, as a network drop would.
    const room = pond.room(conn.room.roomId) as unknown as { clients: Array<{ sessionId: string; ref: { terminate(): void } }> };
    room.clients.find((c) => c.sessionId === conn.sessionId)!.ref.terminate();
    await frames([conn], swirl, () => reconnected, 10_000);
    // The input sequence restarts after a reconnect: checks must resume at once, not only
    // when the new numbering passes the old one (60 inputs, 3 s, later).
    const before = errors.length;
    await frames([conn], swirl, () => errors.length >= before + 15, 2500);
    expect(errors.filter((e) => e !== 0)).toEqual([]);
  });

  it("shapes the join handshake too", async () => {
    const started = performance.now();
    await join({ netsimQuery: "?downlag=300&uplag=0" });
    // JOIN_ROOM comes down the simulated link: the join cannot finish sooner.
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
  });

  it("moves our tadpole in the very frame() where thrust first becomes 1", async () => {
    const conn = await join();
    const self = conn.self!;
    const pose: Pose = { x: 0, y: 0, angle: 0, speed: 0 };
    // At rest (a resting tadpole still turns toward the wanted heading: let it settle, five
    // frames in a row unchanged), then the drawn pose does not move.
    const still: Steer = { angle: 1, thrust: 0 };
    let settled = 0;
    let last = "";
    await frames([conn], () => still, () => {
      conn.pose(self, pose);
      const now = JSON.stringify(pose);
      settled = now === last ? settled + 1 : 0;
      last = now;
      return settled >= 5;
    }, 5000);
    conn.pose(self, pose);
    const before = { ...pose };
    conn.frame(performance.now(), still);
    conn.pose(self, pose);
    expect(pose).toEqual(before);
    // Thrust: the same frame() call moves it, whether or not an input was due.
    conn.frame(performance.now(), { angle: 1, thrust: 1 });
    conn.pose(self, pose);
    expect(Math.hypot(pose.x - before.x, pose.y - before.y)).toBeGreaterThan(0);
    expect(pose.speed).toBeGreaterThan(0);
  });

  it("a swimmer whose inputs come late swims on for everyone else, and its own prediction stays exact", async () => {
    // Its way up jitters ±20 ms, so inputs now and then miss their tick by less than one more (a
    // guess covers that: no cushion is held back for it); the way down is clean.
    const swimmer = await join({ name: "late", netsim: { up: { lagMs: 40, jitterMs: 20, loss: 0 }, down: { lagMs: 0, jitterMs: 0, loss: 0 }, seed: 11 } });
    const watcher = await join({ name: "watcher" });
    const errors: number[] = [];
    swimmer.onAck = (_seq, error) => errors.push(error);
    // Every patch the watcher gets: did the swimmer, swimming at full speed, move in it?
    let moving = 0, still = 0;
    const last = { x: NaN, y: NaN };
    watcher.room.onStateChange(() => {
      const other = watcher.all.get(swimmer.sessionId);
      if (!other) return;
      if (other.speed > 140 && Number.isFinite(last.x)) {
        if (other.x === last.x && other.y === last.y) still++; else moving++;
      }
      last.x = other.x; last.y = other.y;
    });
    const sim = (pond.room(swimmer.room.roomId) as unknown as { pond: { sim: { guessed: number } } }).pond.sim;
    const guessedBefore = sim.guessed;
    // A slow circle, so it never meets the pond's edge and a late input is not always the same as the last.
    await frames([swimmer, watcher], (t) => ({ angle: (t * 0.4) % (Math.PI * 2), thrust: 1 }), () => moving >= 160 && errors.length >= 160, 30_000);
    expect(sim.guessed - guessedBefore, "some inputs were late, and guessed").toBeGreaterThan(0);
    expect(still, "patches in which the swimming tadpole stood still").toBe(0);
    expect(errors.filter((e) => e !== 0), "its own prediction, checked at each acknowledgement").toEqual([]);
  });

  it("interpolates another player smoothly: never backward along its motion", async () => {
    const swimmer = await join({ name: "swimmer" });
    const watcher = await join({ name: "watcher", netsimQuery: "lag=60&jitter=20&seed=3" });
    const pose: Pose = { x: 0, y: 0, angle: 0, speed: 0 };
    const last = { x: NaN, y: NaN };
    let samples = 0, backward = 0;
    const straight = (): Steer => ({ angle: 0.5, thrust: 1 });
    await frames([swimmer, watcher], straight, () => {
      const other = watcher.all.get(swimmer.sessionId);
      if (!other) return false;
      watcher.pose(other, pose);
      // It spawns facing a random way and first turns toward 0.5 rad; judge the motion only once
      // the drawn heading is there (before that, "backward" along 0.5 is just the turn).
      if (Number.isFinite(last.x) && other.speed > 100 && Math.abs(angleDelta(pose.angle, 0.5)) < 0.02) {
        samples++;
        // Heading 0.5 rad: motion is along (cos 0.5, sin 0.5).
        if ((pose.x - last.x) * Math.cos(0.5) + (pose.y - last.y) * Math.sin(0.5) < -0.01) backward++;
      }
      last.x = pose.x; last.y = pose.y;
      return samples >= 120;
    }, 20_000);
    expect(backward).toBe(0);
  });
});
