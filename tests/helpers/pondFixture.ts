import { afterAll, afterEach, beforeAll } from "vitest";
import type { ServerConfig } from "../../server/config.ts";
import { closeAll, PondProbe } from "./pondClient.ts";
import { startPondServer, type InProcessPond } from "./pondServer.ts";

/**
 * The lifecycle every in-process pond test file needs (the matchmaker is a process-wide
 * singleton, so one server per file): start the server before the file's tests, close the
 * file's probes and empty the rooms after each test so tests cannot see each other's tadpoles,
 * and shut it all down at the end. Call it at the top level of the file; `started` hands the
 * server to the file's own `pond` variable.
 */
export function usePondServer(overrides: Partial<ServerConfig>, probes: PondProbe[], started: (pond: InProcessPond) => void): void {
  let pond: InProcessPond | undefined;

  beforeAll(async () => {
    pond = await startPondServer(overrides);
    started(pond);
  });

  afterEach(async () => {
    await closeAll(probes.splice(0));
    await pond!.cleanup();
  });

  afterAll(async () => {
    await closeAll(probes.splice(0));
    await pond?.shutdown();
  });
}

/**
 * Joins as `name`, records the probe for usePondServer's cleanup, and returns once the probe sees
 * its own tadpole: tests that check what a client holds need it in the pond first.
 */
export async function joinAndSpawn(url: string, probes: PondProbe[], name: string): Promise<PondProbe> {
  const probe = await PondProbe.join(url, { name });
  probes.push(probe);
  await probe.waitForTadpole(probe.id, { timeoutMs: 5000 });
  return probe;
}
