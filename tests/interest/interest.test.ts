import { describe, expect, it } from "vitest";
import { POSITION_GRID } from "../../shared/grids.ts";
import { quantum, snap } from "../../shared/quantize.ts";
import { PondProbe } from "../helpers/pondClient.ts";
import { joinAndSpawn, usePondServer } from "../helpers/pondFixture.ts";
import type { InProcessPond } from "../helpers/pondServer.ts";
import { waitFor } from "../helpers/waitFor.ts";
import { distance, park, steerTo, type Point } from "./support/swim.ts";

/**
 * Interest management against the real server on 127.0.0.1, played through the game's own net
 * layer. A small view radius keeps the swims short: a tadpole enters a client's view within
 * VIEW units of the client's own and leaves it only beyond LEAVE (hysteresis). Tadpoles spawn
 * within 200 units of the centre, so the tests first swim them where they need them (inputs only:
 * the server is authoritative) and check what each client holds against the server's state.
 */
const VIEW = 300;
const LEAVE = VIEW * 1.15;

let pond: InProcessPond;
const probes: PondProbe[] = [];

const join = (name: string): Promise<PondProbe> => joinAndSpawn(pond.wsUrl, probes, name);

/** The server's own tadpole for session `id` (authoritative x, y, speed). */
function server(probe: PondProbe, id = probe.id) {
  return pond.room(probe.room.roomId).state.tadpoles.get(id);
}

function parkAt(probe: PondProbe, target: Point, still = false): Promise<void> {
  return park(probe, target, () => server(probe), { still });
}

/** Ids of the other tadpoles this client currently holds. */
function seenBy(probe: PondProbe): string[] {
  return [...probe.conn.all.keys()].filter((id) => id !== probe.id).sort();
}

/**
 * What the client holds agrees with the server's positions: everyone within the enter radius is
 * there, nobody beyond the leave radius is (between the two, either is right). Call it once the
 * client has received a patch after the last movement, i.e. with everyone parked.
 */
function expectViewMatchesServer(probe: PondProbe): void {
  const me = server(probe)!;
  const held = new Set(seenBy(probe));
  for (const [id, other] of pond.room(probe.room.roomId).state.tadpoles) {
    if (id === probe.id) continue;
    const d = distance(me, other);
    if (d <= VIEW) expect(held.has(id), `${id} at ${d.toFixed(0)} units should be in ${probe.id}'s view`).toBe(true);
    if (d > LEAVE) expect(held.has(id), `${id} at ${d.toFixed(0)} units should not be in ${probe.id}'s view`).toBe(false);
  }
}

usePondServer({ viewRadius: VIEW, maxPlayers: 50 }, probes, (started) => { pond = started; });

describe("interest management", () => {
  it("a tadpole that swims out of range disappears from a client, and comes back when it returns", async () => {
    const a = await join("Anchor");
    const b = await join("Rover");
    await Promise.all([parkAt(a, { x: 0, y: 0 }), parkAt(b, { x: 120, y: 0 })]);
    await a.waitForTadpole(b.id);
    await b.waitForTadpole(a.id);

    // Out: Rover swims away; Anchor loses it once it is beyond the leave radius (and Rover loses Anchor).
    const away = steerTo(b, { x: 900, y: 0 }, { ease: false });
    await waitFor(() => a.removed.includes(b.id), { timeoutMs: 10_000, message: "Anchor to see Rover removed", describe: () => server(b) });
    expect(distance(server(a)!, server(b)!)).toBeGreaterThan(LEAVE);
    expect(a.tadpole(b.id)).toBeUndefined();
    await waitFor(() => b.removed.includes(a.id), { timeoutMs: 5000, message: "Rover to see Anchor removed" });
    expect(b.tadpole(a.id)).toBeUndefined();
    away();

    // Back: it reappears once within the enter radius, with its current state.
    const back = steerTo(b, { x: 100, y: 0 });
    const again = await a.waitForTadpole(b.id, { timeoutMs: 10_000 });
    expect(distance(server(a)!, server(b)!)).toBeLessThanOrEqual(VIEW);
    expect(a.added.filter((id) => id === b.id)).toHaveLength(2);
    expect(again.name).toBe("Rover");
    await b.waitForTadpole(a.id, { timeoutMs: 5000 });
    back();
    await a.waitForPatches(2);
    expect(distance(again, server(b)!)).toBeLessThan(60); // a patch or two behind the swimming server
  });

  it("a newcomer receives only the tadpoles near it", async () => {
    const near = await join("Near");
    const east = await join("East");
    const west = await join("West");
    // Anyone who joins spawns within 200 of the centre: 650 away is beyond the leave radius from there.
    await Promise.all([parkAt(near, { x: 0, y: 0 }), parkAt(east, { x: 650, y: 0 }), parkAt(west, { x: -650, y: 0 })]);

    const newcomer = await join("Newcomer");
    await newcomer.waitForTadpole(near.id);
    // The join snapshot is complete before the first patch; a few patches later nothing else came.
    await newcomer.waitForPatches(3);
    expect(seenBy(newcomer)).toEqual([near.id]);
    expect(newcomer.added).not.toContain(east.id);
    expect(newcomer.added).not.toContain(west.id);
    expectViewMatchesServer(newcomer);

    // And the far ones were not told about the newcomer; its neighbour was.
    await near.waitForTadpole(newcomer.id);
    await Promise.all([east.waitForPatches(3), west.waitForPatches(3)]);
    expect(east.added).not.toContain(newcomer.id);
    expect(west.added).not.toContain(newcomer.id);
    for (const probe of [near, east, west]) expectViewMatchesServer(probe);
  });

  it("a tadpole that leaves the pond is removed from every client that saw it, and only those", async () => {
    const leaver = await join("Leaver");
    const left = await join("Left");
    const right = await join("Right");
    const far = await join("Far");
    await Promise.all([
      parkAt(leaver, { x: 0, y: 0 }), parkAt(left, { x: -150, y: 0 }), parkAt(right, { x: 150, y: 0 }), parkAt(far, { x: 0, y: 700 }),
    ]);
    await Promise.all([left.waitForTadpole(leaver.id), right.waitForTadpole(leaver.id)]);
    await far.waitForPatches(3);
    expect(far.tadpole(leaver.id)).toBeUndefined();
    const farRemovalsBefore = far.removed.filter((id) => id === leaver.id).length;

    await leaver.close();
    probes.splice(probes.indexOf(leaver), 1);
    for (const watcher of [left, right]) {
      await waitFor(() => watcher.removed.includes(leaver.id), { timeoutMs: 5000, message: `${watcher.id} to see Leaver removed` });
      expect(watcher.tadpole(leaver.id)).toBeUndefined();
    }
    expect(server(left, leaver.id)).toBeUndefined();
    // Far, which never held it, gets no removal for it (checked after it received later patches).
    await far.waitForPatches(3);
    expect(far.removed.filter((id) => id === leaver.id)).toHaveLength(farRemovalsBefore);
    expect(far.tadpole(leaver.id)).toBeUndefined();
  });

  it("positions survive the encode: what clients decode is the server's value on the 16-bit grid", async () => {
    const watcher = await join("Watcher");
    const mover = await join("Mover");

    // Record the mover's server position at every patch the room sends, starting with where it
    // spawned (it has not moved yet, so that is what both clients hold until the next patch)...
    const room = pond.room(watcher.room.roomId);
    const spawned = server(mover)!;
    const sent: Point[] = [{ x: spawned.x, y: spawned.y }];
    const broadcast = room.broadcastPatch.bind(room);
    room.broadcastPatch = () => {
      const t = room.state.tadpoles.get(mover.id);
      if (t) sent.push({ x: t.x, y: t.y });
      return broadcast();
    };
    // ...and what each client decodes after each patch: the watcher (another tadpole) and the mover (its own).
    const decoded: Array<{ who: string; x: number; y: number }> = [];
    const record = (probe: PondProbe) => () => {
      const t = probe.tadpole(mover.id);
      if (t) decoded.push({ who: probe.id, x: t.x, y: t.y });
    };
    const fromWatcher = record(watcher);
    const fromMover = record(mover);
    watcher.room.onStateChange(fromWatcher);
    mover.room.onStateChange(fromMover);
    try {
      // The watcher settles in the middle while the mover swims a loop around it: positions all
      // over the grid, never on round numbers. Then the mover stops dead.
      const settle = parkAt(watcher, { x: 0, y: 0 });
      for (const target of [{ x: 0, y: 130 }, { x: -130, y: 0 }, { x: 0, y: -130 }, { x: 117, y: 13 }]) {
        const stop = steerTo(mover, target, { ease: false });
        await waitFor(() => { const p = server(mover); return p !== undefined && distance(p, target) < 40; }, { timeoutMs: 8000, message: `Mover near (${target.x}, ${target.y})` });
        stop();
      }
      await Promise.all([settle, parkAt(mover, { x: 100, y: 0 }, true)]);
      await Promise.all([watcher.waitForPatches(2), mover.waitForPatches(2)]);
    } finally {
      room.broadcastPatch = broadcast;
      watcher.room.onStateChange.remove(fromWatcher);
      mover.room.onStateChange.remove(fromMover);
    }
    expect(decoded.some((p) => p.who === watcher.id)).toBe(true);

    const step = quantum(POSITION_GRID);
    expect(step).toBeCloseTo(4096 / 65534, 12);
    const distinct = new Set(decoded.map((p) => `${p.x},${p.y}`));
    expect(distinct.size).toBeGreaterThan(30);
    for (const p of decoded) {
      // On the wire grid...
      expect(snap(POSITION_GRID, p.x)).toBe(p.x);
      expect(snap(POSITION_GRID, p.y)).toBe(p.y);
      // ...and one of the positions the server actually sent, snapped: within half a quantum of it.
      const match = sent.find((s) => snap(POSITION_GRID, s.x) === p.x && snap(POSITION_GRID, s.y) === p.y);
      expect(match, `decoded (${p.x}, ${p.y}) for ${p.who} matches no position the server sent`).toBeDefined();
      expect(Math.abs(match!.x - p.x)).toBeLessThanOrEqual(step / 2);
      expect(Math.abs(match!.y - p.y)).toBeLessThanOrEqual(step / 2);
    }
    // Parked, both clients hold exactly the server's final position.
    const final = server(mover)!;
    for (const probe of [watcher, mover]) {
      const t = probe.tadpole(mover.id)!;
      expect(Math.abs(t.x - final.x)).toBeLessThanOrEqual(step / 2);
      expect(Math.abs(t.y - final.y)).toBeLessThanOrEqual(step / 2);
      expect(t.x).toBe(snap(POSITION_GRID, final.x));
      expect(t.y).toBe(snap(POSITION_GRID, final.y));
    }
  });
});
