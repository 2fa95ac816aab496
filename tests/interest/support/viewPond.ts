import type { PondProbe } from "../../helpers/pondClient.ts";
import { joinAndSpawn, usePondServer } from "../../helpers/pondFixture.ts";
import type { InProcessPond } from "../../helpers/pondServer.ts";
import { CellRule } from "./cells.ts";
import { ServerSide } from "./server.ts";
import type { Point } from "./swim.ts";

/**
 * The fixture the interest tests share: a real pond server with a small view radius (short
 * swims), its cell rule, places given relative to the middle of the cell at the pond's centre
 * (tadpoles parked within 25 units of it sit well inside a cell, and swims along a row stay in
 * it), joining, and the server's side of things. Call at the top of a test file.
 */
export function viewPond(view: number) {
  const rule = new CellRule(view);
  const home = rule.centreOf({ x: 0, y: 0 });
  const probes: PondProbe[] = [];
  let pond: InProcessPond | undefined;
  usePondServer({ viewRadius: view, maxPlayers: 50 }, probes, (started) => { pond = started; });
  const current = (): InProcessPond => {
    if (pond === undefined) throw new Error("the pond server has not started yet");
    return pond;
  };
  return {
    rule, home, probes,
    pond: current,
    at: (dx: number, dy = 0): Point => ({ x: home.x + dx, y: home.y + dy }),
    join: (name: string): Promise<PondProbe> => joinAndSpawn(current().wsUrl, probes, name),
    serverSide: new ServerSide(current),
  };
}
