import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../kit/waitFor.ts";
import { fetchHealth, fetchPonds } from "../../kit/probes.ts";
import { MatchmakeError, RawPeer, reserveSeat, seatUrl } from "../../kit/rawPeer.ts";
import { startPond, type Pond } from "./support/pond.ts";

/**
 * Admission limits against one address: open connections per IP, and seat reservations (the
 * HTTP matchmaking call that precedes every WebSocket). A reservation holds a seat, and its join
 * options, for the seat reservation time whether or not a socket ever comes, so without a limit
 * one address can fill ponds (the matchmaker then opens more) and park up to 1 MiB of options per
 * request in memory. This server runs the default join rate.
 */
const MAX_PER_IP = 5;

/** Reserves a seat, waiting out a join-rate refusal (429): the first tests are not about that limit. */
async function patientSeat(httpUrl: string) {
  return waitFor(async () => {
    try {
      return await reserveSeat(httpUrl);
    } catch (error) {
      if (error instanceof MatchmakeError && error.status === 429) return undefined;
      throw error;
    }
  }, { timeoutMs: 15_000, intervalMs: 300, message: "a seat (past the join rate)" });
}

/** What `request` was refused with (undefined if it was not refused). */
function refusalOf(request: Promise<unknown>): Promise<unknown> {
  return request.then(() => undefined, (error: unknown) => error);
}

async function patientJoin(httpUrl: string, wsUrl: string): Promise<RawPeer> {
  const peer = new RawPeer(seatUrl(wsUrl, await patientSeat(httpUrl)));
  if (!(await Promise.race([peer.joined, peer.closed.then(() => false)]))) throw new Error(`join refused: ${JSON.stringify(peer.closeInfo)} ${JSON.stringify(peer.errors)}`);
  return peer;
}

describe("admission limits per address", () => {
  let pond: Pond;
  const peers: RawPeer[] = [];

  beforeAll(async () => {
    pond = await startPond({ MAX_CONNECTIONS_PER_IP: String(MAX_PER_IP), RECONNECT_GRACE_SECONDS: "1", COLYSEUS_SEAT_RESERVATION_TIME: "3" });
  });

  afterAll(async () => {
    for (const p of peers) p.kill();
    await pond?.stop();
  });

  it(`allows ${MAX_PER_IP} open connections from one address, refuses the next, and frees the slot when one leaves`, async () => {
    for (let i = 0; i < MAX_PER_IP; i++) peers.push(await patientJoin(pond.httpUrl, pond.wsUrl));
    const seat = await patientSeat(pond.httpUrl);
    const extra = new RawPeer(seatUrl(pond.wsUrl, seat));
    peers.push(extra);
    const closed = await extra.closed;
    expect(extra.reconnectionToken, "the connection over the limit was admitted").toBeUndefined();
    expect(closed.code).toBe(4002);
    peers[0].leave();
    await peers[0].closed;
    // A consented leave frees the slot at once.
    const again = await waitFor(async () => {
      try {
        return await patientJoin(pond.httpUrl, pond.wsUrl);
      } catch {
        return undefined;
      }
    }, { timeoutMs: 15_000, message: "a join to succeed once a slot is free" });
    peers.push(again);
    for (const p of peers) p.kill();
    await Promise.all(peers.map((p) => p.closed));
  });

  it("cannot be dodged by claiming another address in X-Forwarded-For / X-Real-IP / X-Client-IP", async () => {
    // The server is reached directly here (no proxy in front): a forwarding header is the
    // client's own claim. (203.0.113.0/24 is a documentation range; nothing is sent there.)
    // First, the previous test's abruptly closed sockets release their slots (after the grace).
    await waitFor(async () => (await fetchHealth(pond.httpUrl)).players === 0, { timeoutMs: 5000, message: "every slot free" });
    const honest: RawPeer[] = [];
    for (let i = 0; i < MAX_PER_IP; i++) honest.push(await patientJoin(pond.httpUrl, pond.wsUrl));
    peers.push(...honest);
    const admitted: string[] = [];
    for (const header of ["X-Forwarded-For", "X-Real-IP", "X-Client-IP"]) {
      const seat = await patientSeat(pond.httpUrl);
      const spoofed = new RawPeer(seatUrl(pond.wsUrl, seat), { headers: { [header]: `203.0.113.${admitted.length + 10}` } });
      peers.push(spoofed);
      await Promise.race([spoofed.joined, spoofed.closed]);
      if (spoofed.reconnectionToken !== undefined) admitted.push(header);
      spoofed.kill();
    }
    for (const p of honest) p.leave();
    await Promise.all(honest.map((p) => p.closed));
    expect(admitted, "connections over the per-IP limit admitted thanks to a forwarding header").toEqual([]);
  });

  it("limits how fast one address may reserve seats", async () => {
    let accepted = 0;
    let refused = 0;
    for (let i = 0; i < 150; i++) {
      try {
        await reserveSeat(pond.httpUrl);
        accepted++;
      } catch (error) {
        if (!(error instanceof MatchmakeError)) throw error;
        refused++;
      }
    }
    const ponds = await fetchPonds(pond.httpUrl);
    console.info(`[admission] 150 reservations from one address: ${accepted} accepted, ${refused} refused; ponds ${JSON.stringify(ponds)}`);
    expect(refused, "reservations refused").toBeGreaterThan(0);
    expect(ponds.length, "ponds opened by reservations alone").toBeLessThanOrEqual(1);
    // Claiming to be someone else does not reset the limit.
    let spoofRefused = 0;
    for (let i = 0; i < 20; i++) {
      await reserveSeat(pond.httpUrl, {}, { headers: { "X-Forwarded-For": `203.0.113.${100 + i}` } }).catch(() => { spoofRefused++; });
    }
    expect(spoofRefused, "reservations with a fresh forwarding header each, after the limit was reached").toBeGreaterThan(0);
  });

  // From addresses of their own: this one's join budget is spent by now, and a 429 would pass for a size cap.
  it("refuses a matchmaking body over 4 KB with 413, before reading it", async () => {
    const refused = await refusalOf(reserveSeat(pond.httpUrl, { name: "N".repeat(500_000) }, { timeoutMs: 10_000, localAddress: "127.0.0.20" }));
    expect(refused, "a 500 kB join request").toBeInstanceOf(MatchmakeError);
    expect((refused as MatchmakeError).status).toBe(413);
  });

  it("refuses a matchmaking body of undeclared length (chunked) with 411", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${pond.httpUrl}/matchmake/joinOrCreate/pond`, {
        method: "POST",
        localAddress: "127.0.0.21",
        headers: { "Content-Type": "application/json", "Transfer-Encoding": "chunked" },
        timeout: 5000,
      }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on("error", reject);
      req.write('{"name":');
      req.end('"Chunky"}');
    });
    expect(status).toBe(411);
  });

  it("refuses join options over 1 KB with 400 (a body small enough to read)", async () => {
    const refused = await refusalOf(reserveSeat(pond.httpUrl, { name: "N".repeat(3000) }, { timeoutMs: 10_000, localAddress: "127.0.0.22" }));
    expect(refused, "a 3 kB join request").toBeInstanceOf(MatchmakeError);
    expect((refused as MatchmakeError).status).toBe(400);
    // And a normal one from the same address still gets its seat.
    await expect(reserveSeat(pond.httpUrl, { name: "Ok" }, { localAddress: "127.0.0.22" })).resolves.toMatchObject({ roomId: expect.any(String) });
  });
});

/**
 * The per-address connection limit on its own, with the join rate out of the way: Colyseus skips
 * an instance-level onAuth when the room also has a static one, which once silently disabled this
 * limit while the join-rate burst above happened to hold the line.
 */
describe("the per-address connection limit alone", () => {
  let pond: Pond;
  const peers: RawPeer[] = [];

  beforeAll(async () => {
    pond = await startPond({ MAX_CONNECTIONS_PER_IP: "3", JOIN_RATE_PER_IP: "1000", RECONNECT_GRACE_SECONDS: "1" });
  });

  afterAll(async () => {
    for (const p of peers) p.kill();
    await pond?.stop();
  });

  it("refuses a fourth open connection from one address although the join rate would allow it", async () => {
    for (let i = 0; i < 3; i++) peers.push(await patientJoin(pond.httpUrl, pond.wsUrl));
    const extra = new RawPeer(seatUrl(pond.wsUrl, await reserveSeat(pond.httpUrl)));
    peers.push(extra);
    const closed = await extra.closed;
    expect(extra.reconnectionToken, "the connection over the limit was admitted").toBeUndefined();
    expect(closed.code).toBe(4002);
    expect((await fetchHealth(pond.httpUrl)).players).toBe(3);
  });
});
