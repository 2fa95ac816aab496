import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../kit/waitFor.ts";
import { fetchHealth } from "../../kit/probes.ts";
import { MatchmakeError, RawPeer, reserveSeat, seatUrl } from "../../kit/rawPeer.ts";
import { startPond, type Pond } from "./support/pond.ts";

/**
 * Per-address limits seen from several loopback source addresses (127.0.0.2, .3, ...): each limit
 * must hold for one address and leave every other address untouched. Traffic from 127.0.0.1 alone
 * cannot tell a per-address limit from one limit for the whole server, which once shipped: the
 * matchmaking request carried no address, so all players shared one key.
 */
const address = (n: number) => `127.0.0.${n}`;

async function join(pond: Pond, localAddress: string): Promise<RawPeer> {
  const seat = await reserveSeat(pond.httpUrl, {}, { localAddress });
  const peer = new RawPeer(seatUrl(pond.wsUrl, seat), { localAddress });
  await Promise.race([peer.joined, peer.closed]);
  return peer;
}

describe("a default server, players from many addresses", () => {
  let pond: Pond;
  const peers: RawPeer[] = [];

  beforeAll(async () => {
    // The defaults (MAX_CONNECTIONS_PER_IP 20, MAX_PLAYERS 500), except a short reconnect grace.
    pond = await startPond({ RECONNECT_GRACE_SECONDS: "1" });
  });

  afterAll(async () => {
    for (const p of peers) p.kill();
    await pond?.stop();
  });

  it("admits more players in all than one address may hold", async () => {
    // 5 addresses x 6 players = 30, past the per-address default of 20.
    for (let a = 2; a <= 6; a++) {
      for (let i = 0; i < 6; i++) {
        const peer = await join(pond, address(a));
        peers.push(peer);
        expect(peer.reconnectionToken, `player ${i + 1} from ${address(a)} admitted (close ${JSON.stringify(peer.closeInfo)})`).toBeDefined();
      }
    }
    expect((await fetchHealth(pond.httpUrl)).players).toBe(30);
  });
});

describe("per-address limits with several addresses at once", () => {
  let pond: Pond;
  const peers: RawPeer[] = [];

  beforeAll(async () => {
    pond = await startPond({ MAX_CONNECTIONS_PER_IP: "2", JOIN_RATE_PER_IP: "1", RECONNECT_GRACE_SECONDS: "1", COLYSEUS_SEAT_RESERVATION_TIME: "3" });
  });

  afterEach(async () => {
    for (const p of peers.splice(0)) p.leave();
    await waitFor(async () => (await fetchHealth(pond.httpUrl)).players === 0, { timeoutMs: 10_000, message: "every player gone" });
  });

  afterAll(async () => {
    await pond?.stop();
  });

  it("an address at its connection cap leaves other addresses free to join", async () => {
    for (let i = 0; i < 2; i++) peers.push(await join(pond, address(7)));
    expect(peers.every((p) => p.reconnectionToken !== undefined), "two players from 127.0.0.7").toBe(true);
    const third = await join(pond, address(7));
    peers.push(third);
    expect(third.reconnectionToken, "a third player from 127.0.0.7").toBeUndefined();
    expect((await third.closed).code).toBe(4002);
    for (const n of [8, 9]) {
      for (let i = 0; i < 2; i++) {
        const peer = await join(pond, address(n));
        peers.push(peer);
        expect(peer.reconnectionToken, `player ${i + 1} from ${address(n)} while 127.0.0.7 is at its cap`).toBeDefined();
      }
    }
    expect((await fetchHealth(pond.httpUrl)).players).toBe(6);
  });

  it("an address that drains its join budget leaves other addresses' budgets whole", async () => {
    let refusedAt = -1;
    for (let i = 0; i < 60 && refusedAt < 0; i++) {
      try {
        await reserveSeat(pond.httpUrl, {}, { localAddress: address(10) });
      } catch (error) {
        if (!(error instanceof MatchmakeError) || error.status !== 429) throw error;
        refusedAt = i;
      }
    }
    expect(refusedAt, "127.0.0.10 was refused (429) once its burst was spent").toBeGreaterThan(0);
    await expect(reserveSeat(pond.httpUrl, {}, { localAddress: address(10) }), "127.0.0.10 stays refused").rejects.toMatchObject({ status: 429 });
    // Each other address still has its whole burst (10 at this join rate).
    for (const n of [11, 12]) {
      for (let i = 0; i < 5; i++) {
        await expect(reserveSeat(pond.httpUrl, {}, { localAddress: address(n) }), `reservation ${i + 1} from ${address(n)}`).resolves.toMatchObject({ roomId: expect.any(String) });
      }
    }
  });
});
