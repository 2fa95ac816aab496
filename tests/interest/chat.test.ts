import { describe, expect, it } from "vitest";
import { PondProbe } from "../helpers/pondClient.ts";
import { joinAndSpawn, usePondServer } from "../helpers/pondFixture.ts";
import type { InProcessPond } from "../helpers/pondServer.ts";
import { waitFor } from "../../kit/waitFor.ts";
import { CellRule } from "./support/cells.ts";
import { ServerSide } from "./support/server.ts";
import { distance, park, type Point } from "./support/swim.ts";

/**
 * Interest across the whole pond, at the server's default view radius: chat lines go only to the
 * clients that see the speaker, and two players who start thousands of units apart find each
 * other (identity and position) when they swim together. Real server on 127.0.0.1, the game's
 * own net layer; tadpoles are placed by swimming them (inputs only).
 */
let pond: InProcessPond;
let rule: CellRule;
const probes: PondProbe[] = [];

const join = (name: string): Promise<PondProbe> => joinAndSpawn(pond.wsUrl, probes, name);

const serverSide = new ServerSide(() => pond);
const server = (probe: PondProbe, id = probe.id) => serverSide.body(probe, id);
const serverAt = (probe: PondProbe, id = probe.id): Point => serverSide.at(probe, id);
/** The pond is wide: allow for swimming across it. */
const parkAt = (probe: PondProbe, target: Point, still = false) => serverSide.parkAt(probe, target, still, 25_000);

usePondServer({ maxPlayers: 50 }, probes, (started) => {
  pond = started;
  rule = new CellRule(started.config.viewRadius);
});

/** Far west and far east, in the middle of the row of cells through the centre (the swims below stay in it). */
const row = () => rule.centreOf({ x: 0, y: 0 }).y;
const west = (x = -1500): Point => ({ x, y: row() });
const east = (x = 1500): Point => ({ x, y: row() });

describe("interest: chat and far-away players", () => {
  it("a chat line reaches a client that sees the speaker, and not one far away", async () => {
    const speaker = await join("Speaker");
    const near = await join("Near");
    const far = await join("Far");
    await Promise.all([
      parkAt(speaker, west()), parkAt(near, west(-1300)), parkAt(far, east()),
    ]);
    // Several thousand units apart: farther than any client ever sees. A few patches (and
    // sweeps) later, Far holds neither of them, and Near holds the speaker.
    expect(distance(serverAt(speaker), serverAt(far))).toBeGreaterThan(Math.max(2500, rule.neverBeyond));
    await near.waitForTadpole(speaker.id);
    await Promise.all([far.waitForPatches(5), speaker.waitForPatches(5)]);
    expect(far.tadpole(speaker.id)).toBeUndefined();
    expect(far.tadpole(near.id)).toBeUndefined();
    expect(speaker.tadpole(far.id)).toBeUndefined();
    expect(near.tadpole(speaker.id)).toBeDefined();

    speaker.conn.say("hello, neighbour");
    const line = await near.waitForChat((l) => l.id === speaker.id);
    expect(line).toEqual({ id: speaker.id, text: "hello, neighbour" });
    await speaker.waitForChat((l) => l.id === speaker.id && l.text === "hello, neighbour");

    // Barrier: Far's own line is sent only now, after the server handled the speaker's (Near
    // already has it), so had the speaker's line been sent to Far it would have arrived first.
    far.conn.say("anyone out here?");
    await far.waitForChat((l) => l.id === far.id && l.text === "anyone out here?");
    expect(far.chats.filter((l) => l.id === speaker.id)).toEqual([]);

    // The same the other way: Far's line did not reach the two in the west (the speaker's next
    // line, handled after Far's, is their barrier).
    speaker.conn.say("still here");
    await near.waitForChat((l) => l.id === speaker.id && l.text === "still here");
    await speaker.waitForChat((l) => l.id === speaker.id && l.text === "still here");
    expect(near.chats.filter((l) => l.id === far.id)).toEqual([]);
    expect(speaker.chats.filter((l) => l.id === far.id)).toEqual([]);
    expect(near.chats.filter((l) => l.id === speaker.id).map((l) => l.text)).toEqual(["hello, neighbour", "still here"]);
  });

  it("two players far apart swim into view of each other, each with the other where the server has it", async () => {
    const a = await join("Westerner");
    const b = await join("Easterner");
    await Promise.all([parkAt(a, west()), parkAt(b, east())]);
    expect(distance(serverAt(a), serverAt(b))).toBeGreaterThan(Math.max(2500, rule.neverBeyond));
    await Promise.all([a.waitForPatches(5), b.waitForPatches(5)]);
    expect(a.tadpole(b.id)).toBeUndefined();
    expect(b.tadpole(a.id)).toBeUndefined();

    // Every position of each the server sends from now on...
    const room = pond.room(a.room.roomId);
    const sent = new Map<string, Point[]>([[a.id, []], [b.id, []]]);
    const broadcast = room.broadcastPatch.bind(room);
    room.broadcastPatch = () => {
      for (const [id, list] of sent) {
        const body = room.bodyOf(id);
        if (body) list.push({ x: body.x, y: body.y });
      }
      return broadcast();
    };
    // ...and, at the patch where each first holds the other, where it holds it and where both are on the server.
    const firstSeen = new Map<string, { kind: string; held: Point; viewer: Point }[]>([[a.id, []], [b.id, []]]);
    const stops = [[a, b], [b, a]].map(([viewer, other]) => viewer.onTadpoleEvent((kind, id) => {
      if (id !== other.id) return;
      const held = viewer.tadpole(id);
      firstSeen.get(viewer.id)!.push({ kind, held: { x: held?.x ?? NaN, y: held?.y ?? NaN }, viewer: serverAt(viewer) });
    }));
    try {
      await Promise.all([
        parkAt(a, west(-150), true),
        parkAt(b, east(150), true),
        a.waitForTadpole(b.id, { timeoutMs: 25_000 }),
        b.waitForTadpole(a.id, { timeoutMs: 25_000 }),
      ]);
      await Promise.all([a.waitForPatches(5), b.waitForPatches(5)]);
    } finally {
      room.broadcastPatch = broadcast;
      for (const stop of stops) stop();
    }

    for (const [viewer, other] of [[a, b], [b, a]]) {
      // It appeared once, and stayed (no flicker while they closed in).
      const events = firstSeen.get(viewer.id)!;
      expect(events.map((e) => e.kind)).toEqual(["add"]);
      // It came with a position the server really sent (exactly: the stream carries the grid's
      // codes), from a cell the viewer watches: one that reaches within the leave radius of it.
      const { held, viewer: viewerAt } = events[0];
      const match = sent.get(other.id)!.find((s) => s.x === held.x && s.y === held.y);
      expect(match, `${viewer.id} first held ${other.id} at (${held.x}, ${held.y}), no position the server sent`).toBeDefined();
      expect(rule.cellDistance(viewerAt, match!)).toBeLessThanOrEqual(rule.leave);
      // Both at rest now: the viewer holds the other exactly where the server has it.
      const seen = viewer.conn.all.get(other.id)!;
      const truth = room.bodyOf(other.id)!;
      expect(truth.speed).toBe(0);
      expect(seen.x).toBe(truth.x);
      expect(seen.y).toBe(truth.y);
      expect(seen.name).toBe(other === a ? "Westerner" : "Easterner");
    }
  });
});
