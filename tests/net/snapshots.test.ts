import { describe, expect, it } from "vitest";
import { SnapshotRing, type Sample } from "../../client/net/snapshots.ts";

const SNAP = 200;
const PATCH = 50;
const out = (): Sample => ({ t: 0, x: 0, y: 0, angle: 0, speed: 0 });

describe("snapshot ring (one remote tadpole's samples)", () => {
  it("lerps between the two samples around an instant; holds the oldest before and the newest after", () => {
    const r = new SnapshotRing();
    expect(r.sample(100, out())).toBe(false);
    r.push(1000, 0, 0, 0, 100, SNAP, PATCH);
    r.push(1050, 10, 20, 0.5, 200, SNAP, PATCH);
    r.push(1100, 30, 20, 0.5, 200, SNAP, PATCH);
    const s = out();
    expect(r.sample(1025, s)).toBe(true);
    expect(s).toEqual({ t: 1025, x: 5, y: 10, angle: 0.25, speed: 150 });
    r.sample(1075, s);
    expect([s.x, s.y]).toEqual([20, 20]);
    r.sample(900, s);
    expect(s).toEqual({ t: 1000, x: 0, y: 0, angle: 0, speed: 100 });
    r.sample(1300, s);
    expect(s).toEqual({ t: 1100, x: 30, y: 20, angle: 0.5, speed: 200 });
    r.sample(NaN, s);
    expect(s.t).toBe(1100);
  });

  it("stores the heading unwrapped, so it turns the short way round across ±π and 0/2π", () => {
    const r = new SnapshotRing();
    r.push(1000, 0, 0, 3.0, 0, SNAP, PATCH);
    r.push(1050, 0, 0, -3.0, 0, SNAP, PATCH);             // 0.28 rad on, not 6 rad back
    const s = out();
    r.sample(1025, s);
    expect(s.angle).toBeCloseTo(Math.PI, 12);
    expect(r.newestAngle).toBeCloseTo(2 * Math.PI - 3.0, 12);
    const q = new SnapshotRing();
    q.push(1000, 0, 0, 6.2, 0, SNAP, PATCH);
    q.push(1050, 0, 0, 0.1, 0, SNAP, PATCH);              // across 0/2π the same way
    q.sample(1025, s);
    expect(s.angle).toBeCloseTo((6.2 + 0.1 + 2 * Math.PI) / 2, 12);
  });

  it("empties itself on a teleport, so the new place is shown at once", () => {
    const r = new SnapshotRing();
    r.push(1000, 0, 0, 0, 0, SNAP, PATCH);
    expect(r.push(1050, 150, 0, 0, 0, SNAP, PATCH)).toBe(false);
    expect(r.push(1100, 150, 250, 0, 0, SNAP, PATCH)).toBe(true);
    expect(r.count).toBe(1);
    const s = out();
    r.sample(1025, s);
    expect([s.x, s.y]).toEqual([150, 250]);
  });

  it("holds still across an idle gap (no patch: nothing changed) and moves in its last interval", () => {
    const r = new SnapshotRing();
    r.push(1000, 0, 0, 0, 0, SNAP, PATCH);
    r.push(1400, 10, 0, 0, 200, SNAP, PATCH);
    const s = out();
    for (const t of [1100, 1350]) { r.sample(t, s); expect(s.x).toBe(0); }
    r.sample(1375, s);
    expect(s.x).toBeCloseTo(5, 12);
    // A gap of one or 1.5 intervals is ordinary cadence: straight through.
    r.push(1470, 17, 0, 0, 200, SNAP, PATCH);
    r.sample(1435, s);
    expect(s.x).toBeCloseTo(13.5, 12);
  });

  it("interpolates across a gap the tadpole swam through (a late server ran two steps for one patch)", () => {
    const r = new SnapshotRing();
    r.push(1000, 0, 0, 0, 150, SNAP, PATCH);
    // 100 ms, two steps of 7.5 units: no idle gap, so no hold (which would stop it, then rush).
    r.push(1100, 15, 0, 0, 150, SNAP, PATCH);
    const s = out();
    r.sample(1025, s);
    expect(s.x).toBeCloseTo(3.75, 12);
    r.sample(1050, s);
    expect(s.x).toBeCloseTo(7.5, 12);
  });

  it("replaces a sample re-read at the same server time, ignores an older one", () => {
    const r = new SnapshotRing();
    r.push(1000, 0, 0, 0, 0, SNAP, PATCH);
    r.push(1050, 5, 0, 0, 0, SNAP, PATCH);
    r.push(1050, 6, 0, 0, 0, SNAP, PATCH);
    r.push(1020, 99, 0, 0, 0, SNAP, PATCH);
    expect(r.count).toBe(2);
    const s = out();
    r.sample(2000, s);
    expect(s.x).toBe(6);
    // A re-read that jumps is a teleport measured against the sample before it.
    expect(r.push(1050, 300, 0, 0, 0, SNAP, PATCH)).toBe(true);
    expect(r.count).toBe(1);
  });

  it("keeps the newest 32 samples, overwriting the oldest", () => {
    const r = new SnapshotRing();
    for (let i = 1; i <= 40; i++) r.push(i * PATCH, i, 0, 0, 0, SNAP, PATCH);
    expect(r.count).toBe(32);
    expect(r.oldestT).toBe(9 * PATCH);
    expect(r.newestT).toBe(40 * PATCH);
    const s = out();
    r.sample(20.5 * PATCH, s);
    expect(s.x).toBeCloseTo(20.5, 12);
    r.sample(0, s);
    expect(s.x).toBe(9);
    r.clear();
    expect(r.count).toBe(0);
    expect(r.sample(1000, s)).toBe(false);
  });
});
