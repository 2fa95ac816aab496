import { RedisPresence } from "@colyseus/redis-presence";
import { afterAll, beforeAll, expect, it, onTestFinished } from "vitest";
import { claimCarry, leaveCarry } from "../../server/rooms/handOff.ts";
import { levelOf } from "../../shared/growth.ts";
import { stopAll } from "../../kit/process.ts";
import { waitFor } from "../../kit/waitFor.ts";
import { describeWithRedis, freshDatabase, socketPort, startNode, type ClusterNode } from "./support/cluster.ts";
import { SessionPool, type RecordedSession } from "./support/sessions.ts";

/** This file's Redis database (see freshDatabase). */
const DB = 10;

/** Masses by name, as a pond's leaderboard shows them. */
function boardOf(r: RecordedSession): Map<string, number> {
  const leaders = r.session.connection?.room.state?.leaders;
  const board = new Map<string, number>();
  if (!leaders) return board;
  for (let i = 0; i < leaders.length; i++) {
    const leader = leaders.at(i);
    if (leader) board.set(leader.name, leader.mass);
  }
  return board;
}

/**
 * A grown player keeps its size when its process shuts down (SIGTERM: the pond closes with 4001
 * and the player joins a pond on the other process): the closing pond leaves each size in Redis
 * under a one-time token it sends the player, whose next join claims it (server/rooms/handOff.ts).
 */
describeWithRedis("sizes across a rolling restart", (testRedis) => {
  let a: ClusterNode;
  let b: ClusterNode;
  let redisUrl = "";
  const pool = new SessionPool();

  beforeAll(async () => {
    redisUrl = await freshDatabase(testRedis, DB);
    // Food so thick that a tadpole swimming for a moment eats a dozen specks; no hunger, so a
    // size only changes by eating.
    const env = { FOOD_COUNT: "60000", HUNGER_SECONDS: "0" };
    [a, b] = await Promise.all([startNode({ redisUrl, maxPlayers: 3, env }), startNode({ redisUrl, maxPlayers: 3, env })]);
  });

  afterAll(async () => {
    await pool.closeAll();
    await Promise.all([a?.stop(), b?.stop()]);
    await stopAll();
  });

  it("a one-time token: claimed once, then nothing; a malformed or unknown one brings nothing", async () => {
    const presence = new RedisPresence(redisUrl);
    try {
      const token = await leaveCarry(presence, 37);
      expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(await claimCarry(presence, token)).toBe(37);
      expect(await claimCarry(presence, token)).toBe(0);
      expect(await claimCarry(presence, "A".repeat(22))).toBe(0);
      expect(await claimCarry(presence, "../../etc")).toBe(0);
      expect(await claimCarry(presence, { mass: 400 })).toBe(0);
    } finally {
      presence.shutdown();
    }
  });

  it("moves each grown player with its size to a pond on the other process", async () => {
    const players = [await pool.join({ url: [a.httpUrl, b.httpUrl], name: "Grown 1" }), await pool.join({ url: [a.httpUrl, b.httpUrl], name: "Grown 2" })];
    const host = socketPort(players[0].session.socketUrl);
    expect(socketPort(players[1].session.socketUrl)).toBe(host);
    const victim = host === a.port ? a : b;
    const survivor = victim === a ? b : a;

    // Swim straight through the food for a moment, then let go: the game's own net layer sends
    // an input every tick from these frames (the server steps a tadpole per input it gets).
    const steer = { thrust: 1 };
    const frames = setInterval(() => {
      players.forEach((r, i) => r.session.connection?.frame(performance.now(), { angle: i * Math.PI, thrust: steer.thrust }));
    }, 16);
    onTestFinished(() => clearInterval(frames));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    steer.thrust = 0;
    await waitFor(() => players.every((r) => (r.session.connection?.self?.level ?? 0) >= 4), {
      timeoutMs: 10_000,
      message: "both players to have eaten a few specks",
      describe: () => players.map((r) => r.session.connection?.self?.level),
    });
    // Resting (no thrust) after a glide, so their sizes hold still; each one's level (in the state,
    // changed in the patch after every eat) is what it takes along.
    await waitFor(() => players.every((r) => r.session.connection?.self?.speed === 0), { timeoutMs: 10_000, message: "both to stop" });
    const levels = players.map((r) => r.session.connection!.self!.level);
    expect(levels.every((level) => level >= 4)).toBe(true);

    victim.proc.signal("SIGTERM");
    expect(await victim.proc.waitForExit(20_000), victim.proc.tail()).toEqual({ code: 0, signal: null });
    await waitFor(() => players.every((r) => r.session.status === "connected" && socketPort(r.session.socketUrl) === survivor.port && r.session.connection?.self), {
      timeoutMs: 20_000,
      message: "both players to be connected to the surviving process",
    });
    expect(players.every((r) => r.session.counts.moves === 1)).toBe(true);
    // The new pond knows them at the size they had, on their level and its board. (The food is so
    // thick that a tadpole may eat a speck or two where it lands: at least the old size, then,
    // where one that came without it would be at level 0 or 1.)
    for (const [i, r] of players.entries()) {
      expect(r.session.connection!.self!.level, r.session.name).toBeGreaterThanOrEqual(levels[i]);
      expect(r.session.connection!.self!.level, r.session.name).toBeLessThanOrEqual(levels[i] + 1);
    }
    await waitFor(() => players.every((r, i) => levelOf(boardOf(r).get(r.session.name!) ?? 0) >= levels[i]), {
      timeoutMs: 5000,
      message: "the new pond's leaderboard to show each mover at its old size",
      describe: () => ({ levels, boards: players.map((r) => [...boardOf(r)]) }),
    });
  });
});
