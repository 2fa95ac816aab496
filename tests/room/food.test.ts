import { describe, expect, it } from "vitest";
import type { Member } from "../../server/sim/Pond.ts";
import { levelOf } from "../../shared/growth.ts";
import { PondProbe } from "../helpers/pondClient.ts";
import { usePondServer } from "../helpers/pondFixture.ts";
import type { InProcessPond } from "../helpers/pondServer.ts";
import { waitFor } from "../../kit/waitFor.ts";

/**
 * Food and growth against the real PondRoom and real clients (the game's own net layer): the
 * food is thick (FOOD_COUNT 20,000, a speck per ~770 square units), so a tadpole swimming for a
 * couple of seconds eats several; no hunger, so a size only changes by eating.
 */
let pond: InProcessPond;
const probes: PondProbe[] = [];

// A small view (cells 150 wide) so a frog's wider voice can be heard a cell further.
usePondServer({ foodCount: 20_000, hungerSeconds: 0, reconnectGraceSeconds: 10, viewRadius: 300 }, probes, (started) => { pond = started; });

async function join(name: string): Promise<PondProbe> {
  const probe = await PondProbe.join(pond.wsUrl, { name });
  probes.push(probe);
  await probe.waitForTadpole(probe.id, { timeoutMs: 5000 });
  return probe;
}

interface RoomInternals {
  pond: { members: ReadonlyArray<Member>; food: { speck(id: number): { x: number; y: number } | undefined }; setMass(member: Member, mass: number): void; sim: { grid: { cellAt(x: number, y: number): number } } };
}

describe("food and growth", () => {
  it("a swimmer eats, grows for everyone, and leads the board; the specks a client holds are the server's, where the server has them", async () => {
    const watcher = await join("Watcher");
    const eater = await join("Eater");
    const room = pond.room(eater.room.roomId);
    const internals = room as unknown as RoomInternals;
    watcher.drive({ angle: 0, thrust: 0 });
    // The eater circles the watcher (steered from the server's bodies), so it stays in the
    // watcher's small view: in a straight line it could swim out of the view before it had eaten
    // enough, as spawn points lie up to 400 apart.
    const body = (probe: PondProbe) => internals.pond.members.find((m) => m.key === probe.id)!.body;
    eater.drive({ thrust: 1 }, (_now, player) => {
      const from = body(eater);
      const to = body(watcher);
      const toward = Math.atan2(to.y - from.y, to.x - from.x);
      player.steer.angle = toward + (Math.hypot(to.x - from.x, to.y - from.y) > 100 ? 0.3 : Math.PI / 2);
    });

    // Grows, as the watcher sees it.
    await waitFor(() => (watcher.tadpole(eater.id)?.level ?? 0) >= 2, {
      timeoutMs: 10_000,
      message: "the watcher to see the eater grow to level 2",
      describe: () => watcher.tadpole(eater.id)?.level,
    });
    eater.drive({ angle: 0.3, thrust: 0 });
    const member = internals.pond.members.find((m) => m.key === eater.id)!;
    expect(member.tadpole.level).toBe(levelOf(member.mass));
    // The board: the eater first, with its mass, for both clients.
    for (const probe of [watcher, eater]) {
      await waitFor(() => probe.room.state.leaders.at(0)?.name === "Eater" && probe.room.state.leaders.at(0)?.mass === member.mass, {
        timeoutMs: 5000,
        message: `${probe.id} to see the eater lead the board`,
        describe: () => probe.room.state.leaders.map((l) => [l.name, l.mass]),
      });
    }
    expect(watcher.room.state.best.name).toBe("Eater");

    // Every speck the watcher holds is one the server has, exactly where it is.
    const held = [...watcher.conn.stream.food.specks.values()];
    expect(held.length).toBeGreaterThan(100);
    for (const speck of held) {
      const truth = internals.pond.food.speck(speck.id);
      expect(truth, `speck ${speck.id}`).toBeDefined();
      expect({ x: speck.x, y: speck.y }).toEqual({ x: truth!.x, y: truth!.y });
    }
  });

  it("a player who loses its connection and comes back keeps its size", async () => {
    const player = await join("Blip");
    const room = pond.room(player.room.roomId);
    const internals = room as unknown as RoomInternals;
    const member = internals.pond.members.find((m) => m.key === player.id)!;
    internals.pond.setMass(member, 150);
    await waitFor(() => player.tadpole(player.id)?.level === 12, { message: "the player to see itself a frog" });

    // Cut its socket without a goodbye, and come back with the reconnection token (the seat is
    // held for RECONNECT_GRACE_SECONDS).
    const token = player.room.reconnectionToken;
    const server = room.clients.find((c) => c.sessionId === player.id)!;
    (server as unknown as { ref: { terminate(): void } }).ref.terminate();
    await waitFor(() => room.state.tadpoles.get(player.id)?.away === true, { message: "the pond to hold the player's seat" });
    const back = await pond.colyseus.sdk.reconnect(token);
    try {
      expect(back.sessionId).toBe(player.id);
      await waitFor(() => back.state?.tadpoles?.get(player.id)?.away === false, { message: "the player to be back" });
      // (It may have eaten a speck born where it waited: the food is thick here.)
      expect(internals.pond.members.find((m) => m.key === player.id)!.mass).toBeGreaterThanOrEqual(150);
      expect(back.state.tadpoles.get(player.id)!.level).toBe(12);
    } finally {
      await back.leave();
    }
  });

  it("a frog's chat line carries a cell further than a tadpole's", async () => {
    const speaker = await join("Croaker");
    const listener = await join("Listener");
    const room = pond.room(speaker.room.roomId);
    const internals = room as unknown as RoomInternals;
    const member = (probe: PondProbe) => internals.pond.members.find((m) => m.key === probe.id)!;
    // Cells are 150 wide from -2000: [-50, 100), [100, 250), ... The speaker sits in [-50, 100);
    // the listener at x = 480 watches [100, 250) (its far edge 230 away) but not the speaker's
    // cell (380 away; the view is 300). Placed on the server, where the simulation keeps them
    // (the probes send no inputs, so nothing moves them).
    for (const [probe, x] of [[speaker, 25], [listener, 480]] as const) {
      const m = member(probe);
      m.body.x = x;
      m.body.y = 25;
      m.body.speed = 0;
    }
    const grid = internals.pond.sim.grid;
    const speakerCell = grid.cellAt(25, 25);
    await waitFor(() => member(speaker).cell === speakerCell && member(listener).watched.includes(speakerCell + 1) && !member(listener).watched.includes(speakerCell), {
      timeoutMs: 5000,
      message: "the listener to watch the cell beside the speaker's, not the speaker's",
      describe: () => ({ speakerCell, watched: member(listener).watched }),
    });

    // As a tadpole, then as a frog: the listener gets only the frog's line (lines arrive in the
    // order they were sent, so the first one would have come before the second).
    speaker.conn.say("hello as a tadpole");
    await speaker.waitForChat((line) => line.text === "hello as a tadpole");
    internals.pond.setMass(member(speaker), 150);
    expect(member(speaker).tadpole.level).toBe(12);
    speaker.conn.say("ribbit");
    await listener.waitForChat((line) => line.text === "ribbit", { timeoutMs: 5000 });
    expect(listener.chats.map((line) => line.text)).toEqual(["ribbit"]);
  });
});
