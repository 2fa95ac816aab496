import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitFor, withTimeout } from "../../kit/waitFor.ts";
import { fetchHealth } from "../../kit/probes.ts";
import { Code, RawPeer, reserveSeat, seatUrl } from "../../kit/rawPeer.ts";
import { RawTcpWebSocket } from "./support/rawTcp.ts";
import { startPond, type Pond } from "./support/pond.ts";

/**
 * Sockets that never get a seat: a bare `ws://host/`, a room or session that does not exist, a
 * socket that only pings. Colyseus asks them to close (after 1 s, or at once), but a peer that
 * ignores the close frame kept its socket open, and answered, for the `ws` close timeout (30 s),
 * and nothing limited how many one address opened. Now each is cut SEATLESS_GRACE_SECONDS after
 * it opened, and an address may hold MAX_SEATLESS_PER_IP of them at once; past that its upgrades
 * are answered 429, while other addresses, and this address's real players, are unaffected.
 * The peers here are hand-made WebSockets (support/rawTcp.ts) that never answer a close frame.
 */
const GRACE_SECONDS = 2;
const MAX_SEATLESS = 3;
const address = (n: number) => `127.0.0.${n}`;
/** Time from the upgrade to the end of the TCP connection allowed: the grace, the 1 s close handshake it gives, and slack for a busy machine. */
const CUT_WITHIN_MS = GRACE_SECONDS * 1000 + 1000 + 1500;

async function seatless(pond: Pond): Promise<number> {
  return (await pond.metrics()).sum("pond_sockets", { state: "seatless" });
}

describe("sockets without a seat", () => {
  let pond: Pond;
  const tcp: RawTcpWebSocket[] = [];
  const peers: RawPeer[] = [];

  beforeAll(async () => {
    pond = await startPond({ SEATLESS_GRACE_SECONDS: String(GRACE_SECONDS), MAX_SEATLESS_PER_IP: String(MAX_SEATLESS), RECONNECT_GRACE_SECONDS: "1" });
  });

  afterEach(async () => {
    for (const t of tcp.splice(0)) t.destroy();
    for (const p of peers.splice(0)) p.kill();
    await waitFor(async () => (await seatless(pond)) === 0 && (await fetchHealth(pond.httpUrl)).players === 0, {
      timeoutMs: 10_000,
      message: "no seatless socket and no player left",
    });
  });

  afterAll(async () => {
    await pond?.stop();
  });

  it("are cut after the grace, whatever they send, and however they ignore the close", async () => {
    const kinds: Array<[string, string, (ws: RawTcpWebSocket) => void]> = [
      ["bare path, Colyseus PINGs", "/", (ws) => ws.send({ opcode: 2, payload: Buffer.of(Code.PING) })],
      ["unknown room", "/p/no-such-room?sessionId=nobody", (ws) => ws.send({ opcode: 2, payload: Buffer.of(Code.PING) })],
      ["bare path, WebSocket pings only", "/", (ws) => ws.send({ opcode: 9, payload: Buffer.of(1) })],
    ];
    const opened = await Promise.all(kinds.map(async ([label, path, send]) => {
      const ws = await RawTcpWebSocket.attempt(pond.port, path, address(40));
      tcp.push(ws);
      const at = performance.now();
      const timer = setInterval(() => send(ws), 50);
      void ws.ended.then(() => clearInterval(timer));
      return { label, ws, at };
    }));
    for (const { label, ws } of opened) expect(ws.upgradeStatus, `${label}: upgraded`).toBe(101);
    await waitFor(() => opened.every(({ ws }) => ws.isEnded), {
      timeoutMs: CUT_WITHIN_MS + 1000,
      message: "every seatless socket to be cut",
      describe: () => opened.filter(({ ws }) => !ws.isEnded).map(({ label }) => label),
    });
    for (const { label, ws, at } of opened) {
      const lived = ws.endedAt! - at;
      expect(lived, `${label}: ms from upgrade to cut`).toBeLessThanOrEqual(CUT_WITHIN_MS);
      expect(lived, `${label}: not before the grace`).toBeGreaterThanOrEqual(GRACE_SECONDS * 1000 - 100);
    }
    const m = await pond.metrics();
    expect(m.sum("pond_clients_kicked_total", { reason: "no_seat" }), "cuts counted").toBeGreaterThanOrEqual(kinds.length);
  });

  it(`are capped at ${MAX_SEATLESS} per address, without touching other addresses or the address's real players`, async () => {
    const held: RawTcpWebSocket[] = [];
    for (let i = 0; i < MAX_SEATLESS; i++) {
      const ws = await RawTcpWebSocket.attempt(pond.port, "/", address(41));
      tcp.push(ws);
      held.push(ws);
      expect(ws.upgradeStatus, `seatless socket ${i + 1} from 127.0.0.41`).toBe(101);
    }
    const over = await RawTcpWebSocket.attempt(pond.port, "/p/no-such-room?sessionId=nobody", address(41));
    tcp.push(over);
    expect(over.upgradeStatus, `seatless socket ${MAX_SEATLESS + 1} from 127.0.0.41`).toBe(429);
    expect((await pond.metrics()).sum("pond_clients_kicked_total", { reason: "seatless_sockets" }), "counted").toBeGreaterThanOrEqual(1);

    // Another address has its own allowance.
    for (let i = 0; i < MAX_SEATLESS; i++) {
      const ws = await RawTcpWebSocket.attempt(pond.port, "/", address(42));
      tcp.push(ws);
      expect(ws.upgradeStatus, `seatless socket ${i + 1} from 127.0.0.42 while 127.0.0.41 is at its cap`).toBe(101);
    }
    // A real player from the capped address still joins: a socket with a valid seat is not seatless.
    const seat = await reserveSeat(pond.httpUrl, {}, { localAddress: address(41) });
    const player = new RawPeer(seatUrl(pond.wsUrl, seat), { localAddress: address(41) });
    peers.push(player);
    expect(await withTimeout(player.joined, 5000, "a player from 127.0.0.41"), "a player joins from an address at its seatless cap").toBe(true);

    // Once cut, the address may open others again.
    await waitFor(() => held.every((ws) => ws.isEnded), { timeoutMs: CUT_WITHIN_MS + 1000, message: "127.0.0.41's seatless sockets to be cut" });
    const statuses: Array<number | undefined> = [];
    await waitFor(async () => {
      const later = await RawTcpWebSocket.attempt(pond.port, "/", address(41));
      tcp.push(later);
      statuses.push(later.upgradeStatus);
      return later.upgradeStatus === 101;
    }, { timeoutMs: 3000, intervalMs: 100, message: "127.0.0.41 to open a socket again after its seatless ones were cut", describe: () => statuses });
  });
});
