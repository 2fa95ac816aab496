import { beforeAll, describe, expect, it } from "vitest";
import { Mutes } from "../../client/ui/Mutes.ts";

/** A Storage stand-in: what a browser's localStorage keeps across page loads. */
function memoryStorage(): Pick<Storage, "getItem" | "setItem"> & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (key) => data.get(key) ?? null, setItem: (key, value) => void data.set(key, value) };
}

describe("mutes (client/ui/Mutes.ts)", () => {
  // The lookalike table loads on demand in the browser; here it is loaded before each test.
  beforeAll(async () => {
    await new Mutes(memoryStorage()).ready();
  });

  it("a mute holds for the session now and for the name on a later visit, lookalikes included", () => {
    const storage = memoryStorage();
    const today = new Mutes(storage);
    today.mute("s1", "Mallory");
    expect(today.isMuted("s1", "Mallory")).toBe(true);
    // A rename during the visit does not shake it off: the session is muted too.
    expect(today.isMuted("s1", "Alice")).toBe(true);

    // Tomorrow: a new page (new Mutes from the same storage), a new session id.
    const tomorrow = new Mutes(storage);
    expect(tomorrow.isMuted("s9", "Mallory")).toBe(true);
    expect(tomorrow.isMuted("s9", "MALLORY")).toBe(true);
    expect(tomorrow.isMuted("s9", "\u041Callory")).toBe(true); // Cyrillic М
    expect(tomorrow.isMuted("s9", "Mallory 2")).toBe(false);
    expect(tomorrow.isMuted("s9", "Bob")).toBe(false);
    expect(tomorrow.isMuted("s1", undefined)).toBe(false);
  });

  it("a Guest is muted for the visit only (the default name names nobody)", () => {
    const storage = memoryStorage();
    const mutes = new Mutes(storage);
    mutes.mute("g1", "Guest");
    expect(mutes.isMuted("g1", "Guest")).toBe(true);
    expect(mutes.isMuted("g2", "Guest")).toBe(false);
    expect(new Mutes(storage).isMuted("g1", "Guest")).toBe(false);
    expect(mutes.names).toEqual([]);
  });

  it("unmute drops the session, the name, and the name they were muted under", () => {
    const storage = memoryStorage();
    const mutes = new Mutes(storage);
    mutes.mute("s1", "Mallory");
    mutes.mute("s2", "Trudy");
    let changes = 0;
    mutes.onChange(() => changes++);
    // Mallory renamed herself "Eve" since; unmuting Eve (her row now) frees Mallory too.
    mutes.unmute("s1", "Eve");
    expect(changes).toBe(1);
    expect(mutes.isMuted("s1", "Eve")).toBe(false);
    expect(mutes.names).toEqual(["Trudy"]);
    expect(new Mutes(storage).isMuted("s5", "Mallory")).toBe(false);
    // A remembered name can be unmuted without its player around.
    mutes.unmute(undefined, "TRUDY");
    expect(mutes.names).toEqual([]);
    expect(JSON.parse(storage.data.get("tadpole-pond.muted")!)).toEqual([]);
  });

  it("survives a storage that is missing, full or holds garbage", () => {
    const broken = { getItem: () => "{not json", setItem: () => { throw new Error("QuotaExceededError"); } };
    const mutes = new Mutes(broken);
    expect(mutes.names).toEqual([]);
    mutes.mute("s1", "Mallory");
    expect(mutes.isMuted("s1", "Mallory")).toBe(true);
    const none = new Mutes(undefined);
    none.mute("s1", "Mallory");
    expect(none.isMuted("s2", "Mallory")).toBe(true);
  });
});
