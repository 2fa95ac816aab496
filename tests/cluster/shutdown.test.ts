import { expect, it } from "vitest";
import { waitFor } from "../../kit/waitFor.ts";
import { describeWithRedis, getPonds, socketPort, type ClusterNode } from "./support/cluster.ts";
import { useTwoNodes } from "./support/twoNodes.ts";
import { SessionPool, type RecordedSession } from "./support/sessions.ts";

/** This file's Redis database (see freshDatabase). */
const DB = 13;
const MAX_PLAYERS = 3;

/**
 * Rolling restart: SIGTERM one process. Its ponds lock, close every socket with
 * SERVER_SHUTDOWN (4001) and leave the Redis listing; PondSession joins again through the
 * matchmaker and lands on the process that stays.
 */
describeWithRedis("graceful shutdown of one process", (testRedis) => {
  let a: ClusterNode;
  let b: ClusterNode;
  const pool = new SessionPool();

  useTwoNodes(testRedis, DB, MAX_PLAYERS, pool, (first, second) => { a = first; b = second; });

  it("moves every player of the stopping process to the other one, none lost", async () => {
    // Both endpoints, like bots given the process list (a browser has one proxy URL instead).
    const urls = [a.httpUrl, b.httpUrl];
    const players: RecordedSession[] = [];
    for (let i = 0; i < MAX_PLAYERS; i++) players.push(await pool.join({ url: urls, name: `first-${i}` }));
    const firstHost = socketPort(players[0].session.socketUrl) === a.port ? a : b;
    const otherHost = firstHost === a ? b : a;
    // Ask the process that holds the full pond for the next one: it counts its own pond and
    // places the new pond on the other process (the least loaded), so both processes host one.
    for (let i = 0; i < MAX_PLAYERS; i++) {
      players.push(await pool.join({ url: [firstHost.httpUrl, otherHost.httpUrl], name: `second-${i}` }));
    }
    const hostOf = (r: RecordedSession) => socketPort(r.session.socketUrl);
    expect(players.slice(0, MAX_PLAYERS).map(hostOf)).toEqual(Array(MAX_PLAYERS).fill(firstHost.port));
    expect(players.slice(MAX_PLAYERS).map(hostOf)).toEqual(Array(MAX_PLAYERS).fill(otherHost.port));

    const victim = firstHost;
    const survivor = otherHost;
    const movers = players.filter((r) => hostOf(r) === victim.port);
    const stayers = players.filter((r) => hostOf(r) === survivor.port);
    const stayerSessions = stayers.map((r) => r.session.sessionId);
    const victimPonds = new Set(movers.map((r) => r.session.roomId!));

    victim.proc.signal("SIGTERM");
    const exit = await victim.proc.waitForExit(20_000);
    expect(exit, victim.proc.tail()).toEqual({ code: 0, signal: null });

    await waitFor(() => players.every((r) => r.session.status === "connected" && hostOf(r) === survivor.port && r.session.connection?.self), {
      timeoutMs: 20_000,
      message: "every player to be connected to the surviving process",
      describe: () => players.map((r) => ({ name: r.session.name, status: r.session.status, port: hostOf(r), statuses: r.statuses })),
    });
    // Movers went through "moving" and kept their names; the others never noticed.
    for (const r of movers) {
      expect(r.statuses).toContain("moving");
      expect(r.session.counts.moves).toBe(1);
      expect(r.session.connection!.self!.name).toBe(r.session.name);
      expect(r.session.name).toMatch(/^first-/);
      expect(victimPonds.has(r.session.roomId!)).toBe(false);
    }
    expect(stayers.map((r) => r.session.sessionId)).toEqual(stayerSessions);
    expect(stayers.every((r) => r.session.counts.moves === 0 && !r.statuses.includes("moving"))).toBe(true);

    // Redis lists only the survivor's ponds, and they hold everyone.
    const ponds = await getPonds(survivor);
    expect(ponds.filter((p) => victimPonds.has(p.roomId))).toEqual([]);
    expect(ponds.reduce((sum, p) => sum + p.clients, 0)).toBe(players.length);
    expect(new Set(ponds.map((p) => p.roomId))).toEqual(new Set(players.map((r) => r.session.roomId)));
  });
});
