import { defineConfig } from "vitest/config";

/**
 * Three groups, one after the other (sequence.groupOrder):
 *
 * 1. "unit": tests/unit, pure in-process code (no servers, sockets, browsers or clocks they
 *    measure), two files at a time: nothing in them measures a rate, so sharing the cores only
 *    overlaps their start-up.
 * 2. "paired": system files that measure no rate, frame time or throughput and mostly wait
 *    (for a grace, an idle timeout, a restart, a Redis hand-off), two at a time: their waits
 *    overlap. Browser files that mostly render gain nothing here (two software-rendered pages
 *    share two cores: language.test.ts took 154 s paired against 71 s alone), so they stay in 3.
 * 3. "system": everything else. Room, process and browser tests start real servers, browsers
 *    and bot swarms whose patch rates and frames they measure: one file at a time, so no
 *    file's load skews another's figures.
 */
const shared = {
  // Real servers in many files: give them room, but every wait inside a test has its own deadline.
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

/** Group 2: no rate, frame-time or throughput assertion in them (check that when adding a file here). */
const PAIRED = [
  "tests/cluster/handOff.test.ts",
  "tests/cluster/matchmaking.test.ts",
  "tests/cluster/reconnect.test.ts",
  "tests/cluster/shutdown.test.ts",
  "tests/cluster/clusterScript.test.ts",
  "tests/cluster/sessionHelpers.test.ts",
  "tests/deploy/**/*.test.ts",
  "tests/ops/readiness.test.ts",
  "tests/room/idle.test.ts",
  "tests/room/food.test.ts",
  "tests/room/moderation.test.ts",
  "tests/room/guestNames.test.ts",
  "tests/interest/chat.test.ts",
  "tests/interest/off.test.ts",
  "tests/hardening/monitor.test.ts",
  "tests/net/snapshots.test.ts",
  "tests/net/netsim.test.ts",
  "tests/smoke/site.test.ts",
  "tests/e2e/idle.test.ts",
  "tests/e2e/reconnect.test.ts",
];

export default defineConfig({
  test: {
    reporters: ["default"],
    projects: [
      {
        test: {
          ...shared,
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          fileParallelism: true,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...shared,
          name: "paired",
          include: PAIRED,
          fileParallelism: true,
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
      {
        test: {
          ...shared,
          name: "system",
          include: ["tests/**/*.test.ts"],
          exclude: ["tests/unit/**", ...PAIRED],
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
