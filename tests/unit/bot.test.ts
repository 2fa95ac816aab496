import { describe, expect, it } from "vitest";
import { angleDelta } from "../../shared/angle.ts";
import { WORLD_HALF } from "../../shared/constants.ts";
import { parseChat } from "../../server/rooms/validators.ts";
import { spawnPoint, stepTadpole } from "../../shared/movement.ts";
import type { Steer } from "../../shared/input.ts";
import { ArgsError, DEFAULT_URL, MAX_BOTS, USAGE, parseBotArgs } from "../../kit/player/botArgs.ts";
import { chatLine, renameLine } from "../../kit/player/chatter.ts";
import { createRng } from "../../shared/rng.ts";
import { formatSummary } from "../../kit/player/swarm.ts";
import { FrameTicker } from "../../kit/player/ticker.ts";
import { byteLength } from "../../kit/player/traffic.ts";
import { DEFAULT_WANDER, Wander } from "../../kit/player/wander.ts";
import { waitFor } from "../../kit/waitFor.ts";

describe("bots: command line", () => {
  it("has safe defaults: local server, bounded count, no duration", () => {
    const args = parseBotArgs([], 1234);
    expect(args).toMatchObject({ count: 10, url: DEFAULT_URL, durationSec: undefined, chatEverySec: 20, joinRate: 20, seed: 1234 });
  });

  it("parses the documented flags, in both --flag value and --flag=value forms", () => {
    const args = parseBotArgs(["--count", "50", "--url", "ws://localhost:2567/", "--duration=60", "--chat-every", "0", "--seed=7"]);
    expect(args).toMatchObject({ count: 50, url: "ws://localhost:2567", durationSec: 60, chatEverySec: 0, seed: 7 });
  });

  it("prints a usage made from the flags' declarations: each flag with its value, help and default", () => {
    expect(USAGE).toMatch(/^Usage: npm run bots -- \[options\]\n/);
    expect(USAGE).toMatch(/\n {2}--count <n> +bots to run, 1\.\.1000 \(default 10\)\n/);
    expect(USAGE).toMatch(/\n {2}--duration <s> +stop after this many seconds \(default: run until Ctrl-C\)\n/);
    expect(USAGE).toMatch(/\n {2}--help +show this help$/);
    expect(USAGE.split("\n")).toHaveLength(13);
  });

  it("rejects unknown flags, missing values, out-of-range numbers and non-WebSocket URLs", () => {
    for (const argv of [
      ["--cuont", "5"], ["--count"], ["--count", "0"], ["--count", String(MAX_BOTS + 1)], ["--count", "2.5"],
      ["--count", "lots"], ["--duration", "-1"], ["--duration", ""], ["--rename-share", "2"], ["--url", "localhost:2567"],
      ["--url", "ftp://example.com"], ["--join-rate", "Infinity"],
    ]) {
      expect(() => parseBotArgs(argv), argv.join(" ")).toThrow(ArgsError);
    }
  });
});

describe("bots: wander", () => {
  /** A bot swimming with the real movement step for `seconds` at 60 frames and 20 ticks per second. */
  function swim(seed: number, seconds: number, start?: { x: number; y: number }) {
    const rng = createRng(seed);
    const wander = new Wander(rng);
    const body = spawnPoint(rng(), rng(), 200, { x: 0, y: 0, angle: 0, speed: 0 });
    if (start) Object.assign(body, start);
    const steer: Steer = { angle: 0, thrust: 0 };
    const trace: Array<{ x: number; y: number; heading: number; thrust: number }> = [];
    for (let frame = 0; frame < seconds * 60; frame++) {
      wander.update(1 / 60, body.x, body.y, steer);
      if (frame % 3 === 0) stepTadpole(body, steer, 1 / 20);
      trace.push({ x: body.x, y: body.y, heading: steer.angle, thrust: steer.thrust });
    }
    return trace;
  }

  it("changes heading smoothly: bounded turn per frame", () => {
    for (const seed of [1, 2, 3]) {
      const trace = swim(seed, 120);
      let maxTurn = 0;
      let totalTurn = 0;
      for (let i = 1; i < trace.length; i++) {
        const turn = Math.abs(angleDelta(trace[i - 1].heading, trace[i].heading));
        maxTurn = Math.max(maxTurn, turn);
        totalTurn += turn;
      }
      // Wandering turns at most maxTurnRate; the wall pull is at most (0.5 + 4) * dt of the way.
      expect(maxTurn).toBeLessThanOrEqual(DEFAULT_WANDER.maxTurnRate / 60 + (4.5 / 60) * Math.PI + 1e-9);
      expect(totalTurn).toBeGreaterThan(1); // it does wander, not swim in a straight line
    }
  });

  it("stays in the pond over ten minutes, and mostly away from the walls", () => {
    for (const seed of [11, 12]) {
      const trace = swim(seed, 600);
      let atWall = 0;
      let far = 0;
      for (const p of trace) {
        expect(Math.abs(p.x)).toBeLessThanOrEqual(WORLD_HALF);
        expect(Math.abs(p.y)).toBeLessThanOrEqual(WORLD_HALF);
        if (Math.max(Math.abs(p.x), Math.abs(p.y)) > WORLD_HALF - 1) atWall++;
        far = Math.max(far, Math.hypot(p.x, p.y));
      }
      expect(atWall / trace.length).toBeLessThan(0.02);
      expect(far).toBeGreaterThan(500); // it explores
    }
  });

  it("near a wall, turns back toward the centre", () => {
    const rng = createRng(5);
    const wander = new Wander(rng, DEFAULT_WANDER, 0); // heading straight at the east wall
    const steer: Steer = { angle: 0, thrust: 0 };
    for (let i = 0; i < 120; i++) wander.update(1 / 60, WORLD_HALF - 20, 0, steer);
    expect(Math.cos(steer.angle)).toBeLessThan(-0.5); // now heading west, into the pond
  });

  it("bursts at full thrust now and then, rests sometimes, and keeps thrust in [0, 1]", () => {
    const trace = swim(21, 300);
    const thrusts = trace.map((p) => p.thrust);
    expect(Math.min(...thrusts)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...thrusts)).toBeLessThanOrEqual(1);
    expect(thrusts.filter((t) => t === 1).length).toBeGreaterThan(60); // bursts happened
    expect(thrusts.filter((t) => t === 0).length).toBeGreaterThan(0); // and rests
    expect(thrusts.filter((t) => t > 0 && t < 1).length / thrusts.length).toBeGreaterThan(0.5); // mostly cruising
  });

  it("is deterministic for a seed", () => {
    expect(swim(99, 20)).toEqual(swim(99, 20));
  });

  it("survives a stalled or broken frame time", () => {
    const wander = new Wander(createRng(1));
    const steer: Steer = { angle: 0, thrust: 0 };
    for (const dt of [0, -1, NaN, 1000]) {
      wander.update(dt, 0, 0, steer);
      expect(Number.isFinite(steer.angle)).toBe(true);
      expect(steer.thrust).toBeGreaterThanOrEqual(0);
      expect(steer.thrust).toBeLessThanOrEqual(1);
    }
  });
});

describe("bots: chatter", () => {
  it("says short lines the server accepts as chat", () => {
    const rng = createRng(3);
    for (let i = 0; i < 500; i++) {
      const line = chatLine(rng);
      expect(parseChat({ text: line })).toEqual({ kind: "say", text: line });
    }
  });

  it("renames with `name: Bot-123`, which the server parses as a rename", () => {
    const rng = createRng(4);
    for (let i = 0; i < 100; i++) {
      const line = renameLine(rng);
      expect(line).toMatch(/^name: Bot-\d{3}$/);
      expect(parseChat({ text: line })).toEqual({ kind: "rename", name: line.slice("name: ".length) });
    }
  });
});

describe("bots: plumbing", () => {
  it("measures WebSocket payloads of every shape", () => {
    expect(byteLength(new ArrayBuffer(7))).toBe(7);
    expect(byteLength(new Uint8Array(5))).toBe(5);
    expect(byteLength(Buffer.from("abc"))).toBe(3);
    expect(byteLength("héllo")).toBe(6);
    expect(byteLength([Buffer.alloc(2), Buffer.alloc(3)])).toBe(5);
    expect(byteLength(new Blob(["1234"]))).toBe(4);
    expect(byteLength(undefined)).toBe(0);
  });

  it("one ticker drives every subscriber with the same time; errors do not stop the others", async () => {
    const ticker = new FrameTicker(60);
    const errors: unknown[] = [];
    ticker.onError = (e) => errors.push(e);
    const seen: number[][] = [[], [], []];
    const offs = [0, 1, 2].map((i) => ticker.add((now) => {
      seen[i].push(now);
      if (i === 1) throw new Error("boom");
    }));
    expect(ticker.running).toBe(true);
    await waitFor(() => seen[2].length >= 5, { message: "five frames" });
    expect(seen[0].slice(0, 5)).toEqual(seen[2].slice(0, 5));
    expect(errors.length).toBeGreaterThan(0);
    for (const off of offs) off();
    expect(ticker.running).toBe(false);
  });

  it("formats a summary line with the numbers a smoke test reads", () => {
    const line = formatSummary({
      elapsedSec: 5, connected: 4, target: 5, patchesPerSecPerBot: 19.96, bytesPerSecPerBot: 1234.4,
      chatSent: 2, chatSeen: 8, renames: 1, joinFailures: 0, drops: 0,
    });
    expect(line).toBe("[bots] 5.0s connected 4/5 | per bot 20.0 patches/s 1234 B/s | chat 8 seen 2 sent | renamed 1");
  });

  it("seeded randomness repeats", () => {
    const a = createRng(42);
    const b = createRng(42);
    for (let i = 0; i < 100; i++) expect(a()).toBe(b());
  });
});
