import { describe, expect, it } from "vitest";
import { confusableNames } from "../../shared/names.ts";
import type { PondProbe } from "../helpers/pondClient.ts";
import { joinAndSpawn, usePondServer } from "../helpers/pondFixture.ts";
import type { InProcessPond } from "../helpers/pondServer.ts";
import { waitFor } from "../../kit/waitFor.ts";

/**
 * Hardening II, names and words, through the real server with the operator defaults (the
 * shipped starter word lists, WORD_LIST_FILE unset): players whose names look alike are told
 * apart, and listed words reach nobody.
 */
let pond: InProcessPond;
const probes: PondProbe[] = [];

usePondServer({}, probes, (started) => { pond = started; });

const join = (name?: string) => joinAndSpawn(pond.wsUrl, probes, name as string);

/** The name every client (and the room's state) shows for `probe`, once `watcher` has it. */
async function nameOf(watcher: PondProbe, probe: PondProbe): Promise<string> {
  const seen = await watcher.waitForTadpole(probe.id);
  return seen.name;
}

describe("confusable names in one pond", () => {
  it("a second Alice, an Аlice with a Cyrillic А and an ALICE are each told apart, and told so", async () => {
    const alice = await join("Alice");
    const cyrillic = await join("\u0410lice");
    const again = await join("Alice");
    const shouting = await join("ALICE");
    const all = [alice, cyrillic, again, shouting];
    expect(new Set(all.map((p) => p.room.roomId)).size).toBe(1);

    const state = pond.room(alice.room.roomId).state.tadpoles;
    const names = all.map((p) => state.get(p.id)!.name);
    // The first keeps her name; every later one gets a number, in the name they asked for.
    expect(names).toEqual(["Alice", "\u0410lice 2", "Alice 3", "ALICE 4"]);
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) expect(confusableNames(names[i], names[j]), `${names[i]} / ${names[j]}`).toBe(false);
    }
    // What the other players see is the same.
    expect(await nameOf(alice, cyrillic)).toBe("\u0410lice 2");
    expect(await nameOf(cyrillic, alice)).toBe("Alice");

    // Each renamed player is told, the first one is not.
    for (const [probe, name] of [[cyrillic, "\u0410lice 2"], [again, "Alice 3"], [shouting, "ALICE 4"]] as const) {
      const notice = await waitFor(() => probe.notices.find((n) => n.code === "name_taken"), { message: `a name_taken notice for ${name}` });
      expect(notice.text).toContain(name);
    }
    await alice.waitForPatches(2);
    expect(alice.notices).toEqual([]);
  });

  it("a rename into someone else's name is told apart too; a rename of one's own name is not", async () => {
    const alice = await join("Alice");
    const bob = await join("Bob");
    bob.conn.rename("\u0391lice"); // Greek Α
    await waitFor(() => bob.tadpole(bob.id)?.name === "\u0391lice 2", { message: "Bob renamed to Αlice 2", describe: () => bob.tadpole(bob.id)?.name });
    expect(bob.notices.map((n) => n.code)).toEqual(["name_taken"]);
    expect(await nameOf(alice, bob)).toBe("\u0391lice 2");

    // Alice changing the case of her own name keeps it: nobody else holds it.
    alice.conn.say("name: ALICE");
    await waitFor(() => bob.tadpole(alice.id)?.name === "ALICE", { message: "Alice renamed to ALICE", describe: () => bob.tadpole(alice.id)?.name });
    expect(alice.notices).toEqual([]);
  });

  it("a name is free again once its holder leaves; guests are never numbered", async () => {
    const first = await join("Alice");
    const guestA = await join();
    const guestB = await join();
    const roomId = first.room.roomId;
    await first.close();
    const next = await join("Alice");
    expect(next.room.roomId).toBe(roomId);
    expect(pond.room(roomId).state.tadpoles.get(next.id)!.name).toBe("Alice");
    expect(next.notices).toEqual([]);
    expect(await nameOf(next, guestA)).toBe("Guest");
    expect(await nameOf(next, guestB)).toBe("Guest");
    expect([...guestA.notices, ...guestB.notices]).toEqual([]);
  });
});

describe("the word filter (starter lists)", () => {
  it("a chat line arrives masked, for listeners and speaker alike", async () => {
    const speaker = await join("Speaker");
    const listener = await join("Listener");
    await listener.waitForTadpole(speaker.id);
    speaker.conn.say("what the f\u057Dck, a classy assassin");
    speaker.conn.say("你是傻逼吧");
    const english = await listener.waitForChat((l) => l.id === speaker.id && l.text.startsWith("what"));
    const chinese = await listener.waitForChat((l) => l.id === speaker.id && l.text.startsWith("你"));
    expect(english.text).toBe("what the ****, a classy assassin");
    expect(chinese.text).toBe("你是**吧");
    await speaker.waitForChat((l) => l.text === "你是**吧");
    expect(speaker.chats.map((l) => l.text)).not.toContain("你是傻逼吧");
  });

  it("names are masked before they enter the state; a name that is nothing but a listed word is refused", async () => {
    const masked = await join("Bob the Bastard");
    const nothingLeft = await join("fuckface");
    const watcher = await join("Watcher");
    expect(await nameOf(watcher, masked)).toBe("Bob the *******");
    expect(await nameOf(watcher, nothingLeft)).toBe("Guest");
    // A rename to a listed word alone is refused; the line after it is a barrier (one client's
    // messages are handled in order), then the room's own state says what the name is.
    masked.conn.rename("shithead");
    masked.conn.say("barrier");
    await masked.waitForChat((l) => l.text === "barrier");
    expect(pond.room(masked.room.roomId).state.tadpoles.get(masked.id)!.name).toBe("Bob the *******");
  });
});
