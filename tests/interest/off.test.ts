import { describe, expect, it } from "vitest";
import { PondProbe } from "../helpers/pondClient.ts";
import { joinAndSpawn, usePondServer } from "../helpers/pondFixture.ts";
import type { InProcessPond } from "../helpers/pondServer.ts";
import { waitFor } from "../helpers/waitFor.ts";
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
    const server = () => pond.room(home.room.roomId).state.tadpoles;
    await waitFor(() => distance(server().get(home.id)!, server().get(far.id)!) > 3 * VIEW, {
      timeoutMs: 10_000, message: "Far to swim well beyond the view radius",
    });
    stop();
    await home.waitForPatches(3);
    expect(home.removed).not.toContain(far.id);
    expect(home.tadpole(far.id)).toBeDefined();
    expect(far.tadpole(home.id)).toBeDefined();

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
