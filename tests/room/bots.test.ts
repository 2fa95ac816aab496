import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BotSwarm } from "../../kit/player/swarm.ts";
import { countTraffic } from "../../kit/player/traffic.ts";
import { closeAll, PondProbe } from "../helpers/pondClient.ts";
import { startPondServer, type InProcessPond } from "../helpers/pondServer.ts";
import { waitFor } from "../../kit/waitFor.ts";

/** The bot swarm in this process against the real PondRoom (the smoke test runs the script). */
let pond: InProcessPond;
const probes: PondProbe[] = [];
const swarms: BotSwarm[] = [];

beforeAll(async () => {
  pond = await startPondServer();
});

afterEach(async () => {
  await Promise.all(swarms.splice(0).map((s) => s.stop()));
  await closeAll(probes.splice(0));
  await pond.cleanup();
});

afterAll(async () => {
  await pond?.shutdown();
});

describe("bots against the real room", () => {
  it("the fallback traffic counter sees bytes and patches of a joined room", async () => {
    const probe = await PondProbe.join(pond.wsUrl, { name: "counted" });
    probes.push(probe);
    const traffic = countTraffic(probe.room);
    probe.drive({ angle: 1, thrust: 1 });
    await waitFor(() => traffic.patches >= 5 && traffic.bytes > 0, {
      message: "counted patches and bytes",
      describe: () => ({ patches: traffic.patches, bytes: traffic.bytes, frames: traffic.frames }),
    });
    expect(traffic.frames).toBeGreaterThanOrEqual(traffic.patches);
    traffic.detach();
    const frozen = traffic.patches;
    await probe.waitForPatches(3);
    expect(traffic.patches).toBe(frozen);
  });

  it("a swarm joins, swims, chats, renames, reports and leaves cleanly", async () => {
    const watch = await PondProbe.join(pond.wsUrl, { name: "observer" });
    probes.push(watch);
    const swarm = new BotSwarm({
      url: pond.wsUrl, count: 4, chatEverySec: 1, joinRate: 20, renameShare: 1, seed: 3, log: () => {},
    });
    swarms.push(swarm);
    swarm.start();
    await waitFor(() => swarm.connected === 4, { timeoutMs: 10_000, message: "four bots connected" });
    const ids = swarm.bots.map((b) => b.conn!.sessionId);
    for (const id of ids) await watch.waitForTadpole(id);
    const start = new Map(ids.map((id) => [id, { x: watch.tadpole(id)!.x, y: watch.tadpole(id)!.y }]));
    await waitFor(() => ids.every((id) => {
      const t = watch.tadpole(id);
      const s = start.get(id)!;
      return t !== undefined && Math.hypot(t.x - s.x, t.y - s.y) > 20;
    }), { timeoutMs: 10_000, message: "every bot to swim 20 units" });
    // renameShare 1: each bot renames itself once, to Bot-NNN.
    await waitFor(() => ids.every((id) => /^Bot-\d{3}$/.test(watch.tadpole(id)?.name ?? "")), {
      timeoutMs: 15_000,
      message: "every bot renamed",
      describe: () => ids.map((id) => watch.tadpole(id)?.name),
    });
    await watch.waitForChat((line) => ids.includes(line.id), { timeoutMs: 10_000 });
    // No rename line was broadcast as chat.
    expect(watch.chats.some((line) => /name:/i.test(line.text))).toBe(false);
    const summary = swarm.summary();
    expect(summary.connected).toBe(4);
    expect(summary.patchesPerSecPerBot).toBeGreaterThan(5);
    expect(summary.bytesPerSecPerBot).toBeGreaterThan(0);
    expect(summary.chatSeen).toBeGreaterThan(0);
    expect(summary.renames).toBe(4);

    await swarm.stop();
    expect(swarm.connected).toBe(0);
    expect(swarm.ticker.running).toBe(false);
    await waitFor(() => ids.every((id) => watch.tadpole(id) === undefined), { message: "the bots to leave the pond" });
  });

  it("stopping while bots are still joining leaves nobody behind", async () => {
    const swarm = new BotSwarm({ url: pond.wsUrl, count: 6, chatEverySec: 0, joinRate: 50, renameShare: 0, seed: 4, log: () => {} });
    swarms.push(swarm);
    swarm.start();
    await waitFor(() => swarm.bots.some((b) => b.status !== "idle"), { message: "a join in flight" });
    await swarm.stop();
    await waitFor(async () => {
      const rooms = await pond.rooms();
      return rooms.every((room) => room.clients.length === 0);
    }, { timeoutMs: 5000, message: "no bot left in any room" });
  });
});
