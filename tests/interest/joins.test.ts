import { describe, expect, it } from "vitest";
import type { PondSerializer } from "../../server/rooms/PondSerializer.ts";
import type { Member, Pond } from "../../server/sim/Pond.ts";
import { RawPeer, reserveSeat, seatUrl } from "../../kit/rawPeer.ts";
import { PondProbe } from "../helpers/pondClient.ts";
import { joinAndSpawn, usePondServer } from "../helpers/pondFixture.ts";
import type { InProcessPond } from "../helpers/pondServer.ts";
import { waitFor } from "../../kit/waitFor.ts";
import { CellRule } from "./support/cells.ts";
import { steerTo, type Point } from "./support/swim.ts";

/**
 * A crowd joining at once, against the real server on 127.0.0.1 and the game's own net layer:
 * while dozens of clients join within a few ticks, others swim, rename, leave and drop their
 * connection, so the state changes between every full state a newcomer is sent and the patch
 * after it. Once everything has come to rest, every client must hold exactly what the server
 * has: every identity with its current name and flags (nothing missed, nothing left over), and
 * exactly the tadpoles of the cells it watches, where the server has them.
 */
const VIEW = 300;
const rule = new CellRule(VIEW);
const HOME = rule.centreOf({ x: 0, y: 0 });
const CROWD = 40;

let pond: InProcessPond;
const probes: PondProbe[] = [];

// No idle fading during the test: the state must hold still once the players do.
usePondServer({ viewRadius: VIEW, maxPlayers: 100, idleFadeSeconds: 3600 }, probes, (started) => { pond = started; });

interface RoomInternals {
  pond: Pond<object>;
  serializer: PondSerializer;
}

function identities(state: { tadpoles: Map<string, { id: number; name: string; hue: number; away?: boolean; idle?: boolean }> }) {
  const out: Record<string, object> = {};
  for (const [key, t] of [...state.tadpoles].sort(([a], [b]) => a.localeCompare(b))) {
    out[key] = { id: t.id, name: t.name, hue: t.hue, away: t.away ?? false, idle: t.idle ?? false };
  }
  return out;
}

describe("a crowd joining at once", () => {
  it("ends with every client holding exactly the server's state, while others swim, rename, leave and drop", async () => {
    const movers: PondProbe[] = [];
    for (let i = 0; i < 6; i++) movers.push(await joinAndSpawn(pond.wsUrl, probes, `Mover ${i}`));
    const leaver = await joinAndSpawn(pond.wsUrl, probes, "Leaver");
    // A bare socket that will vanish without a goodbye (the SDK would reconnect by itself).
    const seat = await reserveSeat(pond.httpUrl, { name: "Dropper" });
    const dropper = new RawPeer(seatUrl(pond.wsUrl, seat));
    expect(await dropper.joined).toBe(true);
    const room = pond.room(movers[0].room.roomId);
    const internals = room as unknown as RoomInternals;

    // Count the patches the room sends while the crowd joins.
    let patches = 0;
    const broadcast = room.broadcastPatch.bind(room);
    room.broadcastPatch = () => {
      patches++;
      return broadcast();
    };
    const encodesBefore = internals.serializer.fullEncodes;

    // The others keep the state changing: swims across cells, renames (up to the burst of 5
    // each), a leave and a dropped connection in the middle of it.
    const targets: Point[] = [{ x: 450, y: 0 }, { x: -450, y: 0 }, { x: 0, y: 450 }, { x: 0, y: -450 }, { x: 300, y: 300 }, { x: -300, y: -300 }];
    const stops = movers.map((m, i) => steerTo(m, { x: HOME.x + targets[i].x, y: HOME.y + targets[i].y }, { ease: false }));
    let renames = 0;
    const renaming = setInterval(() => {
      const mover = movers[renames % movers.length];
      if (renames < movers.length * 5) mover.conn.rename(`Mover ${renames % movers.length} r${Math.floor(renames / movers.length)}`);
      renames++;
    }, 15);

    const started = performance.now();
    const crowd = Array.from({ length: CROWD }, (_, i) => PondProbe.join(pond.wsUrl, { name: i % 4 === 0 ? "Guest" : `Crowd ${i}`, timeoutMs: 30_000 }).then((p) => {
      probes.push(p);
      return p;
    }));
    await new Promise((resolve) => setTimeout(resolve, 40));
    await leaver.close();
    probes.splice(probes.indexOf(leaver), 1);
    dropper.kill(); // no consent: the server keeps its tadpole, away
    const joined = await Promise.all(crowd);
    const joinSeconds = (performance.now() - started) / 1000;
    await Promise.all(joined.map((p) => p.waitForPatches(1, { timeoutMs: 10_000 })));
    // A crowd that joined quickly may beat the renames: let every one of them be sent.
    await waitFor(() => renames >= movers.length * 5, { timeoutMs: 5000, message: "every rename to be sent" });
    clearInterval(renaming);
    room.broadcastPatch = broadcast;

    // However many joined in a tick, the state was encoded in full at most once per patch.
    const encodes = internals.serializer.fullEncodes - encodesBefore;
    console.info(`${CROWD} joined in ${joinSeconds.toFixed(2)} s over ${patches} patches; ${encodes} full encodes of the state`);
    expect(encodes).toBeLessThanOrEqual(patches + 1);

    // Everyone comes to rest (the movers glide to a stop), so the state holds still.
    for (const stop of stops) stop();
    const members = () => internals.pond.members as ReadonlyArray<Member<object>>;
    await waitFor(() => members().every((m) => m.body.speed === 0), { timeoutMs: 10_000, message: "every tadpole to stop" });
    await waitFor(() => room.state.tadpoles.get(seat.sessionId)?.away === true, { timeoutMs: 5000, message: "the dropped player to be away" });
    const everyone = [...movers, ...joined];
    // Past a full sweep of every client's cells, and the patches that carry it.
    await Promise.all(everyone.map((p) => p.waitForPatches(6, { timeoutMs: 10_000 })));

    const expected = identities(room.state);
    expect(Object.keys(expected)).toHaveLength(6 + 1 + CROWD); // the movers, the dropped one, the crowd
    expect(room.state.tadpoles.has(leaver.id)).toBe(false);
    expect(Object.values(expected).filter((t) => (t as { name: string }).name.includes(" r4"))).toHaveLength(6);
    const byStreamId = new Map(members().map((m) => [m.id, m]));
    for (const probe of everyone) {
      // Identities: exactly the server's, with every rename and flag.
      expect(identities(probe.room.state), `${probe.id}'s identities`).toEqual(expected);

      // Positions: exactly the tadpoles in the cells the server has it watch, where the server has them.
      const me = members().find((m) => m.key === probe.id)!;
      const watched = new Set(me.watched);
      const shouldHold = members().filter((m) => watched.has(m.cell)).map((m) => m.id).sort((a, b) => a - b);
      const holds = [...probe.conn.stream.entities.keys()].sort((a, b) => a - b);
      expect(holds, `${probe.id}'s tadpoles`).toEqual(shouldHold);
      for (const entity of probe.conn.stream.entities.values()) {
        const body = byStreamId.get(entity.id)!.body;
        expect({ id: entity.id, x: entity.x, y: entity.y }).toEqual({ id: entity.id, x: body.x, y: body.y });
      }
      expect(probe.conn.stream.errors + probe.conn.stream.skipped).toBe(0);
      // Its own tadpole, exactly.
      expect(probe.conn.stream.self).toMatchObject({ x: me.body.x, y: me.body.y });
    }
  });
});
