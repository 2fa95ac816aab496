import { describe, expect, it } from "vitest";
import { MessageType } from "../../shared/protocol.ts";
import { RADAR_COLS, RADAR_INTERVAL_MS, decodeRadar, radarCellOf } from "../../shared/radar.ts";
import { waitFor } from "../../kit/waitFor.ts";
import { viewPond } from "./support/viewPond.ts";

/**
 * The radar against the real server on 127.0.0.1, through the game's own net layer: once a
 * second every client is sent where everyone in the pond is, coarsely, including the tadpoles
 * far beyond its view that its position stream never carries. A small view radius keeps the
 * swims short (the radar does not depend on it).
 */
const VIEW = 300;
const { rule, at, join, serverSide } = viewPond(VIEW);

describe("the radar", () => {
  it("reaches a client far from another tadpole once a second, with that tadpole's cell counted", async () => {
    const watcher = await join("Watcher");
    const faraway = await join("Faraway");
    // Faraway parks well beyond the leave radius: its cell is wholly out of Watcher's view.
    await Promise.all([serverSide.parkAt(watcher, at(0), true), serverSide.parkAt(faraway, at(-900, 600), true)]);
    const far = serverSide.at(faraway);
    const home = serverSide.at(watcher);
    expect(rule.mustNotSee(home, far)).toBe(true);
    await waitFor(() => watcher.tadpole(faraway.id) === undefined, { timeoutMs: 5000, message: "Watcher to let go of Faraway" });

    // Every radar from here on, as it arrives (the connection's own handler has read it first).
    const arrivals: Array<{ at: number; bytes: Uint8Array; far: number }> = [];
    const stop = watcher.room.onMessage(MessageType.radar, (bytes: Uint8Array) => {
      arrivals.push({ at: performance.now(), bytes: bytes.slice(), far: watcher.conn.radar.far[radarCellOf(RADAR_COLS, far.x, far.y)] });
    });
    try {
      await waitFor(() => arrivals.length >= 6, { timeoutMs: 6 * RADAR_INTERVAL_MS + 4000, message: "six radars", describe: () => arrivals.length });
    } finally {
      stop();
    }

    // About once a second: never one per tick (50 ms), none skipped. (The room's timer keeps
    // time, so a late one is followed by an early one: single gaps vary on a busy machine, their
    // mean does not.)
    const gaps = arrivals.slice(1).map((a, i) => a.at - arrivals[i].at);
    for (const gap of gaps) expect(gap).toBeGreaterThan(0.25 * RADAR_INTERVAL_MS);
    const mean = (arrivals.at(-1)!.at - arrivals[0].at) / gaps.length;
    expect(mean).toBeGreaterThan(0.8 * RADAR_INTERVAL_MS);
    expect(mean).toBeLessThan(1.25 * RADAR_INTERVAL_MS);

    // Each one counts both tadpoles, each in the cell the server has it in (both are parked still).
    const farCell = radarCellOf(RADAR_COLS, far.x, far.y);
    const homeCell = radarCellOf(RADAR_COLS, home.x, home.y);
    expect(farCell).not.toBe(homeCell);
    for (const arrival of arrivals) {
      const grid = decodeRadar(arrival.bytes)!;
      expect(grid).not.toBeNull();
      expect(grid.cols).toBe(RADAR_COLS);
      expect(grid.total).toBe(2);
      expect(grid.counts[farCell]).toBe(1);
      expect(grid.counts[homeCell]).toBe(1);
      // ...and the client reads Faraway as beyond its view: the crowd its mini-map and arrows show.
      expect(arrival.far).toBe(1);
    }
    const radar = watcher.conn.radar;
    expect(radar.farTotal).toBe(1);
    expect(radar.farCells).toEqual([farCell]);
    expect(radar.far[homeCell]).toBe(0);
    expect(radar.malformed).toBe(0);
    // Its position stream still never carried Faraway: the radar is how it knows.
    expect(watcher.tadpole(faraway.id)).toBeUndefined();
  });

  it("a tadpole that comes into view leaves the far crowd", async () => {
    const watcher = await join("Watcher");
    const visitor = await join("Visitor");
    await Promise.all([serverSide.parkAt(watcher, at(0), true), serverSide.parkAt(visitor, at(120), true)]);
    await watcher.waitForTadpole(visitor.id);
    const received = watcher.conn.radar.received;
    await waitFor(() => watcher.conn.radar.received >= received + 2, { timeoutMs: 2 * RADAR_INTERVAL_MS + 4000, message: "two more radars" });
    const radar = watcher.conn.radar;
    expect(radar.total).toBe(2);
    const near = serverSide.at(visitor);
    expect(radar.counts[radarCellOf(RADAR_COLS, near.x, near.y)]).toBeGreaterThanOrEqual(1);
    // Both are held precisely (drawn as dots): nothing is far.
    expect(radar.farTotal).toBe(0);
    expect(radar.farCells).toEqual([]);
  });
});
