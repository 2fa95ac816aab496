import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closeAll, PondProbe } from "../helpers/pondClient.ts";
import { spawnTs, stopAll, type ManagedProcess } from "../../kit/process.ts";
import { startServer, type ServerProcess } from "../../kit/server.ts";
import { waitFor } from "../../kit/waitFor.ts";

/**
 * Smoke: the real server process (server/main.ts) and the real bots script
 * (scripts/bots.ts) as child processes, watched by an observer playing through PondConnection.
 */
let server: ServerProcess;
const probes: PondProbe[] = [];
const botRuns: ManagedProcess[] = [];

async function observer(): Promise<PondProbe> {
  // Start from an empty server (the previous test's clients are gone).
  await waitFor(async () => (await players()) === 0, { timeoutMs: 10_000, message: "an empty server" });
  const probe = await PondProbe.join(server.wsUrl, { name: "observer" });
  probes.push(probe);
  await probe.waitForTadpole(probe.id);
  return probe;
}

function runBots(args: string[]): ManagedProcess {
  const run = spawnTs("scripts/bots.ts", ["--url", server.wsUrl, "--summary-every", "1", "--seed", "1", ...args], { name: "bots" });
  botRuns.push(run);
  return run;
}

/** Ids of the tadpoles the observer sees that belong to bots (joined as botN, maybe renamed Bot-NNN). */
function botIds(probe: PondProbe): string[] {
  return [...probe.conn.all].filter(([, t]) => /^bot/i.test(t.name)).map(([id]) => id);
}

let lastPlayers: number | undefined;
/** Players connected to the server process, from /health. */
async function players(): Promise<number> {
  const response = await fetch(`${server.httpUrl}/health`);
  lastPlayers = ((await response.json()) as { players: number }).players;
  return lastPlayers;
}

beforeAll(async () => {
  // Every bot connects from 127.0.0.1: allow more than the default per-IP limit.
  server = await startServer({ env: { LOG_LEVEL: "warn", MAX_CONNECTIONS_PER_IP: "50" } });
});

afterEach(async () => {
  await closeAll(probes.splice(0));
  await Promise.all(botRuns.splice(0).map((run) => run.stop()));
});

afterAll(async () => {
  await closeAll(probes.splice(0));
  await stopAll();
  await server?.stop();
});

describe("smoke: real server + real bots", () => {
  it("bots connect, swim, chat, report patches and leave after --duration", async () => {
    const watch = await observer();
    const bots = runBots(["--count", "5", "--duration", "10", "--chat-every", "2"]);

    // Each bot appears to the observer and then moves away from where it was first seen.
    const firstSeen = new Map<string, { x: number; y: number }>();
    const moved = new Set<string>();
    await waitFor(() => {
      for (const id of botIds(watch)) {
        const t = watch.tadpole(id)!;
        const first = firstSeen.get(id);
        if (!first) firstSeen.set(id, { x: t.x, y: t.y });
        else if (Math.hypot(t.x - first.x, t.y - first.y) > 20) moved.add(id);
      }
      return moved.size >= 5;
    }, {
      timeoutMs: 20_000,
      intervalMs: 50,
      message: "the observer to see 5 bots move",
      describe: () => ({ seen: firstSeen.size, moved: moved.size, output: bots.tail(800) }),
    });

    // The summary reports all five connected, receiving patches at about the tick rate.
    const match = await bots.waitForOutput(/connected 5\/5 \| per bot ([\d.]+) patches\/s (\d+) B\/s/, 10_000);
    expect(Number(match[1])).toBeGreaterThan(5);
    expect(Number(match[2])).toBeGreaterThan(0);

    // Bots chat (every ~2 s each), and everyone in the pond hears it.
    const chat = await watch.waitForChat((line) => line.id !== watch.id, { timeoutMs: 10_000 });
    expect(chat.text.length).toBeGreaterThan(0);

    // --duration ends the run by itself: rooms left, exit 0.
    const exit = await bots.waitForExit(20_000);
    expect(exit, bots.tail()).toEqual({ code: 0, signal: null });
    expect(bots.output).toMatch(/duration reached: leaving \d+ room connection/);
    await waitFor(() => botIds(watch).length === 0, { timeoutMs: 5000, message: "the bots' tadpoles to leave the pond" });
    await waitFor(async () => (await players()) === 1, { timeoutMs: 5000, message: "only the observer to remain", describe: () => lastPlayers });
    expect(watch.leaveCode).toBeUndefined();
  });

  // SIGINT is what Ctrl-C sends.
  it.each(["SIGTERM", "SIGINT"] as const)("%s makes the bots leave their rooms and exit 0", async (signal) => {
    const watch = await observer();
    const bots = runBots(["--count", "3", "--chat-every", "0"]);
    await bots.waitForOutput(/connected 3\/3/, 20_000);
    await waitFor(() => botIds(watch).length === 3, { timeoutMs: 5000, message: "three bots in the pond" });
    bots.signal(signal);
    const exit = await bots.waitForExit(10_000);
    expect(exit, bots.tail()).toEqual({ code: 0, signal: null });
    expect(bots.output).toMatch(new RegExp(`${signal} received: leaving 3 room connection`));
    // Consented leaves: the tadpoles go at once (no reconnect grace).
    await waitFor(() => botIds(watch).length === 0, { timeoutMs: 5000, message: "the bots' tadpoles to leave the pond" });
    await waitFor(async () => (await players()) === 1, { timeoutMs: 5000, message: "only the observer to remain", describe: () => lastPlayers });
  });

  it("refused bots back off, keep trying, and count the refusals", async () => {
    // A server that admits two players from this address: two of four bots are refused.
    const strict = await startServer({ env: { LOG_LEVEL: "warn", MAX_CONNECTIONS_PER_IP: "2" } });
    try {
      const bots = spawnTs("scripts/bots.ts", ["--url", strict.wsUrl, "--count", "4", "--summary-every", "1", "--seed", "1", "--chat-every", "0"], { name: "bots" });
      botRuns.push(bots);
      await bots.waitForOutput(/connected 2\/4/, 20_000);
      const started = performance.now();
      await bots.waitForOutput(/hint: the server limits connections per IP address/, 10_000);
      // Watch ~10 s of summaries: the refused pair retries after ~2 s, then ~4 s, then ~8 s
      // (jittered ±25 %), so each makes 3 or 4 attempts; a fixed 2 s retry would make 6.
      await waitFor(() => performance.now() - started > 10_000, { timeoutMs: 12_000, intervalMs: 200, message: "10 s of retries" });
      const failures = [...bots.output.matchAll(/join failures (\d+)/g)].map((m) => Number(m[1]));
      const last = failures.at(-1) ?? 0;
      expect(last, bots.tail()).toBeGreaterThanOrEqual(4); // both refused bots tried again
      expect(last, bots.tail()).toBeLessThanOrEqual(9);
      expect(bots.output).toMatch(/connected 2\/4/);
      bots.signal("SIGINT");
      expect(await bots.waitForExit(10_000)).toEqual({ code: 0, signal: null });
    } finally {
      await strict.stop();
    }
  }, 60_000);

  it("a bad command line exits 2 with the usage", async () => {
    const bots = spawnTs("scripts/bots.ts", ["--count", "0"], { name: "bots" });
    botRuns.push(bots);
    const exit = await bots.waitForExit(20_000);
    expect(exit.code).toBe(2);
    expect(bots.output).toMatch(/--count must be an integer/);
    expect(bots.output).toMatch(/Usage: npm run bots/);
  });
});
