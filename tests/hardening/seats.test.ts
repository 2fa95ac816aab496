import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitFor, withTimeout } from "../../kit/waitFor.ts";
import { fetchHealth } from "../../kit/probes.ts";
import { MatchmakeError, RawPeer, reserveSeat, seatUrl, type SeatReservation } from "../../kit/rawPeer.ts";
import { PondSession, type SessionStatus } from "../../client/net/PondSession.ts";
import { RawTcpWebSocket } from "./support/rawTcp.ts";
import { startPond, type Pond } from "./support/pond.ts";

/**
 * One live socket per seat. A reconnection (with the seat's token) takes the seat over; the
 * socket it replaces must be closed, with a code of its own (4409, connected from elsewhere)
 * that the client does not reconnect on. Reconnections skip onAuth, so they are limited at the
 * socket: a budget per address, and an address at MAX_CONNECTIONS_PER_IP cannot add a socket by
 * reconnecting. Traffic from several loopback addresses (127.0.0.50 to .59), so a limit on one
 * address is seen to leave the others alone.
 *
 * Before: a replayed token took the seat, but the victim's socket stayed open, silent (no
 * patches), for as long as its peer kept it; 150 reconnect loops on one's own seat in 0.2 s left
 * 151 open server sockets for one seat; and a WebSocket reconnect to a live seat sat waiting 15 s.
 */
const CAP = 3;
/** JOIN_RATE_PER_IP 1: the reconnect budget is a burst of max(10, 5 × 1, CAP) = 10, then 1/s. */
const RECONNECT_BURST = 10;
const SEATLESS_GRACE_SECONDS = 3;
const address = (n: number) => `127.0.0.${n}`;
const CONNECTED_ELSEWHERE = 4409;

/** A player from `localAddress`, joined and acknowledged (it has its full state). */
async function join(pond: Pond, localAddress: string): Promise<{ peer: RawPeer; seat: SeatReservation }> {
  const seat = await reserveSeat(pond.httpUrl, {}, { localAddress });
  const peer = new RawPeer(seatUrl(pond.wsUrl, seat), { localAddress });
  await waitFor(() => peer.states > 0 || peer.closeInfo, { timeoutMs: 5000, message: `a player from ${localAddress} to get its state` });
  if (peer.closeInfo) throw new Error(`join from ${localAddress} refused: ${JSON.stringify(peer.closeInfo)} ${JSON.stringify(peer.errors)}`);
  return { peer, seat };
}

/** What the SDK's client.reconnect() does: POST /matchmake/reconnect with the token, then the socket. */
async function reconnectOverHttp(pond: Pond, roomId: string, token: string, localAddress: string): Promise<RawPeer> {
  const seat = await reserveSeat(pond.httpUrl, { reconnectionToken: token }, { method: "reconnect", roomName: roomId, localAddress });
  return new RawPeer(seatUrl(pond.wsUrl, seat, { reconnectionToken: token }), { localAddress });
}

/** The path the SDK's automatic reconnection opens (no HTTP first). */
function reconnectPath(seat: SeatReservation, token: string): string {
  const url = new URL(seatUrl("ws://h", seat, { reconnectionToken: token }));
  return url.pathname + url.search;
}

async function socketsOpen(pond: Pond): Promise<{ seated: number; seatless: number }> {
  const m = await pond.metrics();
  return { seated: m.sum("pond_sockets", { state: "seated" }), seatless: m.sum("pond_sockets", { state: "seatless" }) };
}

describe("one live socket per seat", () => {
  let pond: Pond;
  const peers: RawPeer[] = [];
  const tcp: RawTcpWebSocket[] = [];
  const sessions: PondSession[] = [];

  beforeAll(async () => {
    pond = await startPond({
      MAX_CONNECTIONS_PER_IP: String(CAP),
      JOIN_RATE_PER_IP: "1",
      RECONNECT_GRACE_SECONDS: "2",
      SEATLESS_GRACE_SECONDS: String(SEATLESS_GRACE_SECONDS),
    });
  });

  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
    for (const p of peers.splice(0)) p.kill();
    for (const t of tcp.splice(0)) t.destroy();
    let seen: unknown;
    await waitFor(async () => {
      const health = await fetchHealth(pond.httpUrl);
      const open = await socketsOpen(pond);
      seen = { players: health.players, ...open };
      return health.players === 0 && open.seated === 0 && open.seatless === 0;
    }, { timeoutMs: 10_000, message: "every player and socket gone", describe: () => seen });
  });

  afterAll(async () => {
    await pond?.stop();
  });

  it("a token replayed from another address closes the victim's socket with 4409; the seat keeps one socket", async () => {
    const { peer: victim, seat } = await join(pond, address(50));
    peers.push(victim);
    const attacker = await reconnectOverHttp(pond, seat.roomId, victim.reconnectionToken!, address(51));
    peers.push(attacker);
    expect(await withTimeout(attacker.joined, 5000, "the replayed token's socket to join"), "the replay took the seat").toBe(true);

    const closed = await withTimeout(victim.closed, 5000, "the victim's socket to be closed");
    expect(closed.code, "the victim's close code").toBe(CONNECTED_ELSEWHERE);
    await waitFor(() => attacker.patches > 0, { timeoutMs: 5000, message: "the new socket to receive patches" });
    let seen: unknown;
    await waitFor(async () => {
      seen = await socketsOpen(pond);
      return (seen as { seated: number }).seated === 1 && (seen as { seatless: number }).seatless === 0;
    }, { timeoutMs: 5000, message: "the server to hold exactly one socket (the seat's)", describe: () => seen });
    expect((await fetchHealth(pond.httpUrl)).players, "still one player").toBe(1);

    // Straight over WebSocket, as the SDK reconnects: the seat changes hands at once (Colyseus
    // alone would hold this socket up to 15 s waiting for the open one to drop).
    const started = performance.now();
    const third = await RawTcpWebSocket.attempt(pond.port, reconnectPath(seat, attacker.reconnectionToken!), address(52));
    tcp.push(third);
    expect(third.upgradeStatus).toBe(101);
    expect(await withTimeout(third.joined, 3000, "the WebSocket reconnection to join"), "a WebSocket reconnection takes a live seat").toBe(true);
    expect(performance.now() - started, "ms to take the seat").toBeLessThan(3000);
    expect((await withTimeout(attacker.closed, 3000, "the replaced socket to be closed")).code).toBe(CONNECTED_ELSEWHERE);
  });

  it("a PondSession whose seat is taken goes offline with 4409 and does not reconnect", async () => {
    const statuses: Array<[SessionStatus, number | undefined]> = [];
    const session = new PondSession({ url: pond.httpUrl, name: "first-tab", reconnection: { minUptime: 0 } }, {
      onStatus: (status, detail) => statuses.push([status, detail.code]),
    });
    sessions.push(session);
    const connection = await session.start();
    await waitFor(() => connection.self !== undefined, { timeoutMs: 5000, message: "the session's own tadpole" });
    const [roomId, token] = connection.room.reconnectionToken.split(":");

    // "Another tab": the same seat, reconnected from elsewhere.
    const other = await reconnectOverHttp(pond, roomId, token, address(53));
    peers.push(other);
    expect(await withTimeout(other.joined, 5000, "the other tab to take the seat")).toBe(true);

    await waitFor(() => session.status === "offline", { timeoutMs: 5000, message: "the first tab to go offline", describe: () => statuses });
    // The session decides in the close handler: had it meant to reconnect or move, it would have
    // said "reconnecting" or "moving" instead of "offline".
    expect(statuses).toEqual([["connecting", undefined], ["connected", undefined], ["offline", CONNECTED_ELSEWHERE]]);
    expect(session.connection, "no connection kept").toBeUndefined();
    expect(session.counts).toMatchObject({ joins: 1, moves: 0, drops: 0, reconnects: 0 });
    expect(connection.room.reconnection.isReconnecting, "the SDK is not retrying").toBe(false);
    await waitFor(() => other.patches > 0, { timeoutMs: 5000, message: "the other tab to keep the seat" });
    expect(other.isOpen).toBe(true);
  });

  it("an address at its connection cap cannot add a socket by reconnecting", async () => {
    const players = [];
    for (let i = 0; i < CAP; i++) players.push(await join(pond, address(54)));
    peers.push(...players.map((p) => p.peer));
    const [first] = players;

    // The first player's socket is still open: reconnecting would make a fourth socket.
    const refused = await RawTcpWebSocket.attempt(pond.port, reconnectPath(first.seat, first.peer.reconnectionToken!), address(54));
    tcp.push(refused);
    expect(refused.upgradeStatus, "a reconnection from an address at its cap").toBe(429);
    expect(first.peer.isOpen, "the seat's own socket untouched").toBe(true);
    const m = await pond.metrics();
    expect(m.sum("pond_clients_kicked_total", { reason: "too_many_connections" }), "counted").toBeGreaterThanOrEqual(1);

    // Once that socket is gone (a drop: the seat waits), the address is under its cap again.
    const token = first.peer.reconnectionToken!;
    first.peer.kill();
    await waitFor(async () => (await socketsOpen(pond)).seated === CAP - 1, { timeoutMs: 5000, message: "the server to see the drop" });
    const back = await RawTcpWebSocket.attempt(pond.port, reconnectPath(first.seat, token), address(54));
    tcp.push(back);
    expect(back.upgradeStatus).toBe(101);
    expect(await withTimeout(back.joined, 5000, "the dropped player to reconnect")).toBe(true);
  });

  it("a reconnect flood on one's own seat: never more sockets than the cap, refused past the budget, other addresses unaffected", async () => {
    const { peer: own, seat } = await join(pond, address(55));
    peers.push(own);
    const { peer: neighbour, seat: neighbourSeat } = await join(pond, address(56));
    peers.push(neighbour);

    // 150 reconnections at once on its own seat, straight over WebSocket, from sockets that never
    // answer a close: every socket the server accepts stays open on its side until cut.
    const flood = await Promise.all(Array.from({ length: 150 }, () =>
      RawTcpWebSocket.attempt(pond.port, reconnectPath(seat, own.reconnectionToken!), address(55))));
    tcp.push(...flood);
    const accepted = flood.filter((ws) => ws.upgradeStatus === 101);
    const refused = flood.filter((ws) => ws.upgradeStatus === 429);
    console.info(`[seats] flood of 150: ${accepted.length} accepted, ${refused.length} refused (429)`);
    expect(accepted.length + refused.length, "every attempt answered").toBe(150);
    expect(accepted.length, "sockets accepted from an address with a cap of 3").toBeLessThanOrEqual(CAP);
    expect(accepted.length, "the first reconnection goes through").toBeGreaterThanOrEqual(1);
    const joined = await Promise.all(accepted.map((ws) => Promise.race([ws.joined, ws.ended.then(() => false)])));
    expect(joined.filter(Boolean).length, "exactly one of them took the seat").toBe(1);
    expect((await withTimeout(own.closed, 5000, "the replaced socket to close")).code).toBe(CONNECTED_ELSEWHERE);

    // Meanwhile the neighbour drops and reconnects as usual.
    const neighbourToken = neighbour.reconnectionToken!;
    neighbour.kill();
    await neighbour.closed;
    const neighbourBack = await reconnectOverHttp(pond, neighbourSeat.roomId, neighbourToken, address(56));
    peers.push(neighbourBack);
    expect(await withTimeout(neighbourBack.joined, 5000, "the other address to reconnect"), "127.0.0.56 reconnects during 127.0.0.55's flood").toBe(true);

    // The flood's refused sockets are cut after the grace: the seat is left with one socket.
    let seen: unknown;
    await waitFor(async () => {
      seen = await socketsOpen(pond);
      return (seen as { seated: number }).seated === 2 && (seen as { seatless: number }).seatless === 0;
    }, { timeoutMs: (SEATLESS_GRACE_SECONDS + 3) * 1000, message: "one socket per seat (two players)", describe: () => seen });

    // The budget: what is left of the burst of 10 (the flood spent what the cap let through, and it
    // has refilled at 1/s since) goes, then 429.
    let refusedAt = -1;
    for (let i = 0; i < 3 * RECONNECT_BURST && refusedAt < 0; i++) {
      try {
        await reserveSeat(pond.httpUrl, { reconnectionToken: "not-a-token" }, { method: "reconnect", roomName: seat.roomId, localAddress: address(55) });
      } catch (error) {
        if (!(error instanceof MatchmakeError)) throw error;
        if (error.status === 429) refusedAt = i;
      }
    }
    expect(refusedAt, "127.0.0.55 refused (429) once its reconnect budget was spent").toBeGreaterThanOrEqual(0);
    expect(refusedAt, "within the burst").toBeLessThanOrEqual(RECONNECT_BURST);
    const again = await RawTcpWebSocket.attempt(pond.port, reconnectPath(seat, "whatever"), address(55));
    tcp.push(again);
    expect(again.upgradeStatus, "a WebSocket reconnection past the budget").toBe(429);
    // Another address's budget is whole.
    const other = await RawTcpWebSocket.attempt(pond.port, reconnectPath(neighbourSeat, neighbourBack.reconnectionToken!), address(56));
    tcp.push(other);
    expect(other.upgradeStatus, "127.0.0.56 reconnecting while 127.0.0.55 is refused").toBe(101);
    expect(await withTimeout(other.joined, 5000, "127.0.0.56's reconnection")).toBe(true);
  });
});
