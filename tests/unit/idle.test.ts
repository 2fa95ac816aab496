import { describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "../../server/config.ts";
import { Pond, type Member } from "../../server/sim/Pond.ts";
import { INPUT_CUSHION, type InputSource } from "../../server/sim/PondSim.ts";
import { IDLE_FADE_SECONDS, IDLE_KICK_SECONDS, WORLD_HALF } from "../../shared/constants.ts";
import { ANGLE_GRID, THRUST_GRID } from "../../shared/grids.ts";
import type { Steer } from "../../shared/input.ts";
import { idleCloseReason, idleSecondsIn } from "../../shared/protocol.ts";
import { quantum, snap } from "../../shared/quantize.ts";
import { createRng } from "../../shared/rng.ts";
import { PondState } from "../../shared/state.ts";

/**
 * Idleness in the pond itself (server/sim): what counts as a player doing something, when a
 * tadpole turns idle, and when its seat is due to be freed. The room (tests/room/idle.test.ts)
 * runs the same code on a timer against real clients; here the ticks are counted exactly.
 */

/** A client that sends one input every tick: `steer`, as the wire decodes it (quantized). */
class Client implements InputSource {
  steer: Steer = { angle: 0, thrust: 0 };
  /** False: the client sends nothing at all (a background tab). */
  sending = true;
  get size(): number {
    return this.sending ? INPUT_CUSHION : 0;
  }
  next(): Steer | undefined {
    if (!this.sending) return undefined;
    return { angle: snap(ANGLE_GRID, this.steer.angle), thrust: snap(THRUST_GRID, this.steer.thrust) };
  }
}

const DT = 0.05;
/** 1 s at 20 Hz. */
const FADE = 20;
const KICK = 60;
const ANGLE_STEP = quantum(ANGLE_GRID);

function setup(): { pond: Pond; state: PondState; join(name: string): { member: Member; client: Client } } {
  const state = new PondState();
  const pond = new Pond(state, { viewRadius: 1200, interest: true, random: createRng(7) });
  return {
    pond,
    state,
    join(name) {
      const client = new Client();
      const member = pond.join(name, client, name, 0, {});
      // At rest, facing the way it spawned: what a client whose player does nothing sends.
      client.steer = { angle: member.body.angle, thrust: 0 };
      return { member, client };
    },
  };
}

/** Runs `ticks` fixed steps, checking idleness after each (as if the timer ran every tick); returns who expired. */
function run(pond: Pond, ticks: number, kickTicks = 0): Member[] {
  const expired: Member[] = [];
  for (let i = 0; i < ticks; i++) {
    pond.step(DT);
    pond.checkIdle(FADE, kickTicks, (member) => expired.push(member));
  }
  return expired;
}

describe("idle tadpoles (server/sim)", () => {
  it("a client that sends the same input every tick turns idle after the fade time, in the state every client receives", () => {
    const { pond, state, join } = setup();
    const { member } = join("still");
    run(pond, FADE - 1);
    expect(member.idle).toBe(false);
    expect(state.tadpoles.get("still")?.idle).not.toBe(true);
    run(pond, 1);
    expect(member.idle).toBe(true);
    expect(state.tadpoles.get("still")?.idle).toBe(true);
  });

  it("a client that sends nothing at all (a background tab) turns idle too", () => {
    const { pond, join } = setup();
    const { member, client } = join("gone");
    client.sending = false;
    run(pond, FADE);
    expect(member.idle).toBe(true);
  });

  it("a change of heading wakes it in the very step that plays it, before any check; a change of one wire quantum does not", () => {
    const { pond, state, join } = setup();
    const { member, client } = join("sleepy");
    run(pond, FADE);
    expect(member.idle).toBe(true);
    // One grid step, back and forth (a value rounding across a grid line): no hand on the mouse.
    const base = client.steer.angle;
    for (let i = 0; i < 10; i++) {
      client.steer.angle = base + (i % 2 === 0 ? ANGLE_STEP : 0);
      pond.step(DT);
    }
    expect(member.idle).toBe(true);
    client.steer.angle = base + 4 * ANGLE_STEP;
    pond.step(DT);
    expect(member.idle).toBe(false);
    expect(state.tadpoles.get("sleepy")?.idle).toBe(false);
    // And it counts from there again.
    run(pond, FADE - 1);
    expect(member.idle).toBe(false);
    run(pond, 1);
    expect(member.idle).toBe(true);
  });

  it("a change of thrust wakes it", () => {
    const { pond, join } = setup();
    const { member, client } = join("pushy");
    run(pond, FADE);
    expect(member.idle).toBe(true);
    client.steer.thrust = 0.5;
    pond.step(DT);
    expect(member.idle).toBe(false);
  });

  it("a chat line or a rename (touch) wakes it at once", () => {
    const { pond, state, join } = setup();
    const { member } = join("chatty");
    run(pond, FADE);
    expect(state.tadpoles.get("chatty")?.idle).toBe(true);
    pond.sim.touch(member);
    expect(member.idle).toBe(false);
    expect(state.tadpoles.get("chatty")?.idle).toBe(false);
  });

  it("swimming straight on with the same input is not idle; pushing into a wall is", () => {
    const { pond, join } = setup();
    const { member, client } = join("cruiser");
    member.body.x = -1000;
    member.body.y = 0;
    client.steer = { angle: 0, thrust: 1 };
    // Three fade times at full speed toward +x: 3 s, about 450 units, far from the wall.
    run(pond, 3 * FADE);
    expect(member.idle).toBe(false);
    expect(member.body.x).toBeGreaterThan(-1000 + 300);
    // Against the wall, heading straight into it: it no longer moves, so it is idle in time.
    member.body.x = WORLD_HALF - 1;
    run(pond, FADE + 2);
    expect(member.body.x).toBeGreaterThan(WORLD_HALF - 1);
    expect(member.idle).toBe(true);
  });

  it("hands on each member quiet for the kick time, and not before; one that steers is never due", () => {
    const { pond, join } = setup();
    const { member: still } = join("still");
    const { member: busy, client: busyClient } = join("busy");
    let expired: Member[] = [];
    for (let i = 0; i < KICK - 1; i++) {
      busyClient.steer.angle = (i % 2) * 0.5;
      expired.push(...run(pond, 1, KICK));
    }
    expect(expired).toEqual([]);
    expired = run(pond, 1, KICK);
    expect(expired).toEqual([still]);
    expect(busy.idle).toBe(false);
    // 0 never frees a seat.
    expect(run(pond, KICK, 0)).toEqual([]);
  });
});

describe("idle settings and the close reason", () => {
  it("default to the shared constants; IDLE_TIMEOUT_SECONDS=0 never frees a seat; a bad value stops the server", () => {
    expect(readConfig({})).toMatchObject({ idleFadeSeconds: IDLE_FADE_SECONDS, idleTimeoutSeconds: IDLE_KICK_SECONDS });
    expect(IDLE_FADE_SECONDS).toBe(10);
    expect(IDLE_KICK_SECONDS).toBe(900);
    expect(readConfig({ IDLE_FADE_SECONDS: "3", IDLE_TIMEOUT_SECONDS: "0" })).toMatchObject({ idleFadeSeconds: 3, idleTimeoutSeconds: 0 });
    expect(() => readConfig({ IDLE_TIMEOUT_SECONDS: "-1" })).toThrow(ConfigError);
    expect(() => readConfig({ IDLE_TIMEOUT_SECONDS: "15m" })).toThrow(/IDLE_TIMEOUT_SECONDS/);
    expect(() => readConfig({ IDLE_FADE_SECONDS: "0" })).toThrow(/IDLE_FADE_SECONDS/);
  });

  it("the reason carries the seconds to the client, and no other reason does", () => {
    expect(idleCloseReason(900)).toBe("Idle for 900 s.");
    expect(idleSecondsIn(idleCloseReason(900))).toBe(900);
    expect(idleSecondsIn(idleCloseReason(3))).toBe(3);
    expect(idleSecondsIn("Too many messages.")).toBeUndefined();
    expect(idleSecondsIn(undefined)).toBeUndefined();
  });
});
