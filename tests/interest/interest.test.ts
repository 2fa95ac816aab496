import { describe, expect, it } from "vitest";
import { POSITION_GRID } from "../../shared/grids.ts";
import { quantum, snap } from "../../shared/quantize.ts";
import { PondProbe } from "../helpers/pondClient.ts";
import { waitFor } from "../../kit/waitFor.ts";
import { distance, park, steerTo, type Point } from "./support/swim.ts";
import { viewPond } from "./support/viewPond.ts";

/**
 * Interest management against the real server on 127.0.0.1, played through the game's own net
 * layer. A small view radius keeps the swims short. Interest is by grid cell (support/cells.ts):
 * a client watches the cells (a fraction of VIEW wide) any part of which is within VIEW of its tadpole, lets
 * go of one only once all of it is beyond LEAVE (hysteresis), and holds exactly the tadpoles in
 * the cells it watches. Tadpoles spawn within 200 units of the centre, so the tests first swim
 * them where they need them (inputs only: the server is authoritative) and check what each client
 * holds against the server's own positions (the simulation's bodies: the state has none).
 */
const VIEW = 300;
const { rule, at, join, serverSide, probes, pond } = viewPond(VIEW);
const LEAVE = rule.leave;
const server = (probe: PondProbe, id = probe.id) => serverSide.body(probe, id);
const serverAt = (probe: PondProbe, id = probe.id): Point => serverSide.at(probe, id);
const parkAt = (probe: PondProbe, target: Point, still = false) => serverSide.parkAt(probe, target, still);

/** Ids of the other tadpoles this client currently holds. */
function seenBy(probe: PondProbe): string[] {
  return [...probe.conn.all.keys()].filter((id) => id !== probe.id).sort();
}

/**
 * What the client holds agrees with the server's positions under the cell rule: everyone in a
 * cell that reaches within VIEW of it is there, nobody in a cell wholly beyond LEAVE is (between
 * the two, either is right). Call it with everyone at rest and after the client received patches
 * past a sweep (4 ticks), so that both the cells it watches and the tadpoles in them are current.
 */
function expectViewMatchesServer(probe: PondProbe): void {
  const me = serverAt(probe);
  const held = new Set(seenBy(probe));
  const room = pond().room(probe.room.roomId);
  for (const id of room.state.tadpoles.keys()) {
    if (id === probe.id) continue;
    const other = serverAt(probe, id);
    const d = rule.cellDistance(me, other);
    const where = `${id}, ${distance(me, other).toFixed(0)} units away in a cell ${d.toFixed(0)} units away,`;
    if (rule.mustSee(me, other)) expect(held.has(id), `${where} should be in ${probe.id}'s view`).toBe(true);
    if (rule.mustNotSee(me, other)) expect(held.has(id), `${where} should not be in ${probe.id}'s view`).toBe(false);
  }
}

/**
 * Records, at the very patch where `probe` gains or loses tadpole `id`, where the server has both
 * tadpoles (the in-process server may have run a tick more by then).
 */
function recordEvents(probe: PondProbe, id: string) {
  const events: Array<{ kind: "add" | "remove"; viewer: Point; other: Point }> = [];
  const stop = probe.onTadpoleEvent((kind, changed) => {
    if (changed !== id) return;
    const viewer = server(probe), other = server(probe, id);
    if (viewer && other) events.push({ kind, viewer: { x: viewer.x, y: viewer.y }, other: { x: other.x, y: other.y } });
  });
  return { events, stop };
}


describe("interest management (by grid cell)", () => {
  it("a tadpole that swims out of range disappears from a client, and comes back when it returns", async () => {
    const a = await join("Anchor");
    const b = await join("Rover");
    // The anchor comes to rest, so the cells it watches are fixed from here on. Both sit in the
    // middle of a row of cells and Rover swims along it, so it never changes rows.
    await Promise.all([parkAt(a, at(0), true), parkAt(b, at(120))]);
    await a.waitForTadpole(b.id);
    await b.waitForTadpole(a.id);
    const anchorAt = serverAt(a);
    const anchorSees = recordEvents(a, b.id);
    const roverSees = recordEvents(b, a.id);

    // Out: Rover swims away, slowly (about 5 units a tick, so a sweep every 4 ticks lags ~20
    // units). Anchor loses it once it enters a cell Anchor does not watch; Rover loses Anchor
    // only once Anchor's cell is wholly beyond the leave radius.
    const removal = (seen: { events: Array<{ kind: string }> }) => seen.events.some((e) => e.kind === "remove");
    const away = steerTo(b, at(850), { ease: false, thrust: 0.3 });
    await waitFor(() => removal(anchorSees), { timeoutMs: 15_000, message: "Anchor to see Rover removed", describe: () => server(b) });
    expect(a.tadpole(b.id)).toBeUndefined();
    await waitFor(() => removal(roverSees), { timeoutMs: 10_000, message: "Rover to see Anchor removed", describe: () => server(b) });
    expect(b.tadpole(a.id)).toBeUndefined();
    away();
    expect(serverAt(a)).toEqual(anchorAt); // the anchor never moved

    // When Anchor let go of Rover, Rover was in a cell that reaches nowhere within VIEW of it.
    const lost = anchorSees.events.find((e) => e.kind === "remove")!;
    expect(rule.cellDistance(lost.viewer, lost.other)).toBeGreaterThan(VIEW);
    // Hysteresis: Rover (the one moving) held Anchor's cell until all of it was beyond LEAVE,
    // well past VIEW, and let go of it at the next sweep or so after that.
    expect(LEAVE).toBeGreaterThan(VIEW);
    const dropped = roverSees.events.find((e) => e.kind === "remove")!;
    const droppedAt = rule.cellDistance(dropped.viewer, dropped.other);
    expect(droppedAt).toBeGreaterThan(LEAVE);
    expect(droppedAt).toBeLessThan(LEAVE + rule.cellSize / 2);

    // Back: it reappears once in a cell Anchor watches (all of them reach within LEAVE of it),
    // with its current state.
    const back = steerTo(b, at(120));
    const again = await a.waitForTadpole(b.id, { timeoutMs: 10_000 });
    const found = anchorSees.events.find((e) => e.kind === "add")!;
    expect(rule.cellDistance(found.viewer, found.other)).toBeLessThanOrEqual(LEAVE);
    expect(again.name).toBe("Rover");
    await b.waitForTadpole(a.id, { timeoutMs: 5000 });
    back();
    anchorSees.stop();
    roverSees.stop();
    // Each lost the other once and found it again once: no flicker at a cell's edge.
    expect(anchorSees.events.map((e) => e.kind)).toEqual(["remove", "add"]);
    expect(roverSees.events.map((e) => e.kind)).toEqual(["remove", "add"]);
    await a.waitForPatches(2);
    expect(distance(again, server(b)!)).toBeLessThan(60); // a patch or two behind the swimming server
  });

  it("a newcomer receives only the tadpoles near it", async () => {
    const near = await join("Near");
    const east = await join("East");
    const west = await join("West");
    // Anyone who joins spawns within 200 of the centre: from 900 away, the newcomer's cell is
    // wholly beyond the leave radius, and so is theirs from it.
    await Promise.all([parkAt(near, at(0), true), parkAt(east, at(900), true), parkAt(west, at(-900), true)]);

    const newcomer = await join("Newcomer");
    await newcomer.waitForTadpole(near.id);
    // The join snapshot is complete before the first patch; a few patches (and a sweep) later nothing else came.
    await newcomer.waitForPatches(5);
    const here = serverAt(newcomer);
    for (const far of [east, west]) {
      expect(rule.mustNotSee(here, serverAt(far)), `${far.id} is far from the newcomer`).toBe(true);
      expect(rule.mustNotSee(serverAt(far), here), `the newcomer is far from ${far.id}`).toBe(true);
    }
    expect(rule.mustSee(here, serverAt(near))).toBe(true);
    expect(seenBy(newcomer)).toEqual([near.id]);
    expect(newcomer.added).not.toContain(east.id);
    expect(newcomer.added).not.toContain(west.id);
    // Not even their positions were sent: the stream never named them.
    const streamId = (probe: PondProbe) => pond().room(probe.room.roomId).state.tadpoles.get(probe.id)!.id;
    expect(newcomer.conn.stream.entities.has(streamId(near))).toBe(true);
    expect(newcomer.conn.stream.entities.has(streamId(east))).toBe(false);
    expect(newcomer.conn.stream.entities.has(streamId(west))).toBe(false);
    expectViewMatchesServer(newcomer);

    // And the far ones were not told about the newcomer; its neighbour was.
    await near.waitForTadpole(newcomer.id);
    await Promise.all([east.waitForPatches(5), west.waitForPatches(5)]);
    expect(east.added).not.toContain(newcomer.id);
    expect(west.added).not.toContain(newcomer.id);
    expect(east.conn.stream.entities.has(streamId(newcomer))).toBe(false);
    expect(west.conn.stream.entities.has(streamId(newcomer))).toBe(false);
    for (const probe of [near, east, west]) expectViewMatchesServer(probe);
  });

  it("a tadpole that leaves the pond is removed from every client that saw it, and only those", async () => {
    const leaver = await join("Leaver");
    const left = await join("Left");
    const right = await join("Right");
    const far = await join("Far");
    await Promise.all([
      parkAt(leaver, at(0), true), parkAt(left, at(-200), true),
      parkAt(right, at(200), true), parkAt(far, at(0, 750), true),
    ]);
    await Promise.all([left.waitForTadpole(leaver.id), right.waitForTadpole(leaver.id)]);
    await far.waitForPatches(5);
    const leaverAt = serverAt(leaver);
    for (const watcher of [left, right]) expect(rule.mustSee(serverAt(watcher), leaverAt)).toBe(true);
    expect(rule.mustNotSee(serverAt(far), leaverAt)).toBe(true);
    for (const probe of [left, right, far]) expectViewMatchesServer(probe);
    expect(far.tadpole(leaver.id)).toBeUndefined();
    const leaverStreamId = pond().room(leaver.room.roomId).state.tadpoles.get(leaver.id)!.id;
    expect(far.conn.stream.entities.has(leaverStreamId)).toBe(false);
    const farRemovalsBefore = far.removed.filter((id) => id === leaver.id).length;

    await leaver.close();
    probes.splice(probes.indexOf(leaver), 1);
    for (const watcher of [left, right]) {
      await waitFor(() => watcher.removed.includes(leaver.id), { timeoutMs: 5000, message: `${watcher.id} to see Leaver removed` });
      expect(watcher.tadpole(leaver.id)).toBeUndefined();
    }
    const room = pond().room(left.room.roomId);
    expect(room.state.tadpoles.has(leaver.id)).toBe(false);
    expect(room.bodyOf(leaver.id)).toBeUndefined();
    // Far, which never held it, gets no removal for it (checked after it received later patches).
    await far.waitForPatches(3);
    expect(far.removed.filter((id) => id === leaver.id)).toHaveLength(farRemovalsBefore);
    expect(far.tadpole(leaver.id)).toBeUndefined();
  });

  it("positions survive the encode: the owner and the others decode the server's exact values", async () => {
    const watcher = await join("Watcher");
    const mover = await join("Mover");

    // Record the mover's server position at every patch the room sends, starting with where it
    // spawned (it has not moved yet, so that is what both clients hold until the next patch)...
    const room = pond().room(watcher.room.roomId);
    const sent: Point[] = [serverAt(mover)];
    const broadcast = room.broadcastPatch.bind(room);
    room.broadcastPatch = () => {
      const body = room.bodyOf(mover.id);
      if (body) sent.push({ x: body.x, y: body.y });
      return broadcast();
    };
    // ...and what each client decodes after each patch: the watcher (another tadpole, from the
    // stream's cell blocks) and the mover (its own, from the stream's exact self section).
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
      const settle = parkAt(watcher, at(0));
      for (const target of [at(0, 130), at(-130), at(0, -130), at(117, 13)]) {
        const stop = steerTo(mover, target, { ease: false });
        await waitFor(() => { const p = server(mover); return p !== undefined && distance(p, target) < 40; }, { timeoutMs: 8000, message: `Mover near (${target.x}, ${target.y})` });
        stop();
      }
      await Promise.all([settle, parkAt(mover, at(100), true)]);
      await Promise.all([watcher.waitForPatches(2), mover.waitForPatches(2)]);
    } finally {
      room.broadcastPatch = broadcast;
      watcher.room.onStateChange.remove(fromWatcher);
      mover.room.onStateChange.remove(fromMover);
    }
    const byWatcher = decoded.filter((p) => p.who === watcher.id);
    const byMover = decoded.filter((p) => p.who === mover.id);
    expect(byWatcher.length).toBeGreaterThan(30);
    expect(byMover.length).toBeGreaterThan(30);

    // The owner: bit-exact server positions, on the 16-bit grid its prediction replays on.
    const step = quantum(POSITION_GRID);
    expect(step).toBeCloseTo(4096 / 65534, 12);
    expect(new Set(byMover.map((p) => `${p.x},${p.y}`)).size).toBeGreaterThan(30);
    for (const p of byMover) {
      expect(snap(POSITION_GRID, p.x)).toBe(p.x);
      expect(snap(POSITION_GRID, p.y)).toBe(p.y);
      const match = sent.find((s) => s.x === p.x && s.y === p.y);
      expect(match, `the mover's own (${p.x}, ${p.y}) is no position the server sent`).toBeDefined();
    }

    // Another client: the stream carries positions as the codes of the same grid, so the
    // watcher decodes exactly positions the server sent, too.
    expect(new Set(byWatcher.map((p) => `${p.x},${p.y}`)).size).toBeGreaterThan(30);
    for (const p of byWatcher) {
      expect(snap(POSITION_GRID, p.x)).toBe(p.x);
      expect(snap(POSITION_GRID, p.y)).toBe(p.y);
      const match = sent.find((s) => s.x === p.x && s.y === p.y);
      expect(match, `decoded (${p.x}, ${p.y}) for the watcher matches no position the server sent`).toBeDefined();
    }

    // Parked: the owner and the watcher both hold exactly the server's final position.
    const final = serverAt(mover);
    const own = mover.tadpole(mover.id)!;
    expect(own.x).toBe(final.x);
    expect(own.y).toBe(final.y);
    const seen = watcher.tadpole(mover.id)!;
    expect(seen.x).toBe(final.x);
    expect(seen.y).toBe(final.y);
  });
});
