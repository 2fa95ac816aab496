import { describe, expect, it } from "vitest";
import { angleDelta } from "../../shared/angle.ts";
import { CLOSE_INVALID_INPUT } from "../../shared/protocol.ts";
import { MAX_SPEED, NAME_MAX_LENGTH } from "../../shared/constants.ts";
import { POSITION_GRID } from "../../shared/grids.ts";
import { quantum } from "../../shared/quantize.ts";
import { PondProbe, plainTadpole } from "../helpers/pondClient.ts";
import { usePondServer } from "../helpers/pondFixture.ts";
import type { InProcessPond } from "../helpers/pondServer.ts";
import { waitFor } from "../../kit/waitFor.ts";

/**
 * The real PondRoom behind a real server on 127.0.0.1, played through the game's own net layer
 * (PondConnection). One server per file: the matchmaker is a process-wide singleton.
 */
let pond: InProcessPond;
const probes: PondProbe[] = [];

async function join(name?: string): Promise<PondProbe> {
  const probe = await PondProbe.join(pond.wsUrl, { name });
  probes.push(probe);
  return probe;
}

/** Two players in the same pond who have seen each other arrive. */
async function pair(): Promise<[PondProbe, PondProbe]> {
  const a = await join("Alice");
  const b = await join("Bob");
  expect(b.room.roomId).toBe(a.room.roomId);
  await a.waitForTadpole(b.id);
  await b.waitForTadpole(a.id);
  return [a, b];
}

function distance(p: { x: number; y: number }, q: { x: number; y: number }): number {
  return Math.hypot(p.x - q.x, p.y - q.y);
}

usePondServer({}, probes, (started) => { pond = started; });

describe("PondRoom: presence", () => {
  it("two clients see each other appear, with the names they joined with", async () => {
    const a = await join("Alice");
    await a.waitForTadpole(a.id);
    const b = await join("Bob");
    const bSeenByA = await a.waitForTadpole(b.id);
    const aSeenByB = await b.waitForTadpole(a.id);
    expect(bSeenByA.name).toBe("Bob");
    expect(aSeenByB.name).toBe("Alice");
    expect(a.added).toContain(b.id);
    expect(b.added).toContain(a.id);
    expect(a.conn.self?.name).toBe("Alice");
  });

  it("sanitizes the join name and falls back to the default for an unusable one", async () => {
    const a = await join("  \u202Eevil\u200B  name\n ");
    const b = await join("\u0000\u200B  ");
    await a.waitForTadpole(b.id);
    await b.waitForTadpole(a.id);
    expect(b.tadpole(a.id)?.name).toBe("evil name");
    expect(a.tadpole(b.id)?.name).toBe("Guest");
  });

  it("sends no patch when no step has run since the last (the patch and step timers drift past each other)", async () => {
    const a = await join("Alice");
    await a.waitForTadpole(a.id);
    const room = (await pond.rooms())[0];
    // Count the patches the room hands its serializer (each goes to every client).
    const serializer = (room as unknown as { _serializer: { applyPatches(...args: unknown[]): boolean } })._serializer;
    const apply = serializer.applyPatches.bind(serializer);
    let sent = 0;
    serializer.applyPatches = (...args: unknown[]) => { sent++; return apply(...args); };
    for (let round = 0; round < 3; round++) {
      const stepped = room.stepsRun;
      await waitFor(() => room.stepsRun > stepped, { timeoutMs: 5000, message: "the next step" });
      sent = 0;
      // No step can run between two synchronous calls: at most the first has a step to send.
      room.broadcastPatch();
      room.broadcastPatch();
      expect(sent).toBeLessThanOrEqual(1);
    }
  });

  it("after one client sends thrust, the other sees it move", async () => {
    const [a, b] = await pair();
    const seen = b.tadpole(a.id)!;
    const origin = { x: seen.x, y: seen.y };
    a.drive({ angle: 0.5, thrust: 1 });
    // It spawns facing a random way: first it turns toward the asked heading (at most ~0.5 s)...
    await waitFor(() => Math.abs(angleDelta(b.tadpole(a.id)!.angle, 0.5)) < 0.05 && distance(b.tadpole(a.id)!, origin) > 0, {
      timeoutMs: 5000,
      message: "the other client to see the swimmer turn to heading 0.5 and move",
      describe: () => ({ origin, angle: b.tadpole(a.id)?.angle }),
    });
    // ...then, measured from there, it travels along it.
    const start = { x: b.tadpole(a.id)!.x, y: b.tadpole(a.id)!.y };
    await waitFor(() => distance(b.tadpole(a.id)!, start) > 50, {
      timeoutMs: 5000,
      message: "the other client to see the swimmer travel 50 units",
      describe: () => ({ start, now: { x: b.tadpole(a.id)?.x, y: b.tadpole(a.id)?.y } }),
    });
    const moved = b.tadpole(a.id)!;
    // It swam roughly along the heading it asked for (cos/sin of 0.5 are both positive).
    expect(moved.x - start.x).toBeGreaterThan(0);
    expect(moved.y - start.y).toBeGreaterThan(0);
    expect(moved.speed).toBeGreaterThan(0);
    expect(moved.speed).toBeLessThanOrEqual(MAX_SPEED);
    // The swimmer's own prediction moved too.
    const pose = a.conn.pose(a.conn.self!, { x: 0, y: 0, angle: 0, speed: 0 });
    expect(distance(pose, start)).toBeGreaterThan(0);
  });

  it("the swimmer's prediction settles exactly on the server's state once it stops", async () => {
    const [a] = await pair();
    a.drive({ angle: 2.5, thrust: 1 });
    await waitFor(() => (a.conn.self?.speed ?? 0) > 100, { message: "the swimmer to pick up speed" });
    a.steer.thrust = 0;
    const roomId = a.room.roomId;
    // Where the server has it: its simulation body (the state carries identities only).
    const server = () => pond.room(roomId).bodyOf(a.id)!;
    await waitFor(() => server().speed === 0, { timeoutMs: 10_000, message: "the server tadpole to come to rest" });
    const pose = { x: 0, y: 0, angle: 0, speed: 0 };
    await waitFor(() => {
      const self = a.conn.self!;
      a.conn.pose(self, pose);
      return self.speed === 0 && pose.x === server().x && pose.y === server().y && pose.angle === server().angle;
    }, {
      timeoutMs: 5000,
      message: "the predicted pose to equal the authoritative one",
      describe: () => ({ predicted: pose, server: { x: server().x, y: server().y, angle: server().angle } }),
    });
  });

  it("leaving removes the tadpole for the other client and from the room", async () => {
    const [a, b] = await pair();
    const roomId = a.room.roomId;
    await a.close();
    await waitFor(() => b.tadpole(a.id) === undefined, { message: "the leaver to disappear for the other client" });
    expect(b.removed).toContain(a.id);
    expect(pond.room(roomId).state.tadpoles.has(a.id)).toBe(false);
    expect(pond.room(roomId).bodyOf(a.id)).toBeUndefined();
    expect(b.leaveCode).toBeUndefined();
  });
});

describe("PondRoom: chat and names", () => {
  it("a chat line reaches the other client as {id, text}, sanitized", async () => {
    const [a, b] = await pair();
    a.conn.say("  hello \u202Eworld\u200B  \n  again ");
    const line = await b.waitForChat((l) => l.id === a.id);
    expect(line).toEqual({ id: a.id, text: "hello world again" });
    // The sender hears its own line too (the room sends it to everyone who sees the speaker, the speaker included).
    await a.waitForChat((l) => l.id === a.id && l.text === "hello world again");
  });

  it("`name: Bob` renames the speaker and is not broadcast as chat", async () => {
    const [a, b] = await pair();
    a.conn.say("NAME :  Bobby  Tables ");
    // Messages from one client are handled in order: once this line arrives, the rename has run.
    a.conn.say("barrier");
    await b.waitForChat((l) => l.id === a.id && l.text === "barrier");
    expect(b.chats.filter((l) => l.id === a.id).map((l) => l.text)).toEqual(["barrier"]);
    await waitFor(() => b.tadpole(a.id)?.name === "Bobby Tables", {
      message: "the other client to see the new name",
      describe: () => b.tadpole(a.id)?.name,
    });
  });

  it("the `name` message renames too, cut to the name length limit", async () => {
    const [a, b] = await pair();
    a.conn.rename("Z".repeat(NAME_MAX_LENGTH + 10));
    await waitFor(() => b.tadpole(a.id)?.name === "Z".repeat(NAME_MAX_LENGTH), {
      message: "the other client to see the truncated name",
      describe: () => b.tadpole(a.id)?.name,
    });
  });

  it("throttles a fast talker with a chat_throttled notice, only to the talker", async () => {
    const [a, b] = await pair();
    const sent = 12;
    for (let i = 0; i < sent; i++) a.conn.say(`line ${i}`);
    const notice = await waitFor(() => a.notices.find((n) => n.code === "chat_throttled"), {
      message: "a chat_throttled notice",
      describe: () => a.notices,
    });
    expect(typeof notice.text).toBe("string");
    // A line from b after the flood is a barrier for everything the flood produced.
    b.conn.say("b barrier");
    await b.waitForChat((l) => l.text === "b barrier");
    await a.waitForChat((l) => l.text === "b barrier");
    const delivered = b.chats.filter((l) => l.id === a.id).length;
    expect(delivered).toBeGreaterThan(0);
    expect(delivered).toBeLessThan(sent);
    expect(b.notices).toEqual([]);
    // Still connected and still in the pond.
    expect(a.leaveCode).toBeUndefined();
  });
});

describe("PondRoom: hostile clients", () => {
  it("ignores malformed messages; the room keeps running for everyone", async () => {
    const [a, b] = await pair();
    const roomId = a.room.roomId;
    const room = a.room;
    const malformed: Array<[string | number, unknown]> = [
      ["chat", 42],
      ["chat", "just a string"],
      ["chat", null],
      ["chat", ["text"]],
      ["chat", { text: 5 }],
      ["chat", { text: "hi", extra: true }],
      ["chat", { text: "x".repeat(1500) }], // over the raw limit, under the 4 KiB frame limit
      ["chat", { text: " \u200B\u202E " }], // empty after sanitizing
      ["name", { name: 7 }],
      ["name", { name: "ok", admin: true }],
      ["name", { name: "\u0000" }],
      ["teleport", { x: 0, y: 0 }],
      [99, { text: "numeric type" }],
    ];
    for (const [type, payload] of malformed) room.send(type as never, payload as never);
    room.sendBytes("chat", new Uint8Array([0xc1, 0xff, 0x00]));

    // The sender is still connected and its next valid line arrives (messages are ordered).
    a.conn.say("still here");
    await b.waitForChat((l) => l.id === a.id && l.text === "still here");
    expect(b.chats.filter((l) => l.id === a.id).map((l) => l.text)).toEqual(["still here"]);
    expect(a.leaveCode).toBeUndefined();
    // Nothing renamed anyone.
    expect(pond.room(roomId).state.tadpoles.get(a.id)?.name).toBe("Alice");
    // The other client still gets patches and can still chat.
    a.drive({ angle: 1, thrust: 1 });
    await b.waitForPatches(5);
    b.conn.say("me too");
    await a.waitForChat((l) => l.id === b.id && l.text === "me too");
  });

  it("disconnects a client flooding invalid messages with 4400; the other stays", async () => {
    const [a, b] = await pair();
    const roomId = a.room.roomId;
    for (let i = 0; i < 100; i++) a.room.send("chat" as never, { text: i } as never);
    const code = await a.waitForLeave({ timeoutMs: 5000 });
    expect(code).toBe(CLOSE_INVALID_INPUT);
    // The other client is unaffected: connected, receiving patches, able to chat.
    await b.waitForPatches(3);
    b.conn.say("still fine");
    await b.waitForChat((l) => l.id === b.id && l.text === "still fine");
    expect(b.leaveCode).toBeUndefined();
    expect(pond.room(roomId).clients.length).toBe(1);
  });

  // Colyseus runs onDrop, not onLeave, for any close code other than CONSENTED; a kicked client
  // must not get the reconnection grace (its tadpole would linger and keep its admission slot).
  it("a kicked client's tadpole leaves the pond at once", async () => {
    const [a, b] = await pair();
    const roomId = a.room.roomId;
    for (let i = 0; i < 100; i++) a.room.send("chat" as never, { text: i } as never);
    expect(await a.waitForLeave({ timeoutMs: 5000 })).toBe(CLOSE_INVALID_INPUT);
    await waitFor(() => b.tadpole(a.id) === undefined && !pond.room(roomId).state.tadpoles.has(a.id), {
      timeoutMs: 3000,
      message: "the kicked tadpole to be removed",
      describe: () => ({ seenByOther: plainTadpole(b.tadpole(a.id)), onServer: pond.room(roomId).state.tadpoles.get(a.id)?.toJSON() }),
    });
  });

  // Same cause: were reconnection allowed, the kicked client could come back into its tadpole.
  it("a kicked client cannot come back with its reconnection token", async () => {
    const [a, b] = await pair();
    const token = a.room.reconnectionToken;
    for (let i = 0; i < 100; i++) a.room.send("chat" as never, { text: i } as never);
    expect(await a.waitForLeave({ timeoutMs: 5000 })).toBe(CLOSE_INVALID_INPUT);
    let rejoined: Awaited<ReturnType<typeof pond.colyseus.sdk.reconnect>> | undefined;
    try {
      rejoined = await pond.colyseus.sdk.reconnect(token);
    } catch (error) {
      // Refused by the matchmaker because the token is no longer good (MATCHMAKE_EXPIRED), not by
      // some other failure (the room gone, a network error) that would hide a working reconnect.
      expect(error, "the refusal").toMatchObject({ code: 524, message: expect.stringMatching(/reconnection token invalid or expired/) });
      return;
    } finally {
      await rejoined?.leave().catch(() => undefined);
    }
    expect.unreachable(`the kicked session ${a.id} reconnected to room ${rejoined?.roomId}`);
  });

  it("many inputs per tick do not make a tadpole faster than MAX_SPEED allows", async () => {
    const [a] = await pair();
    const roomId = a.room.roomId;
    const room = pond.room(roomId);
    // The server's simulation body, updated in place every tick.
    const tadpole = room.bodyOf(a.id)!;
    const dt = 1 / pond.config.tickRate;
    // Four inputs per tick (80/s), full thrust, a fixed heading: under the room's message cap
    // (tickRate * 4 + 20 per second), so only the step credit stands between it and extra speed.
    let sent = 0;
    const flood = setInterval(() => {
      const input = a.conn.input;
      for (let i = 0; i < 2; i++) {
        input.data.angle = 1;
        input.data.thrust = 1;
        input.send();
        sent++;
      }
    }, 25);
    try {
      // Let it reach top speed (about a second), then measure one second of ticks.
      await waitFor(() => tadpole.speed >= MAX_SPEED * 0.95, { timeoutMs: 5000, message: "top speed" });
      const stepsBefore = room.stepsRun;
      const sentBefore = sent;
      let path = 0;
      let last = { x: tadpole.x, y: tadpole.y };
      const start = { ...last };
      for (let i = 0; i < pond.config.tickRate; i++) {
        await room.waitForNextTimestep();
        path += distance(tadpole, last);
        last = { x: tadpole.x, y: tadpole.y };
        expect(tadpole.speed).toBeLessThanOrEqual(MAX_SPEED);
      }
      const sentDuring = sent - sentBefore;
      // Fixed steps the room ran meanwhile: on a busy machine a late timer runs catch-up steps,
      // so this can be more than the timesteps waited for.
      const ticks = room.stepsRun - stepsBefore;
      // At most one step per tick plus the banked credit (4 steps), each at most MAX_SPEED * dt,
      // plus half a grid quantum of rounding per axis per step.
      const bankedSteps = 4;
      const bound = (ticks + bankedSteps) * (MAX_SPEED * dt + quantum(POSITION_GRID));
      expect(sentDuring).toBeGreaterThan(2 * (ticks + bankedSteps)); // the flood was real
      expect(path).toBeLessThanOrEqual(bound);
      // ...and it did swim (the bound is not vacuous): about MAX_SPEED over the second.
      expect(distance(tadpole, start)).toBeGreaterThan(MAX_SPEED * 0.8);
      expect(a.leaveCode).toBeUndefined();
    } finally {
      clearInterval(flood);
    }
  });
});
