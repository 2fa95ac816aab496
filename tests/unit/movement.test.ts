import { describe, expect, it } from "vitest";
import { angleDelta, wrapAngle } from "../../shared/angle.ts";
import { GLIDE_TIME, MAX_SPEED, SPAWN_RADIUS, TURN_TIME, WORLD_HALF } from "../../shared/constants.ts";
import { ANGLE_GRID, POSITION_GRID, SPEED_GRID } from "../../shared/grids.ts";
import type { Steer } from "../../shared/input.ts";
import { spawnPoint, stepTadpole } from "../../shared/movement.ts";
import { quantum, snap } from "../../shared/quantize.ts";
import type { Body } from "../../shared/state.ts";
import { createRng } from "../../shared/rng.ts";

const TWO_PI = Math.PI * 2;
const DTS = [1 / 60, 1 / 30, 1 / 20, 1 / 10];
const Q_ANGLE = quantum(ANGLE_GRID);
const Q_POS = quantum(POSITION_GRID);

function body(x = 0, y = 0, angle = 0, speed = 0): Body {
  // Start from grid values, as the server's state always is.
  return { x: snap(POSITION_GRID, x), y: snap(POSITION_GRID, y), angle: snap(ANGLE_GRID, angle), speed: snap(SPEED_GRID, speed) };
}

function onGrid(b: Body): boolean {
  return snap(POSITION_GRID, b.x) === b.x && snap(POSITION_GRID, b.y) === b.y
    && snap(ANGLE_GRID, b.angle) === b.angle && snap(SPEED_GRID, b.speed) === b.speed;
}

/** A long, varied steering script from a seed. */
function script(seed: number, length: number): Steer[] {
  const rng = createRng(seed);
  return Array.from({ length }, () => ({ angle: (rng() - 0.5) * 40, thrust: rng() < 0.2 ? 0 : rng() * 1.4 - 0.2 }));
}

describe("stepTadpole: speed", () => {
  for (const dt of DTS) {
    it(`reaches most of MAX_SPEED almost at once, all of it soon, and never more (dt ${dt.toFixed(4)})`, () => {
      const b = body();
      let previous = 0;
      let reached = -1;
      let nineTenths = -1;
      for (let i = 1; i <= 10 / dt; i++) {
        stepTadpole(b, { angle: 0, thrust: 1 }, dt);
        expect(b.speed).toBeLessThanOrEqual(MAX_SPEED);
        expect(b.speed).toBeGreaterThanOrEqual(previous);
        previous = b.speed;
        if (nineTenths < 0 && b.speed >= 0.9 * MAX_SPEED) nineTenths = i * dt;
        if (reached < 0 && b.speed === MAX_SPEED) reached = i * dt;
      }
      // The original sets full momentum on the press; ours gets 90 % of it within a quarter second
      // (three steps at 10 Hz) and lands exactly on MAX_SPEED within two.
      expect(nineTenths).toBeGreaterThan(0);
      expect(nineTenths).toBeLessThanOrEqual(Math.max(0.25, 3 * dt) + 1e-9);
      expect(reached).toBeGreaterThan(0);
      expect(reached).toBeLessThan(2);
    });
  }

  it("half thrust settles below full speed", () => {
    const b = body();
    for (let i = 0; i < 400; i++) stepTadpole(b, { angle: 0, thrust: 0.5 }, 1 / 20);
    expect(b.speed).toBeGreaterThan(0);
    expect(b.speed).toBeLessThan(MAX_SPEED);
  });

  for (const dt of DTS) {
    it(`let go, a tadpole glides to a stop: slowly at first, exactly to rest, and stays put (dt ${dt.toFixed(4)})`, () => {
      const b = body(100, -50, 1, MAX_SPEED);
      let steps = 0;
      let previous = b.speed;
      let atGlideTime = -1;
      while (b.speed !== 0) {
        stepTadpole(b, { angle: 1, thrust: 0 }, dt);
        expect(b.speed).toBeLessThan(previous);
        previous = b.speed;
        steps++;
        if (atGlideTime < 0 && steps * dt >= GLIDE_TIME) atGlideTime = b.speed;
        expect(steps * dt).toBeLessThan(5); // it does stop, in bounded time
      }
      // One time constant in, about 1/e of the speed is left (the implicit step keeps a little more).
      expect(atGlideTime / MAX_SPEED).toBeGreaterThan(0.3);
      expect(atGlideTime / MAX_SPEED).toBeLessThan(0.5);
      // ...and it has stopped within about 2.5 s, as the original's glide fades out.
      expect(steps * dt).toBeGreaterThan(1);
      expect(steps * dt).toBeLessThan(3);
      expect(b.speed).toBe(0);
      const rest = { ...b };
      for (let i = 0; i < 100; i++) stepTadpole(b, { angle: 1, thrust: 0 }, dt);
      expect(b).toEqual(rest);
    });
  }

  it("per step, a tadpole moves at most MAX_SPEED * dt (plus grid rounding)", () => {
    for (const dt of DTS) {
      const b = body();
      for (const steer of script(7, 2000)) {
        const before = { ...b };
        stepTadpole(b, steer, dt);
        expect(Math.hypot(b.x - before.x, b.y - before.y)).toBeLessThanOrEqual(MAX_SPEED * dt + Q_POS);
        expect(b.speed).toBeGreaterThanOrEqual(0);
        expect(b.speed).toBeLessThanOrEqual(MAX_SPEED);
      }
    }
  });
});

describe("stepTadpole: heading", () => {
  it("eases a share of the way to the wanted heading per step, the short way round, never past it", () => {
    const rng = createRng(42);
    for (let i = 0; i < 5000; i++) {
      const dt = DTS[i % DTS.length];
      const b = body(0, 0, rng() * TWO_PI, rng() * MAX_SPEED);
      const wanted = rng() * TWO_PI;
      const before = b.angle;
      const wantedTurn = angleDelta(before, snap(ANGLE_GRID, wanted));
      stepTadpole(b, { angle: wanted, thrust: rng() < 0.3 ? 0 : rng() }, dt);
      const turned = angleDelta(before, b.angle);
      if (Math.abs(wantedTurn) > 0.01) {
        // The share of an implicit exponential step with time constant TURN_TIME.
        const share = dt / TURN_TIME / (1 + dt / TURN_TIME);
        expect(Math.abs(turned - wantedTurn * share)).toBeLessThanOrEqual(Q_ANGLE);
        expect(Math.sign(turned)).toBe(Math.sign(wantedTurn));
        expect(Math.abs(turned)).toBeLessThanOrEqual(Math.abs(wantedTurn));
      }
    }
  });

  it("crosses the 0/2π seam the short way in both directions", () => {
    const dt = 1 / 20;
    const share = dt / TURN_TIME / (1 + dt / TURN_TIME);
    // Just above 0, wanting just below 2π: turn clockwise through 0, not all the way round.
    const down = body(0, 0, 0.05);
    stepTadpole(down, { angle: TWO_PI - 0.5, thrust: 1 }, dt);
    expect(down.angle).toBeGreaterThan(Math.PI);
    expect(down.angle).toBeCloseTo(TWO_PI + 0.05 - 0.55 * share, 3);
    // Just below 2π, wanting just above 0: turn counter-clockwise through 0.
    const up = body(0, 0, TWO_PI - 0.05);
    stepTadpole(up, { angle: 0.5, thrust: 1 }, dt);
    expect(up.angle).toBeLessThan(Math.PI);
    expect(up.angle).toBeCloseTo(0.55 * share - 0.05, 3);
    // Within a hair: lands on the wanted heading (an equivalent angle outside [0, 2π) too).
    const near = body(0, 0, 0.0005);
    stepTadpole(near, { angle: -0.0005, thrust: 1 }, dt);
    expect(near.angle).toBe(snap(ANGLE_GRID, TWO_PI - 0.0005));
  });

  it("turns to face the wanted heading within about half a second, even turning right round", () => {
    for (const dt of DTS) {
      const b = body(0, 0, 0);
      for (let i = 0; i < 0.6 / dt; i++) stepTadpole(b, { angle: Math.PI - 0.01, thrust: 1 }, dt);
      expect(Math.abs(angleDelta(b.angle, Math.PI - 0.01))).toBeLessThan(0.15);
    }
  });

  it("keeps the heading in [0, 2π) and reaches any wanted heading", () => {
    const b = body(0, 0, 1);
    for (const wanted of [-20, 3 * Math.PI, 0, TWO_PI, 5.5, -0.001]) {
      for (let i = 0; i < 40; i++) {
        stepTadpole(b, { angle: wanted, thrust: 1 }, 1 / 20);
        expect(b.angle).toBeGreaterThanOrEqual(0);
        expect(b.angle).toBeLessThan(TWO_PI);
      }
      expect(Math.abs(angleDelta(b.angle, wanted))).toBeLessThanOrEqual(Q_ANGLE);
    }
  });

  it("turns without thrust too: a resting tadpole faces where it is told, and stays where it is", () => {
    const b = body(10, 20, 1, 0);
    for (let i = 0; i < 40; i++) stepTadpole(b, { angle: 4, thrust: 0 }, 1 / 20);
    expect(b.angle).toBe(snap(ANGLE_GRID, 4));
    expect([b.x, b.y, b.speed]).toEqual([body(10).x, body(0, 20).y, 0]);
  });
});

describe("stepTadpole: walls", () => {
  const headings: Array<[string, number, number, number]> = [
    ["east", 0, 1, 0], ["north", Math.PI / 2, 0, 1], ["west", Math.PI, -1, 0], ["south", -Math.PI / 2, 0, -1],
    ["north-east corner", Math.PI / 4, 1, 1], ["south-west corner", (5 * Math.PI) / 4, -1, -1],
  ];
  for (const [label, angle, sx, sy] of headings) {
    it(`clamps at ±WORLD_HALF swimming ${label}`, () => {
      const b = body(sx * (WORLD_HALF - 300), sy * (WORLD_HALF - 300), angle);
      for (let i = 0; i < 400; i++) {
        stepTadpole(b, { angle, thrust: 1 }, 1 / 20);
        expect(Math.abs(b.x)).toBeLessThanOrEqual(WORLD_HALF);
        expect(Math.abs(b.y)).toBeLessThanOrEqual(WORLD_HALF);
      }
      // Pressed against the wall(s) it swam toward: within one grid step of ±WORLD_HALF.
      if (sx !== 0) expect(Math.abs(b.x - sx * WORLD_HALF)).toBeLessThanOrEqual(Q_POS);
      if (sy !== 0) expect(Math.abs(b.y - sy * WORLD_HALF)).toBeLessThanOrEqual(Q_POS);
      expect(onGrid(b)).toBe(true);
    });
  }

  it("pulls a tadpole that is somehow outside back inside on its next step", () => {
    const b = { x: 3000, y: -1e9, angle: 0, speed: 0 };
    stepTadpole(b, { angle: 0, thrust: 0 }, 1 / 20);
    expect(Math.abs(b.x)).toBeLessThanOrEqual(WORLD_HALF);
    expect(Math.abs(b.y)).toBeLessThanOrEqual(WORLD_HALF);
  });

  // With a symmetric 16-bit range the span is 2^16 - 2, so the wall is not a grid point:
  // it snaps inward, never outside the pond, by less than one quantum.
  it("a wall snaps inward by less than one quantum", () => {
    const wall = snap(POSITION_GRID, WORLD_HALF);
    expect(wall).toBeLessThanOrEqual(WORLD_HALF);
    expect(WORLD_HALF - wall).toBeLessThan(quantum(POSITION_GRID));
    expect(snap(POSITION_GRID, -WORLD_HALF)).toBe(-wall);
  });
});

describe("stepTadpole: wire grid and determinism", () => {
  it("every result is on the wire grid (snapping again changes nothing)", () => {
    for (const dt of DTS) {
      const b = body(12.345, -678.9, 2);
      for (const steer of script(3, 1500)) {
        stepTadpole(b, steer, dt);
        expect(onGrid(b)).toBe(true);
      }
    }
  });

  it("snap is idempotent on every grid", () => {
    const rng = createRng(5);
    for (const grid of [POSITION_GRID, ANGLE_GRID, SPEED_GRID]) {
      for (let i = 0; i < 2000; i++) {
        const v = (rng() - 0.5) * 10_000;
        const once = snap(grid, v);
        expect(snap(grid, once)).toBe(once);
      }
    }
  });

  it("is deterministic: the same inputs give bit-identical numbers", () => {
    const run = () => {
      const b = body(1, 2, 3);
      const trace: number[] = [];
      for (const steer of script(11, 3000)) {
        stepTadpole(b, steer, 1 / 20);
        trace.push(b.x, b.y, b.angle, b.speed);
      }
      return trace;
    };
    const first = run();
    const second = run();
    expect(second.length).toBe(first.length);
    for (let i = 0; i < first.length; i++) expect(Object.is(first[i], second[i])).toBe(true);
  });

  it("a step from a decoded (snapped) body equals a step from the original", () => {
    // What client prediction relies on: the server's body is already on the grid.
    const b = body(100, 100, 1, 100);
    const copy = { ...b };
    stepTadpole(b, { angle: 2, thrust: 0.7 }, 1 / 20);
    stepTadpole(copy, { angle: snap(ANGLE_GRID, 2), thrust: 0.7 }, 1 / 20);
    expect(copy).toEqual(b);
  });
});

describe("stepTadpole: hostile steering", () => {
  const weird = [NaN, Infinity, -Infinity, 1e308, -1e308, 5, -5, Number.MAX_VALUE, Number.MIN_VALUE, -0];

  it("NaN, infinite or out-of-range steer cannot move faster than the rules", () => {
    for (const thrust of weird) {
      for (const angle of weird) {
        const b = body(0, 0, 1, 0);
        for (let i = 0; i < 60; i++) {
          const before = { ...b };
          stepTadpole(b, { angle, thrust }, 1 / 20);
          for (const v of [b.x, b.y, b.angle, b.speed]) expect(Number.isFinite(v)).toBe(true);
          expect(b.speed).toBeLessThanOrEqual(MAX_SPEED);
          expect(Math.hypot(b.x - before.x, b.y - before.y)).toBeLessThanOrEqual(MAX_SPEED / 20 + Q_POS);
          expect(onGrid(b)).toBe(true);
        }
      }
    }
  });

  it("out-of-range thrust counts as the nearest valid thrust; NaN thrust as none", () => {
    const step = (thrust: number) => {
      const b = body(0, 0, 0, 10);
      stepTadpole(b, { angle: 1, thrust }, 1 / 20);
      return b;
    };
    expect(step(5)).toEqual(step(1));
    expect(step(Infinity)).toEqual(step(1));
    expect(step(-3)).toEqual(step(0));
    expect(step(NaN)).toEqual(step(0));
  });

  it("a non-finite wanted angle steers to a fixed heading (0) instead of breaking", () => {
    for (const angle of [NaN, Infinity, -Infinity]) {
      const b = body(0, 0, 1);
      for (let i = 0; i < 40; i++) stepTadpole(b, { angle, thrust: 1 }, 1 / 20);
      expect(b.angle).toBe(0);
    }
  });
});

describe("spawnPoint and angles", () => {
  it("spawns on the grid within SPAWN_RADIUS, at rest, facing the centre", () => {
    const rng = createRng(9);
    for (let i = 0; i < 1000; i++) {
      const b = spawnPoint(rng(), rng(), SPAWN_RADIUS, { x: 0, y: 0, angle: 0, speed: 0 });
      expect(Math.hypot(b.x, b.y)).toBeLessThanOrEqual(SPAWN_RADIUS + Q_POS);
      expect(b.speed).toBe(0);
      expect(onGrid(b)).toBe(true);
      if (Math.hypot(b.x, b.y) > 10) {
        expect(Math.abs(angleDelta(b.angle, Math.atan2(-b.y, -b.x)))).toBeLessThan(0.01);
      }
    }
  });

  it("wrapAngle maps into [-π, π) and angleDelta is the shortest signed turn", () => {
    for (const a of [-100, -Math.PI, -1, 0, 1, Math.PI, 7, 100]) {
      const w = wrapAngle(a);
      expect(w).toBeGreaterThanOrEqual(-Math.PI);
      expect(w).toBeLessThan(Math.PI);
      expect(Math.cos(w)).toBeCloseTo(Math.cos(a), 9);
      expect(Math.sin(w)).toBeCloseTo(Math.sin(a), 9);
    }
    expect(angleDelta(0.1, TWO_PI - 0.1)).toBeCloseTo(-0.2, 12);
    expect(angleDelta(TWO_PI - 0.1, 0.1)).toBeCloseTo(0.2, 12);
    expect(angleDelta(1, 1)).toBe(0);
  });
});
