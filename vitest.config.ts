import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Room, process and browser tests start real servers; give them room, but every wait
    // inside a test has its own deadline.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores, and many files start real servers, browsers and bot swarms whose patch rates
    // they measure: run one file at a time so no file's load skews another's figures.
    fileParallelism: false,
    reporters: ["default"],
  },
});
