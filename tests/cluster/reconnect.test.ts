import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { plainTadpole } from "../helpers/pondClient.ts";
import { stopAll } from "../../kit/process.ts";
import { waitFor } from "../../kit/waitFor.ts";
import { describeWithRedis, freshDatabase, getPonds, startNode, type ClusterNode } from "./support/cluster.ts";
import { SessionPool } from "./support/sessions.ts";
import { TcpProxy } from "../../kit/tcpProxy.ts";

/** This file's Redis database (see freshDatabase). */
const DB = 12;
/** Short, so the "grace ran out" cases finish quickly; long enough for a blip to reconnect. */
const GRACE_SECONDS = 3;

/**
 * A player's socket is cut mid-game (no close frame: a lost network, not a goodbye). Clients
 * reach the server through a TCP proxy (the server advertises the proxy as PUBLIC_ADDRESS), so
 * the test can cut one player's socket and park its reconnection while it looks around.
 */
describeWithRedis("reconnecting after a network blip", (testRedis) => {
  let node: ClusterNode;
  let proxy: TcpProxy | undefined;
  let url: string;
  const pool = new SessionPool();
  // The SDK refuses to re-attach connections younger than minUptime (5 s by default).
  const reconnection = { minUptime: 0 };

  beforeAll(async () => {
    const redisUrl = await freshDatabase(testRedis, DB);
    node = await startNode({
      redisUrl,
      maxPlayers: 10,
      reconnectGraceSeconds: GRACE_SECONDS,
      publicAddress: async (port) => {
        await proxy?.close();
        proxy = await TcpProxy.start(port);
        return `127.0.0.1:${proxy.port}`;
      },
    });
    url = `http://127.0.0.1:${proxy!.port}`;
  });

  afterEach(async () => {
    proxy?.release();
    await pool.closeAll();
    if (node && !node.proc.hasExited) {
      await waitFor(async () => (await getPonds(node)).length === 0, { timeoutMs: 10_000, message: "every pond to be disposed" });
    }
  });

  afterAll(async () => {
    proxy?.release();
    await pool.closeAll();
    await node?.stop();
    await proxy?.close();
    await stopAll();
  });

  it("keeps the same tadpole (session, name, position) and others see it go away and come back", async () => {
    const observer = await pool.join({ url, name: "observer" });
    const player = await pool.join({ url, name: "blippy", reconnection });
    const id = player.session.sessionId!;
    expect(player.session.roomId).toBe(observer.session.roomId);
    const seen = await waitFor(() => observer.session.connection!.all.get(id), { message: "the observer to see the player" });
    const before = plainTadpole(player.session.connection!.self!);
    const connection = player.session.connection;

    proxy!.hold();
    expect(proxy!.cutSession(id)).toBe(1);
    await waitFor(() => player.session.status === "reconnecting", { message: "the player to notice the drop" });
    // The pond keeps the tadpole, marked away, while the player is gone.
    await waitFor(() => seen.away === true, { message: "the observer to see the tadpole away" });
    expect(observer.session.connection!.all.get(id)).toBe(seen);

    proxy!.release();
    // The reconnected socket starts from the state as of the last patch (shared by every join in
    // that tick), so its own tadpole comes back in the next patch, which reaches each socket in turn.
    await waitFor(() => player.session.status === "connected" && seen.away === false && player.session.connection!.self?.away === false, {
      message: "the player to be back and no longer away, for the observer and for itself",
      describe: () => ({ status: player.session.status, away: seen.away, selfAway: player.session.connection!.self?.away, statuses: player.statuses }),
    });
    // Same connection object, same seat, same tadpole: nothing was rejoined.
    expect(player.session.connection).toBe(connection);
    expect(player.session.sessionId).toBe(id);
    expect(player.session.counts).toMatchObject({ joins: 1, moves: 0, drops: 1, reconnects: 1 });
    expect(player.statuses).toEqual(["connecting", "connected", "reconnecting", "connected"]);
    const after = plainTadpole(player.session.connection!.self!);
    expect(after).toMatchObject({ name: "blippy", hue: before.hue, x: before.x, y: before.y, away: false });
    // The observer never saw it vanish and reappear, and still holds the same object.
    expect(observer.removed).not.toContain(id);
    expect(observer.added.filter((added) => added === id)).toHaveLength(1);
    expect(observer.session.connection!.all.get(id)).toBe(seen);
    // The reconnected player still receives the pond (callbacks survived the reconnect).
    expect(player.session.connection!.all.has(observer.session.sessionId!)).toBe(true);
    const bystander = await pool.join({ url, name: "late" });
    await waitFor(() => player.session.connection!.all.has(bystander.session.sessionId!), {
      message: "the reconnected player to see a newcomer",
    });
  });

  it("joins again under the same name when the pond gave up waiting (grace over)", async () => {
    const observer = await pool.join({ url, name: "observer" });
    const player = await pool.join({ url, name: "slowpoke", reconnection });
    const id = player.session.sessionId!;
    await waitFor(() => observer.session.connection!.all.has(id), { message: "the observer to see the player" });
    player.session.rename("renamed");
    await waitFor(() => observer.session.connection!.all.get(id)?.name === "renamed", { message: "the rename to reach the pond" });

    proxy!.hold();
    expect(proxy!.cutSession(id)).toBe(1);
    // Grace runs out: the pond drops the tadpole for good.
    await waitFor(() => observer.removed.includes(id), { timeoutMs: (GRACE_SECONDS + 5) * 1000, message: "the pond to drop the tadpole after the grace period" });
    proxy!.release();
    // The SDK's reconnection is refused (4003); the session joins again through the matchmaker.
    await waitFor(() => player.session.status === "connected" && player.session.sessionId !== id && player.session.connection?.self !== undefined, {
      timeoutMs: 15_000,
      message: "the player to be in a pond again",
      describe: () => ({ status: player.session.status, statuses: player.statuses }),
    });
    expect(player.statuses).toContain("moving");
    expect(player.session.connection!.self!.name).toBe("renamed");
    expect(player.session.counts).toMatchObject({ joins: 2, moves: 1 });
  });

  it("a rename the pond had not answered when the socket was cut is the name it joins again with", async () => {
    const player = await pool.join({ url, name: "hasty", reconnection });
    const id = player.session.sessionId!;
    await waitFor(() => player.session.connection!.self !== undefined, { message: "the player's tadpole" });
    // Cut at once: whether or not the rename reached the pond, its answer cannot come back.
    player.session.rename("renamed");
    proxy!.hold();
    expect(proxy!.cutSession(id)).toBe(1);
    await waitFor(async () => (await getPonds(node)).length === 0, { timeoutMs: (GRACE_SECONDS + 5) * 1000, message: "the pond to drop the tadpole after the grace period" });
    proxy!.release();
    await waitFor(() => player.session.status === "connected" && player.session.sessionId !== id && player.session.connection?.self !== undefined, {
      timeoutMs: 15_000,
      message: "the player to be in a pond again",
      describe: () => ({ status: player.session.status, statuses: player.statuses }),
    });
    expect(player.session.connection!.self!.name).toBe("renamed");
  });

  it("stops for good when closed while reconnecting (no tadpole comes back on its own)", async () => {
    const observer = await pool.join({ url, name: "observer" });
    const player = await pool.join({ url, name: "quitter", reconnection });
    const id = player.session.sessionId!;
    await waitFor(() => observer.session.connection!.all.has(id), { message: "the observer to see the player" });

    proxy!.hold();
    expect(proxy!.cutSession(id)).toBe(1);
    await waitFor(() => player.session.status === "reconnecting" && proxy!.waiting > 0, { message: "a reconnection attempt to be parked" });
    await player.session.close();
    expect(player.session.status).toBe("offline");
    proxy!.release();
    // The parked attempt reaches the server with its socket already closed, so the server ends
    // the seat (a reconnection that drops mid-handshake is a leave); if it never arrived, the
    // grace period would. Either way nobody re-attaches.
    await waitFor(() => observer.removed.includes(id), { timeoutMs: (GRACE_SECONDS + 5) * 1000, message: "the pond to drop the tadpole" });
    // Barrier: a newcomer shows up for the observer, so later patches have arrived too.
    const newcomer = await pool.join({ url, name: "newcomer" });
    await waitFor(() => observer.session.connection!.all.has(newcomer.session.sessionId!), { message: "the observer to see the newcomer" });
    expect(observer.session.connection!.all.has(id)).toBe(false);
    expect((await getPonds(node)).map((p) => p.clients)).toEqual([2]);
    expect(player.session.status).toBe("offline");
    expect(player.session.connection).toBeUndefined();
  });
});
