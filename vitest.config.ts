import { defineConfig } from "vitest/config";

/**
 * Two groups, one after the other (sequence.groupOrder):
 *
 * 1. "unit": tests/unit, pure in-process code (no servers, sockets, browsers or clocks they
 *    measure), two files at a time: nothing in them measures a rate, so sharing the cores only
 *    overlaps their start-up.
 * 2. "system": everything else. Room, process and browser tests start real servers, browsers
 *    and bot swarms whose patch rates they measure: one file at a time, so no file's load skews
 *    another's figures.
 */
const shared = {
  // Real servers in many files: give them room, but every wait inside a test has its own deadline.
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

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
          name: "system",
          include: ["tests/**/*.test.ts"],
          exclude: ["tests/unit/**"],
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
