import { afterAll, beforeAll, expect, it } from "vitest";
import { stopAll } from "../../kit/process.ts";
import { waitFor, withTimeout } from "../../kit/waitFor.ts";
import { MatchmakeError, RawPeer, reserveSeat, seatUrl, type SeatReservation } from "../../kit/rawPeer.ts";
import { describeWithRedis, freshDatabase, startNode, type ClusterNode } from "./support/cluster.ts";

/** This file's Redis database (see freshDatabase): the other cluster files use 11 to 13, tests/deploy 14. */
const DB = 15;
const CAP = 3;
const address = (n: number) => `127.0.0.${n}`;

/**
 * MAX_CONNECTIONS_PER_IP across processes: with REDIS_URL every process publishes its count per
 * address (server/addressLedger.ts), so two processes hold one cap between them, not one each.
 * Players come from loopback source addresses (127.0.0.60 and on), into one pond on each
 * process; a process that crashes stops counting at once.
 */
describeWithRedis("one per-address cap for the whole cluster", (testRedis) => {
  const nodes: ClusterNode[] = [];
  const peers: RawPeer[] = [];

  beforeAll(async () => {
    const redisUrl = await freshDatabase(testRedis, DB);
    const env = { MAX_CONNECTIONS_PER_IP: String(CAP), JOIN_RATE_PER_IP: "1000" };
    nodes.push(...await Promise.all([startNode({ redisUrl, maxPlayers: 20, env }), startNode({ redisUrl, maxPlayers: 20, env })]));
  });

  afterAll(async () => {
    for (const p of peers) p.kill();
    await Promise.all(nodes.map((node) => node.stop()));
    await stopAll();
  });

  const nodeOf = (seat: SeatReservation) => nodes.find((n) => n.publicAddress === seat.publicAddress)!;

  /** Opens the socket for `seat` from `localAddress`; resolves once it joined or was refused. */
  async function open(seat: SeatReservation, localAddress: string): Promise<RawPeer> {
    const peer = new RawPeer(seatUrl(`ws://${seat.publicAddress}`, seat), { localAddress });
    peers.push(peer);
    await withTimeout(Promise.race([peer.joined, peer.closed]), 5000, `a socket from ${localAddress} to join or be refused`);
    return peer;
  }

  /** A player from `localAddress` in pond `roomId`, reserved through `via`. */
  async function join(via: ClusterNode, roomId: string, localAddress: string): Promise<RawPeer> {
    return open(await reserveSeat(via.httpUrl, {}, { method: "joinById", roomName: roomId, localAddress }), localAddress);
  }

  it("two processes hold one cap between them; a crashed process's count stops counting", async () => {
    // A pond on each process, each kept open by a player from an address of its own.
    const firstSeat = await reserveSeat(nodes[0].httpUrl, {}, { method: "create", localAddress: address(70) });
    const x = nodeOf(firstSeat);
    // The process hosting the first pond counts it and places the next one on the other process.
    const secondSeat = await reserveSeat(x.httpUrl, {}, { method: "create", localAddress: address(71) });
    const y = nodeOf(secondSeat);
    expect(y, "a pond on each process").not.toBe(x);
    for (const [seat, from] of [[firstSeat, address(70)], [secondSeat, address(71)]] as const) {
      expect((await open(seat, from)).reconnectionToken, `the pond keeper from ${from}`).toBeDefined();
    }
    const pondX = firstSeat.roomId;
    const pondY = secondSeat.roomId;

    // 127.0.0.60: two players on X, one on Y: the cap of 3, spread over both processes.
    const onX = [await join(x, pondX, address(60)), await join(x, pondX, address(60))];
    const onY = [await join(y, pondY, address(60))];
    for (const peer of [...onX, ...onY]) expect(peer.reconnectionToken, "127.0.0.60 under its cap").toBeDefined();

    // A fourth, on either process, is refused: Y alone holds one of 127.0.0.60's, X two.
    for (const [node, pond] of [[y, pondY], [x, pondX]] as const) {
      const refused = await join(node, pond, address(60));
      expect(refused.reconnectionToken, `a fourth player from 127.0.0.60 on ${node.publicAddress}`).toBeUndefined();
      expect((await refused.closed).code).toBe(4002);
      expect(refused.errors.map((e) => e.message).join(), "why").toMatch(/Too many connections/);
    }
    // Another address is not touched by 127.0.0.60's cap.
    for (const [node, pond] of [[x, pondX], [y, pondY]] as const) {
      expect((await join(node, pond, address(61))).reconnectionToken, `127.0.0.61 on ${node.publicAddress}`).toBeDefined();
    }

    // 127.0.0.62 sends 8 joins at once, 4 to each process: never more than 3 get in (the race
    // may refuse more than needed, never fewer), and the refused ones are uncounted again: joins
    // one at a time then fill its cap exactly.
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? join(x, pondX, address(62)) : join(y, pondY, address(62)))));
    const admitted = burst.filter((peer) => peer.reconnectionToken !== undefined).length;
    console.info(`[address cap] 8 joins at once from 127.0.0.62: ${admitted} admitted`);
    expect(admitted, "players from 127.0.0.62 admitted out of 8 sent at once to two processes").toBeLessThanOrEqual(CAP);
    for (let i = admitted; i < CAP; i++) {
      expect((await join(i % 2 === 0 ? y : x, i % 2 === 0 ? pondY : pondX, address(62))).reconnectionToken, `127.0.0.62's player ${i + 1}`).toBeDefined();
    }
    expect((await join(y, pondY, address(62))).reconnectionToken, "127.0.0.62 past its cap").toBeUndefined();

    // One of 127.0.0.60's players on X leaves: its place is free on Y.
    onX[0].leave();
    await onX[0].closed;
    const moved = await waitFor(async () => {
      const peer = await join(y, pondY, address(60));
      return peer.reconnectionToken !== undefined ? peer : undefined;
    }, { timeoutMs: 5000, intervalMs: 200, message: "127.0.0.60 to join on Y once one of its players left X" });
    onY.push(moved);

    // X crashes (no goodbye: SIGKILL) holding one of 127.0.0.60's players. Its count stops
    // counting: Y admits 127.0.0.60's third player there.
    x.proc.signal("SIGKILL");
    await x.proc.waitForExit(5000);
    const afterCrash = await join(y, pondY, address(60));
    expect(afterCrash.reconnectionToken, "127.0.0.60 on Y once X, which held one of its players, is gone").toBeDefined();
    const fourth = await join(y, pondY, address(60));
    expect(fourth.reconnectionToken, "and still no more than 3 (all on Y now)").toBeUndefined();
  });
});

/**
 * JOIN_RATE_PER_IP across processes: the address's seat reservations are counted in Redis too,
 * so an address that spreads them over two processes gets one budget, not one per process.
 */
describeWithRedis("one join budget per address for the whole cluster", (testRedis) => {
  const nodes: ClusterNode[] = [];
  /** JOIN_RATE_PER_IP 1 with MAX_CONNECTIONS_PER_IP 3: a burst of max(10, 5 × 1, 3) = 10, then 1/s. */
  const BURST = 10;

  beforeAll(async () => {
    const redisUrl = await freshDatabase(testRedis, DB);
    const env = { MAX_CONNECTIONS_PER_IP: String(CAP), JOIN_RATE_PER_IP: "1" };
    nodes.push(...await Promise.all([startNode({ redisUrl, maxPlayers: 20, env }), startNode({ redisUrl, maxPlayers: 20, env })]));
  });

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await stopAll();
  });

  /** Reservations from `localAddress`, alternating between the processes, until the first 429: how many got through. */
  async function reserveUntilRefused(localAddress: string, limit: number): Promise<number> {
    for (let i = 0; i < limit; i++) {
      try {
        await reserveSeat(nodes[i % 2].httpUrl, {}, { localAddress });
      } catch (error) {
        if (error instanceof MatchmakeError && error.status === 429) return i;
        throw error;
      }
    }
    return limit;
  }

  it("two processes share one join budget per address", async () => {
    // Each process alone would let 10 through (its own bucket): 20 in all, without the shared count.
    const through = await reserveUntilRefused(address(80), 3 * BURST);
    console.info(`[join budget] 127.0.0.80 alternating between two processes: ${through} reservations before a 429`);
    expect(through, "reservations from 127.0.0.80 before the first 429, across both processes").toBeGreaterThanOrEqual(BURST);
    // At most one more, if the reservations happened to straddle two windows of the sliding count.
    expect(through).toBeLessThanOrEqual(BURST + 1);
    for (const node of nodes) {
      await expect(reserveSeat(node.httpUrl, {}, { localAddress: address(80) }), `127.0.0.80 on ${node.publicAddress}`).rejects.toMatchObject({ status: 429 });
    }
    // Another address has its whole budget, on both processes.
    expect(await reserveUntilRefused(address(81), BURST), "127.0.0.81's reservations").toBe(BURST);
  });
});
