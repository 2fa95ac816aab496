import { afterEach, describe, expect, it } from "vitest";
import { metrics } from "../../server/metrics.ts";
import { CLOSE_IDLE, idleSecondsIn } from "../../shared/protocol.ts";
import { PondProbe, plainTadpole } from "../helpers/pondClient.ts";
import { usePondServer } from "../helpers/pondFixture.ts";
import type { InProcessPond } from "../helpers/pondServer.ts";
import { waitFor } from "../../kit/waitFor.ts";

/**
 * Idle players against the real PondRoom and real clients (the game's own net layer), with the
 * thresholds made short: a tadpole turns idle after 1 s without activity, and its seat is freed
 * after 4 s (IDLE_FADE_SECONDS / IDLE_TIMEOUT_SECONDS through the server's config).
 */
const FADE_SECONDS = 1;
const TIMEOUT_SECONDS = 4;

let pond: InProcessPond;
const probes: PondProbe[] = [];

usePondServer({ idleFadeSeconds: FADE_SECONDS, idleTimeoutSeconds: TIMEOUT_SECONDS }, probes, (started) => { pond = started; });

const wiggles: NodeJS.Timeout[] = [];
afterEach(() => { for (const timer of wiggles.splice(0)) clearInterval(timer); });

/** Has `probe` steer all the time (its heading flips every 300 ms): an active player, never idle. */
function keepSteering(probe: PondProbe): void {
  probe.drive({ angle: 0, thrust: 0 });
  wiggles.push(setInterval(() => { probe.steer.angle = probe.steer.angle === 0 ? 1 : 0; }, 300));
}

async function join(name: string): Promise<PondProbe> {
  const probe = await PondProbe.join(pond.wsUrl, { name });
  probes.push(probe);
  return probe;
}

/**
 * A still player (sending the same input every tick, as an honest client at rest does) and an
 * observer who sees it and keeps steering (so it is never idle, nor freed, itself).
 */
async function stillAndObserver(): Promise<[PondProbe, PondProbe]> {
  const observer = await join("Watcher");
  keepSteering(observer);
  const still = await join("Still");
  expect(observer.room.roomId).toBe(still.room.roomId);
  // Every frame, one input per server tick: the same heading, no thrust.
  still.drive({ angle: 1, thrust: 0 });
  await observer.waitForTadpole(still.id);
  return [still, observer];
}

/** Waits until `observer` sees `id` idle (or not). */
function waitIdle(observer: PondProbe, id: string, idle: boolean, timeoutMs = 4000): Promise<unknown> {
  return waitFor(() => observer.tadpole(id)?.idle === idle, {
    timeoutMs,
    message: `${observer.id} to see ${id} ${idle ? "idle" : "no longer idle"}`,
    describe: () => ({ ...plainTadpole(observer.tadpole(id)), idle: observer.tadpole(id)?.idle }),
  });
}

async function idleKicks(): Promise<number> {
  const counted = (await metrics.kicked.get()).values.find((v) => v.labels.reason === "idle");
  return counted?.value ?? 0;
}

describe("PondRoom: idle tadpoles", () => {
  it("a client that keeps sending the same input turns idle for everyone; a changed input clears it in the very patch that shows the turn", async () => {
    const [still, observer] = await stillAndObserver();
    // Inputs are flowing (the server has played some), and still it turns idle.
    await waitFor(() => still.conn.input.lastProcessed > 10, { message: "the server to play the still client's inputs" });
    await waitIdle(observer, still.id, true);
    expect(pond.room(still.room.roomId).state.tadpoles.get(still.id)?.idle).toBe(true);

    // Steer elsewhere. The patch that first shows the tadpole turning must already say it is
    // not idle: the change cleared it in the step that played it, not on a later check.
    const seen = observer.tadpole(still.id)!;
    const restAngle = seen.angle;
    let idleWhenTurned: boolean | undefined;
    observer.room.onStateChange(() => {
      const now = observer.tadpole(still.id);
      if (idleWhenTurned === undefined && now && now.angle !== restAngle) idleWhenTurned = now.idle;
    });
    still.steer.angle = 2.5;
    await waitFor(() => idleWhenTurned !== undefined, { message: "the observer to see the tadpole turn" });
    expect(idleWhenTurned, "idle in the patch that shows the turn").toBe(false);
    expect(observer.tadpole(still.id)?.idle).toBe(false);
  });

  it("a chat line, and a rename, clear it at once", async () => {
    const [still, observer] = await stillAndObserver();
    await waitIdle(observer, still.id, true);
    // Nothing but the line changes: the same input keeps flowing, which alone never clears it.
    still.conn.say("still here");
    await observer.waitForChat((line) => line.id === still.id && line.text === "still here");
    // The line went out at once; the state change rides the next patch.
    await observer.waitForPatches(2);
    expect(observer.tadpole(still.id)?.idle).toBe(false);

    await waitIdle(observer, still.id, true);
    still.conn.rename("Stirring");
    await waitFor(() => observer.tadpole(still.id)?.name === "Stirring", { message: "the observer to see the rename" });
    expect(observer.tadpole(still.id)?.idle).toBe(false);
  });

  it(`a still client is disconnected with ${CLOSE_IDLE} after IDLE_TIMEOUT_SECONDS, its tadpole gone at once; one that steers stays`, async () => {
    const kicksBefore = await idleKicks();
    // The steering one (the observer) joins first, so it has been in the pond longer when the still one is freed.
    const [still, steering] = await stillAndObserver();
    const roomId = still.room.roomId;
    const token = still.room.reconnectionToken;
    // One that sends nothing at all (a background tab) is freed as well.
    const silent = await join("Silent");
    const code = await waitFor(() => still.leaveCode, { timeoutMs: (TIMEOUT_SECONDS + 4) * 1000, message: "the still client to be disconnected" });
    expect(code).toBe(CLOSE_IDLE);
    // Not because of its age: the steering one joined first and is still in.
    expect(steering.leaveCode, "the steering client is still in").toBeUndefined();
    // No reconnection grace: the tadpole leaves the pond at once, for everyone.
    await waitFor(() => steering.tadpole(still.id) === undefined && !pond.room(roomId).state.tadpoles.has(still.id), {
      timeoutMs: 3000,
      message: "the freed tadpole to leave the pond",
    });
    expect(await idleKicks()).toBeGreaterThan(kicksBefore);
    // Its reconnection token no longer opens a seat.
    await expect(pond.colyseus.sdk.reconnect(token)).rejects.toMatchObject({ message: expect.stringMatching(/reconnection token invalid or expired/) });
    expect(await waitFor(() => silent.leaveCode, { timeoutMs: 5000, message: "the silent client to be disconnected" })).toBe(CLOSE_IDLE);
    // The steering one, in the pond longer than both, is still in and served.
    await steering.waitForPatches(3);
    expect(steering.leaveCode).toBeUndefined();
    expect(pond.room(roomId).state.tadpoles.has(steering.id)).toBe(true);
  }, 20_000);

  it("the close reason says how long the player was idle", async () => {
    const still = await join("Quiet");
    let reason: string | undefined;
    still.room.onLeave((_code: number, why?: string) => { reason = why; });
    await waitFor(() => still.leaveCode, { timeoutMs: (TIMEOUT_SECONDS + 4) * 1000, message: "the quiet client to be disconnected" });
    expect(still.leaveCode).toBe(CLOSE_IDLE);
    expect(idleSecondsIn(reason)).toBe(TIMEOUT_SECONDS);
  }, 20_000);
});
