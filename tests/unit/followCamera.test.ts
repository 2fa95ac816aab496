import { describe, expect, it } from "vitest";
import {
  FOLLOW_RATE, FollowCamera, MAX_LAG_FRACTION, ZOOM_AT_REST, ZOOM_FULL_SPEED, ZOOM_RATE,
} from "../../client/render/FollowCamera.ts";

/** A 1280x720 desktop screen at base zoom 1. */
const HALF_W = 640;
const HALF_H = 360;
/** Full speed in these runs, u/s (the target's: the camera only sees the fraction). */
const FULL = 220;

/**
 * Runs `seconds` of frames of `dt` following a target moving along x at `speed` u/s, on a
 * screen `halfW` CSS px wide each side of the centre at base zoom `base`.
 */
function run(camera: FollowCamera, seconds: number, dt: number, speed: number, start = { x: 0 }, still = false, halfW = HALF_W, base = 1): { x: number } {
  const target = start;
  for (let i = Math.round(seconds / dt); i > 0; i--) {
    target.x += speed * dt;
    camera.update(dt, target.x, 0, speed / FULL, still, base, halfW, HALF_H);
  }
  return target;
}

describe("the camera (as the original pond's, frame-rate independent)", () => {
  it("eases as the original did per 30 ms frame: 1/30 of the way for the position, 1/60 for the zoom", () => {
    expect(1 - Math.exp(-FOLLOW_RATE * 0.03)).toBeCloseTo(1 / 30, 12);
    expect(1 - Math.exp(-ZOOM_RATE * 0.03)).toBeCloseTo(1 / 60, 12);
    // About 0.9 s behind.
    expect(1 / FOLLOW_RATE).toBeGreaterThan(0.85);
    expect(1 / FOLLOW_RATE).toBeLessThan(0.95);
  });

  it("follows the same way at 30, 60 and 144 frames a second", () => {
    const ends = [1 / 30, 1 / 60, 1 / 144].map((dt) => {
      const camera = new FollowCamera();
      camera.update(dt, 0, 0, 0, false, 1, HALF_W, HALF_H);
      // A jump of 100 units (within the lag clamp), held still for 0.5 s.
      for (let i = Math.round(0.5 / dt); i > 0; i--) camera.update(dt, 100, 0, 0, false, 1, HALF_W, HALF_H);
      return camera.x;
    });
    expect(ends[0]).toBeCloseTo(100 * (1 - Math.exp(-FOLLOW_RATE * 0.5)), 6);
    expect(ends[1]).toBeCloseTo(ends[0], 6);
    expect(ends[2]).toBeCloseTo(ends[0], 6);
  });

  it("lags behind a swimming tadpole, never so far that it leaves the middle of the screen", () => {
    const camera = new FollowCamera();
    const slow = run(camera, 6, 1 / 60, 100);
    // At 100 u/s the steady lag is speed / rate, about 88 units, behind (less half a frame's travel).
    expect(Math.abs(slow.x - camera.x - 100 / FOLLOW_RATE)).toBeLessThan(1.5);
    const fast = run(camera, 6, 1 / 60, FULL, slow);
    // At full speed, ~195 units: on a wide screen that is within the clamp.
    expect(Math.abs(fast.x - camera.x - FULL / FOLLOW_RATE)).toBeLessThan(3);
    // A phone held upright (195 CSS px each side, base zoom 0.72): clamped to 35 % of the half
    // screen, 68 px, so the tadpole stays in the middle.
    const phone = new FollowCamera();
    const there = run(phone, 8, 1 / 60, FULL, { x: 0 }, false, 195, 0.72);
    expect((there.x - phone.x) * 0.72 * phone.zoom).toBeCloseTo(195 * MAX_LAG_FRACTION, 6);
  });

  it("is closer at rest and eases out toward the full-speed view, 1.8 / 1.3 apart as in the original", () => {
    expect(ZOOM_AT_REST / ZOOM_FULL_SPEED).toBeCloseTo(1.8 / 1.3, 10);
    const camera = new FollowCamera();
    camera.update(1 / 60, 0, 0, 0, false, 1, HALF_W, HALF_H);
    expect(camera.zoom).toBe(ZOOM_AT_REST);
    run(camera, 1, 1 / 60, FULL);
    // After 1 s at full speed it has come about 43 % of the way (1 − e^−0.56).
    const oneSecond = ZOOM_AT_REST + (ZOOM_FULL_SPEED - ZOOM_AT_REST) * (1 - Math.exp(-ZOOM_RATE));
    expect(camera.zoom).toBeCloseTo(oneSecond, 6);
    run(camera, 12, 1 / 60, FULL, { x: FULL });
    expect(camera.zoom).toBeCloseTo(ZOOM_FULL_SPEED, 2);
  });

  it("with reduced motion holds the full-speed view at any speed, and still follows", () => {
    const camera = new FollowCamera();
    camera.update(1 / 60, 0, 0, 0, true, 1, HALF_W, HALF_H);
    expect(camera.zoom).toBe(ZOOM_FULL_SPEED);
    const target = run(camera, 3, 1 / 60, FULL, { x: 0 }, true);
    expect(camera.zoom).toBe(ZOOM_FULL_SPEED);
    expect(camera.x).toBeGreaterThan(200);
    expect(camera.x).toBeLessThan(target.x);
  });
});
