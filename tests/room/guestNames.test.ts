import { describe, expect, it } from "vitest";
import { en } from "../../client/i18n/en.ts";
import { zh } from "../../client/i18n/zh.ts";
import { guestNameIn } from "../../client/ui/guestName.ts";
import type { PondProbe } from "../helpers/pondClient.ts";
import { joinAndSpawn, usePondServer } from "../helpers/pondFixture.ts";
import type { InProcessPond } from "../helpers/pondServer.ts";
import { waitFor } from "../../kit/waitFor.ts";

/**
 * The browser's guest names ("Pollywog 37", "小蝌蚪 37": client/ui/guestName.ts) through the
 * real server: they are ordinary names there, held while their tadpole swims, so two guests
 * who drew the same one (or one browser in two tabs) are told apart like two Alices; and the
 * name_taken notice carries both names, for the page to say it in the player's language.
 */
let pond: InProcessPond;
const probes: PondProbe[] = [];

usePondServer({}, probes, (started) => { pond = started; });

const join = (name: string) => joinAndSpawn(pond.wsUrl, probes, name);

describe("guest names in one pond", () => {
  it("two guests with one drawn name: the second gets a number and a notice naming both, in either language", async () => {
    for (const m of [en, zh]) {
      const drawn = guestNameIn({ word: 0, number: 37 }, m);
      const first = await join(drawn);
      const second = await join(drawn);
      expect(second.room.roomId).toBe(first.room.roomId);
      const state = pond.room(first.room.roomId).state.tadpoles;
      expect(state.get(first.id)!.name).toBe(drawn);
      expect(state.get(second.id)!.name).toBe(`${drawn} 2`);
      const notice = await waitFor(() => second.notices.find((n) => n.code === "name_taken"), { message: `a name_taken notice for ${drawn} 2` });
      expect(notice).toMatchObject({ asked: drawn, name: `${drawn} 2` });
      expect(first.notices).toEqual([]);
      await Promise.all([first.close(), second.close()]);
    }
  });

  it("other creatures and other numbers are other names: nobody is numbered", async () => {
    const names = [
      guestNameIn({ word: 0, number: 37 }, en),
      guestNameIn({ word: 0, number: 38 }, en),
      guestNameIn({ word: 1, number: 37 }, en),
      guestNameIn({ word: 0, number: 37 }, zh),
    ];
    const joined = [];
    for (const name of names) joined.push(await join(name));
    const state = pond.room(joined[0].room.roomId).state.tadpoles;
    expect(joined.map((p) => state.get(p.id)!.name)).toEqual(names);
    await joined[0].waitForPatches(2);
    expect(joined.flatMap((p) => p.notices)).toEqual([]);
  });
});
