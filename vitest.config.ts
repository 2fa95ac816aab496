import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Room, process and browser tests start real servers; give them room, but every wait
    // inside a test has its own deadline.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: run test files one or two at a time so timing-sensitive checks are fair.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
