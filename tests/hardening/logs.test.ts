import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../kit/waitFor.ts";
import { RawPeer } from "../../kit/rawPeer.ts";
import { startPond, type Pond } from "./support/pond.ts";

/**
 * Logs an attacker cannot drive: errors clients cause (here, frames over MAX_PAYLOAD from sockets
 * with no seat, the cheapest attack there is) are logged once per cause per 10 s with a count and
 * no stack, and counted in a metric. Before, each such frame wrote an error with a full stack
 * trace, at any LOG_LEVEL: 2,000 sockets in 0.7 s wrote 1.63 MB.
 */
const SOCKETS = 400;
const ADDRESSES = ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"];

describe("log volume under attack", () => {
  let pond: Pond;

  beforeAll(async () => {
    // Each address may hold all of its 100 sockets at once: this is about what the server writes
    // for each one, not about how many seatless sockets an address may open (seatless.test.ts).
    pond = await startPond({ LOG_LEVEL: "warn", MAX_SEATLESS_PER_IP: String(SOCKETS) });
  });

  afterAll(async () => {
    await pond?.stop();
  });

  it(`${SOCKETS} seatless sockets each sending an oversize frame write about a line, not a stack each`, async () => {
    const before = pond.proc.printedBytes;
    const started = performance.now();
    const peers: RawPeer[] = [];
    for (let i = 0; i < SOCKETS; i++) {
      const peer = new RawPeer(`${pond.wsUrl}/`, { localAddress: ADDRESSES[i % ADDRESSES.length] });
      peers.push(peer);
      void peer.opened.then((open) => { if (open) peer.sendRaw(Buffer.alloc(8192, 1)); });
    }
    await waitFor(() => peers.every((p) => p.closeInfo !== undefined), { timeoutMs: 20_000, message: "every oversize socket closed by the server" });
    const counted = (await pond.metrics()).sum("pond_client_errors_total", { cause: "max_payload" });
    const seconds = (performance.now() - started) / 1000;
    const written = pond.proc.printedBytes - before;
    console.info(`[logs] ${SOCKETS} oversize frames in ${seconds.toFixed(1)} s: ${written} bytes of log, ${counted} counted`);
    expect(counted, "the errors happened, and were counted").toBeGreaterThanOrEqual(SOCKETS * 0.9);
    expect(peers.filter((p) => p.closeInfo!.code === 1009).length, "closed for the size (1009)").toBeGreaterThanOrEqual(SOCKETS * 0.9);
    // One line per cause per 10 s: about 1 KB/s at the very most, whatever the rate of attack.
    expect(written, "bytes of log written during the attack").toBeLessThanOrEqual(1024 * Math.max(1, seconds) + 1024);
    expect(pond.alive()).toBe(true);
  });
});
