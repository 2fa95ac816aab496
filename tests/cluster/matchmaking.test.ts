import { afterEach, expect, it } from "vitest";
import { waitFor } from "../../kit/waitFor.ts";
import { describeWithRedis, getPonds, socketPort, type ClusterNode, type PondListing } from "./support/cluster.ts";
import { useTwoNodes } from "./support/twoNodes.ts";
import { SessionPool, type RecordedSession } from "./support/sessions.ts";

/** This file's Redis database (see freshDatabase): the other cluster files use 12 and 13. */
const DB = 11;
const MAX_PLAYERS = 3;

describeWithRedis("two processes, one matchmaker", (testRedis) => {
  let a: ClusterNode;
  let b: ClusterNode;
  const pool = new SessionPool();

  useTwoNodes(testRedis, DB, MAX_PLAYERS, pool, (first, second) => { a = first; b = second; });

  afterEach(async () => {
    await pool.closeAll();
    // Ponds dispose once empty; the next test starts from an empty cluster.
    if (a && !a.proc.hasExited) {
      await waitFor(async () => (await getPonds(a)).length === 0, { timeoutMs: 10_000, message: "every pond to be disposed" });
    }
  });

  const sorted = (ponds: PondListing[]) => ponds.map((p) => `${p.roomId}:${p.clients}/${p.maxClients}`).sort();

  it("fills one pond from both processes until it is full, then opens a second", async () => {
    // Alternate the process each player matchmakes through.
    const via = (i: number) => (i % 2 === 0 ? a : b).httpUrl;
    const first: RecordedSession[] = [];
    for (let i = 0; i < MAX_PLAYERS; i++) first.push(await pool.join({ url: via(i), name: `early-${i}` }));

    const pondId = first[0].session.roomId!;
    expect(first.map((r) => r.session.roomId)).toEqual(Array(MAX_PLAYERS).fill(pondId));
    // Both processes list the same single pond (the listing lives in Redis).
    for (const node of [a, b]) {
      await waitFor(async () => sorted(await getPonds(node)).join() === `${pondId}:${MAX_PLAYERS}/${MAX_PLAYERS}`, {
        message: `${node.httpUrl}/ponds to list one full pond`,
        describe: async () => getPonds(node),
      });
    }
    // Whichever process a player matchmade through, its socket went to the pond's process.
    const host = socketPort(first[0].session.socketUrl);
    expect(host === a.port || host === b.port).toBe(true);
    expect(first.map((r) => socketPort(r.session.socketUrl))).toEqual(Array(MAX_PLAYERS).fill(host));
    // They meet: each sees all of them.
    await waitFor(() => first.every((r) => r.session.connection!.all.size === MAX_PLAYERS), { message: "everyone to see everyone" });

    const late = [await pool.join({ url: via(1), name: "late-0" }), await pool.join({ url: via(0), name: "late-1" })];
    const secondId = late[0].session.roomId!;
    expect(secondId).not.toBe(pondId);
    expect(late[1].session.roomId).toBe(secondId);
    for (const node of [a, b]) {
      await waitFor(async () => sorted(await getPonds(node)).join() === [`${pondId}:3/3`, `${secondId}:2/3`].sort().join(), {
        message: `${node.httpUrl}/ponds to list the full pond and the new one`,
        describe: async () => getPonds(node),
      });
    }
  });

  it("joins the pond named in the link (joinById), and any pond when that one is gone", async () => {
    const via = (i: number) => (i % 2 === 0 ? a : b).httpUrl;
    const firstPond: RecordedSession[] = [];
    for (let i = 0; i < MAX_PLAYERS; i++) firstPond.push(await pool.join({ url: via(i), name: `p${i}` }));
    const friend = await pool.join({ url: via(1), name: "friend" });
    const linked = friend.session.roomId!;
    expect(linked).not.toBe(firstPond[0].session.roomId);
    // Free a seat in the first pond: now it is the fullest with room, so joinOrCreate would pick it.
    await firstPond[2].session.close();
    await waitFor(async () => (await getPonds(a)).some((p) => p.roomId === firstPond[0].session.roomId && p.clients === 2), {
      message: "the first pond to show 2 players",
    });

    // The link wins over the matchmaker's choice (the fuller first pond).
    const byLink = await pool.join({ url: via(0), name: "by-link", roomId: linked });
    expect(byLink.session.roomId).toBe(linked);

    const staleLink = await pool.join({ url: via(1), name: "stale-link", roomId: "no-such-pond" });
    expect(staleLink.session.roomId).toBeDefined();
    expect(staleLink.session.connection!.self!.name).toBe("stale-link");
  });

  it("does not bring a kicked player back by itself (application close codes end the session)", async () => {
    const rowdy = await pool.join({ url: a.httpUrl, name: "rowdy" });
    // The pond disconnects a client that keeps sending messages it cannot use (close code 4400).
    for (let i = 0; i < 40; i++) rowdy.session.connection!.room.send("no-such-type", {});
    await waitFor(() => rowdy.session.status === "offline", {
      message: "the kicked session to go offline",
      describe: () => rowdy.statuses,
    });
    expect(rowdy.statuses).not.toContain("moving");
    expect(rowdy.session.connection).toBeUndefined();
    expect(rowdy.session.counts.joins).toBe(1);
  });

  it("answers /health (live and ready) and exposes the pond metrics", async () => {
    for (const node of [a, b]) {
      const response = await fetch(`${node.httpUrl}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ live: true, ready: true });
    }
    const players = [await pool.join({ url: a.httpUrl, name: "m0" }), await pool.join({ url: b.httpUrl, name: "m1" })];
    const host = socketPort(players[0].session.socketUrl) === a.port ? a : b;
    // A message of a type the pond does not know is dropped and counted.
    players[0].session.connection!.room.send("no-such-type", {});

    await waitFor(async () => {
      const text = await (await fetch(`${host.httpUrl}/metrics`)).text();
      return metric(text, "pond_players") === 2
        && metric(text, "pond_rooms") === 1
        && (metric(text, "pond_bytes_sent_total") ?? 0) > 0
        && (metric(text, "pond_tick_duration_seconds_count") ?? 0) > 0
        && (metric(text, 'pond_messages_dropped_total{reason="unknown_type"}') ?? 0) >= 1;
    }, {
      timeoutMs: 10_000,
      message: "metrics to show 2 players in 1 pond, ticks, bytes sent and the dropped message",
      describe: async () => (await (await fetch(`${host.httpUrl}/metrics`)).text()).split("\n").filter((l) => l.startsWith("pond_")),
    });
    const text = await (await fetch(`${host.httpUrl}/metrics`)).text();
    for (const name of ["pond_players", "pond_rooms", "pond_tick_duration_seconds", "pond_bytes_sent_total", "pond_messages_dropped_total"]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} `, "m"));
    }
  });
});

/** The value of a sample line `<name> <value>` (name may include labels), or undefined. */
function metric(text: string, name: string): number | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name} `)) return Number(line.slice(name.length + 1));
  }
  return undefined;
}
