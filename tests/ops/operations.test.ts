import { afterAll, afterEach, describe, expect, it } from "vitest";
import { RawPeer, joinRaw, reserveSeat, seatUrl } from "../../kit/rawPeer.ts";
import { spawnTs, stopAll } from "../../kit/process.ts";
import { startServer, type ServerProcess } from "../../kit/server.ts";
import { waitFor } from "../../kit/waitFor.ts";

/**
 * What operators rely on (docs/operations.md), each against the real server process: the health
 * endpoints through a drain, the per-process cap, a bad setting, LOG_LEVEL, TICK_RATE, and the
 * close code players get on SIGTERM.
 */
const servers: ServerProcess[] = [];
const peers: RawPeer[] = [];

async function start(env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServer({ env });
  servers.push(server);
  return server;
}

async function join(server: ServerProcess): Promise<RawPeer> {
  const { peer } = await joinRaw(server.httpUrl, server.wsUrl);
  peers.push(peer);
  return peer;
}

async function health(server: ServerProcess, path = "/health"): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.httpUrl}${path}`, { signal: AbortSignal.timeout(2000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

afterEach(async () => {
  for (const peer of peers.splice(0)) peer.kill();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

afterAll(async () => {
  await stopAll();
});

describe("operating the server", () => {
  it("answers /health and /health/live, and on SIGTERM closes its players with 4001 and exits 0", async () => {
    const server = await start();
    expect(await health(server, "/health/live")).toEqual({ status: 200, body: { live: true } });
    expect(await health(server)).toEqual({ status: 200, body: { live: true, ready: true, players: 0, pid: server.proc.pid } });
    const peer = await join(server);
    expect((await health(server)).body.players).toBe(1);

    server.proc.signal("SIGTERM");
    // 4001 (SERVER_SHUTDOWN) tells PondSession to join another pond; /health's 503 during the
    // drain is in tests/ops/readiness.test.ts.
    expect((await peer.closed).code).toBe(4001);
    expect(await server.proc.waitForExit(20_000)).toEqual({ code: 0, signal: null });
    expect(server.proc.output).toMatch(/"msg":"shutdown complete"/);
  });

  it("refuses players past MAX_PLAYERS_PER_PROCESS with \"This server is full\"", async () => {
    const server = await start({ MAX_PLAYERS_PER_PROCESS: "2", MAX_PLAYERS: "10" });
    expect((await join(server)).reconnectionToken).toBeDefined();
    expect((await join(server)).reconnectionToken).toBeDefined();
    // The seat is reserved (the pond has room); the process refuses the player when it joins.
    const third = new RawPeer(seatUrl(server.wsUrl, await reserveSeat(server.httpUrl)));
    peers.push(third);
    await third.closed;
    expect(third.reconnectionToken).toBeUndefined();
    expect(third.errors.map((e) => e.message).join(" ")).toMatch(/This server is full/);
    expect((await health(server)).body.players).toBe(2);
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^pond_clients_kicked_total\{reason="process_full"\} 1$/m);
  });

  it("stops at start with exit code 2 and the variable's name when a setting is bad", async () => {
    for (const [name, value] of [["TICK_RATE", "fast"], ["MAX_PLAYERS", "0"], ["TRUST_PROXY", "maybe"]]) {
      const proc = spawnTs("server/main.ts", [], { name: `bad ${name}`, env: { PORT: "0", HOST: "127.0.0.1", CLIENT_DIR: "", [name]: value } });
      expect(await proc.waitForExit(30_000)).toEqual({ code: 2, signal: null });
      expect(proc.output).toMatch(new RegExp(`Configuration error: ${name}\\b`));
    }
  });

  it("LOG_LEVEL decides what is written", async () => {
    const quiet = await start({ LOG_LEVEL: "warn" });
    const chatty = await start({ LOG_LEVEL: "info" });
    await chatty.proc.waitForOutput(/"msg":"Tadpole Pond listening on/, 10_000);
    // Both started (health answered); only the info one says so.
    expect(quiet.proc.output).not.toMatch(/listening on/);
    // Lines are JSON with a numeric level.
    const line = chatty.proc.output.split("\n").find((l) => l.includes("listening on"))!;
    expect(JSON.parse(line)).toMatchObject({ level: 30, port: chatty.port });
  });

  it("runs at the TICK_RATE it is given", async () => {
    const server = await start({ TICK_RATE: "10" });
    const peer = await join(server);
    const from = { patches: peer.patches, at: performance.now() };
    await waitFor(() => performance.now() - from.at >= 3000, { timeoutMs: 5000, intervalMs: 100, message: "a 3 s window" });
    const rate = (peer.patches - from.patches) / ((performance.now() - from.at) / 1000);
    // One patch per tick: 10 a second, not the default 20.
    expect(rate).toBeGreaterThan(8);
    expect(rate).toBeLessThan(12);
  });
});
