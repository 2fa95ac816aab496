import { describe, expect, it } from "vitest";
import { PondProbe } from "../helpers/pondClient.ts";
import { joinAndSpawn, usePondServer } from "../helpers/pondFixture.ts";
import type { InProcessPond } from "../helpers/pondServer.ts";
import { waitFor } from "../../kit/waitFor.ts";
import { distance, steerTo } from "./support/swim.ts";

/**
 * INTEREST=off, the benchmark's baseline: every client is sent every tadpole, however far. (Its
 * own file: the matchmaker is a process-wide singleton, one server per file.)
 */
const VIEW = 300;

let pond: InProcessPond;
const probes: PondProbe[] = [];

const join = (name: string): Promise<PondProbe> => joinAndSpawn(pond.wsUrl, probes, name);

usePondServer({ interest: false, viewRadius: VIEW, maxPlayers: 50 }, probes, (started) => { pond = started; });

describe("interest off", () => {
  it("everyone receives everyone, far beyond the view radius, newcomers included; a leaver is removed everywhere", async () => {
    const home = await join("Home");
    const far = await join("Far");
    await home.waitForTadpole(far.id);

    const stop = steerTo(far, { x: 1500, y: 1500 }, { ease: false });
    // Where the server has them (the simulation's bodies: the state carries identities only).
    const server = (id: string) => pond.room(home.room.roomId).bodyOf(id)!;
    await waitFor(() => distance(server(home.id), server(far.id)) > 3 * VIEW, {
      timeoutMs: 10_000, message: "Far to swim well beyond the view radius",
    });
    stop();
    await home.waitForPatches(3);
    expect(home.removed).not.toContain(far.id);
    expect(home.tadpole(far.id)).toBeDefined();
    expect(far.tadpole(home.id)).toBeDefined();
    // ...and its position keeps flowing: once it has coasted to a stop, Home holds it exactly
    // where the server has it (the position stream carries the grid's codes).
    await waitFor(() => {
      const seen = home.tadpole(far.id);
      return seen !== undefined && server(far.id).speed === 0 && seen.x === server(far.id).x && seen.y === server(far.id).y;
    }, { timeoutMs: 10_000, message: "Home to hold Far at rest where the server has it", describe: () => [home.tadpole(far.id)?.x, home.tadpole(far.id)?.y, server(far.id)] });

    const late = await join("Late");
    await late.waitForTadpole(home.id);
    await late.waitForTadpole(far.id);
    await far.waitForTadpole(late.id);

    await home.close();
    probes.splice(probes.indexOf(home), 1);
    for (const watcher of [far, late]) {
      await waitFor(() => watcher.removed.includes(home.id), { timeoutMs: 5000, message: `${watcher.id} to see Home removed` });
    }
    expect([...late.conn.all.keys()].sort()).toEqual([far.id, late.id].sort());
  });
});
