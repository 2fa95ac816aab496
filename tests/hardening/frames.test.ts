import { pack } from "msgpackr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { delay, waitFor } from "../../kit/waitFor.ts";
import { fetchHealth } from "../../kit/probes.ts";
import { Code, TIMED, joinRaw } from "../../kit/rawPeer.ts";
import { DEFAULT_TICK_RATE } from "../../shared/constants.ts";
import { Driver, HonestPlayer } from "./support/honest.ts";
import { startPond, type Pond } from "./support/pond.ts";

/**
 * Single frames that once took (or could take) the whole server down, each sent by a joined
 * client; after each, the PING sent right behind it on the same socket must be answered (the
 * server read past the frame) and that socket stay open, /health must answer at once and an
 * honest player must keep getting patches. The first is a real finding: Colyseus 0.18 decodes an unreliable-input ring in a loop
 * (@colyseus/schema InputDecoder.decodeAll) that a negative length sends backwards forever.
 */
const FRAMES: Array<[string, Buffer]> = [
  ["unreliable input ring with a negative length", Buffer.of(Code.ROOM_INPUT_UNRELIABLE, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)],
  ["unreliable input ring: base seq then length -1", Buffer.of(Code.ROOM_INPUT_UNRELIABLE, 0x00, 0xff)],
  ["timed unreliable ring with a huge slot count", Buffer.of(Code.ROOM_INPUT_UNRELIABLE | TIMED, 0xce, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0)],
  ["timed reliable input with a NaN stamp", Buffer.of(Code.ROOM_INPUT_RELIABLE | TIMED, 0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0, 0x80)],
  ["request with no id and no type", Buffer.of(Code.ROOM_REQUEST)],
  ["data with a type but no payload", Buffer.of(Code.ROOM_DATA, 0xa4, 0x63, 0x68, 0x61, 0x74)],
  ["data whose type claims 255 bytes", Buffer.of(Code.ROOM_DATA, 0xd9, 0xff, 0x61)],
  ["empty frame", Buffer.alloc(0)],
];

describe("single killer frames", () => {
  let pond: Pond;
  let player: HonestPlayer;
  let driver: Driver;

  beforeAll(async () => {
    pond = await startPond({ MAX_CONNECTIONS_PER_IP: "100", JOIN_RATE_PER_IP: "1000" });
    player = await HonestPlayer.join(pond.wsUrl, "honest");
    driver = new Driver([player]);
    driver.start();
  });

  afterAll(async () => {
    driver?.stop();
    try {
      await player?.leave();
    } finally {
      await pond?.stop();
    }
  });

  for (const [label, frame] of FRAMES) {
    it(`survives: ${label}`, async () => {
      // Only the server's answer to our PING counts (one byte, PING): patches arrive every tick
      // whatever happened to the frame before it.
      let pongs = 0;
      const { peer } = await joinRaw(pond.httpUrl, pond.wsUrl, { onFrame: (data) => { if (data.length === 1 && data[0] === Code.PING) pongs++; } });
      peer.sendRaw(frame);
      // A PING right behind it: answered only if the server read past the frame (a frozen
      // decoder never gets to it; a socket closed for the frame never sees it answered).
      peer.sendRaw(Buffer.of(Code.PING));
      const seen = await Promise.race([
        waitFor(() => pongs > 0, { timeoutMs: 3000 }).then(() => "answered", () => "no answer in 3 s"),
        peer.closed.then((info) => `closed ${info.code} ${info.reason}`),
      ]);
      expect(seen, `the PING sent right behind "${label}"`).toBe("answered");
      expect(pongs, "one PING, one answer").toBe(1);
      const health = await fetchHealth(pond.httpUrl, 2000).catch((error: Error) => error);
      expect(health, `GET /health after "${label}"`).not.toBeInstanceOf(Error);
      const patches = player.patchTimes.length;
      await waitFor(() => player.patchTimes.length >= patches + DEFAULT_TICK_RATE / 2, { timeoutMs: 3000, message: "the honest player to keep receiving patches" });
      expect(player.connected).toBe(true);
      expect(player.frameErrors, "the honest player's own frames threw").toEqual([]);
      expect(peer.closeInfo, "the socket that sent the frame is still open (nothing in it was fatal)").toBeUndefined();
      peer.kill();
      await Promise.race([peer.closed, delay(2000)]);
    });
  }

  it("does not judge the frames behind one that closes the socket (no kick counted on top of the 4002)", async () => {
    const kicks = async () => (await pond.metrics()).sum("pond_clients_kicked_total", { reason: "invalid_messages" });
    const before = await kicks();
    const { peer } = await joinRaw(pond.httpUrl, pond.wsUrl);
    // Undecodable (a value, then a stray byte): Colyseus closes with 4002. Behind it, in the same
    // burst, more invalid messages than the invalid-message burst (20) allows.
    peer.sendRaw(Buffer.concat([Buffer.of(Code.ROOM_DATA, 0xa4, 0x63, 0x68, 0x61, 0x74), Buffer.from(pack({ text: "hi" })), Buffer.of(0xc0)]));
    for (let i = 0; i < 30; i++) peer.sendRaw(Buffer.concat([Buffer.of(Code.ROOM_DATA, 0xa4, 0x63, 0x68, 0x61, 0x74), Buffer.from(pack({ text: i }))]));
    expect((await peer.closed).code, "closed for the undecodable frame").toBe(4002);
    await delay(200);
    expect((await kicks()) - before, "kicks counted for the frames that came behind it").toBe(0);
    expect(player.connected).toBe(true);
  });
});
