import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { delay, waitFor } from "../helpers/waitFor.ts";
import { fetchHealth } from "../../scripts/soak/metrics.ts";
import { Code, TIMED, joinRaw } from "../../scripts/soak/rawPeer.ts";
import { DEFAULT_TICK_RATE } from "../../shared/constants.ts";
import { Driver, HonestPlayer } from "./support/honest.ts";
import { startPond, type Pond } from "./support/pond.ts";

/**
 * Single frames that once took (or could take) the whole server down, each sent by a joined
 * client; after each, /health must answer at once and an honest player must keep getting
 * patches. The first is a real finding: Colyseus 0.18 decodes an unreliable-input ring in a loop
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
      const { peer } = await joinRaw(pond.httpUrl, pond.wsUrl);
      peer.sendRaw(frame);
      // A PING right behind it: answered only if the server read past the frame.
      const framesBefore = peer.frames;
      peer.sendRaw(Buffer.of(Code.PING));
      await Promise.race([waitFor(() => peer.frames > framesBefore || peer.closeInfo, { timeoutMs: 3000 }).catch(() => undefined), peer.closed]);
      const health = await fetchHealth(pond.httpUrl, 2000).catch((error: Error) => error);
      expect(health, `GET /health after "${label}"`).not.toBeInstanceOf(Error);
      const patches = player.patchTimes.length;
      await waitFor(() => player.patchTimes.length >= patches + DEFAULT_TICK_RATE / 2, { timeoutMs: 3000, message: "the honest player to keep receiving patches" });
      expect(player.connected).toBe(true);
      peer.kill();
      await Promise.race([peer.closed, delay(2000)]);
    });
  }
});
