import { describe, expect, it } from "vitest";
import { Roster, type PondTadpole } from "../../client/net/tadpoles.ts";
import { OwnBody, Tadpole } from "../../shared/state.ts";
import type { DecodedEntity } from "../../shared/stream/decoder.ts";

function identity(id: number, name: string): Tadpole {
  const t = new Tadpole();
  t.id = id;
  t.name = name;
  return t;
}
const body = (id: number, x: number): DecodedEntity => ({ id, x, y: 0, angle: 0, speed: 0 });

function roster() {
  const log: string[] = [];
  const own = new OwnBody();
  const r = new Roster("me", own, {
    appear: (t: PondTadpole, mine) => log.push(`+${t.sessionId}${mine ? " (own)" : ""}`),
    vanish: (t: PondTadpole, mine) => log.push(`-${t.sessionId}${mine ? " (own)" : ""}`),
  });
  return { r, log, own };
}

describe("Roster: identities from the state, bodies from the stream", () => {
  it("a remote appears only once both halves are here, in either order, and reads through to both", () => {
    const { r, log } = roster();
    r.identityAdded("a", identity(3, "Alice"));
    expect(log).toEqual([]);
    const b = body(3, 10);
    r.bodyEntered(b);
    expect(log).toEqual(["+a"]);
    const alice = r.bySession.get("a")!;
    expect([alice.name, alice.id, alice.x]).toEqual(["Alice", 3, 10]);
    b.x = 12;
    expect(alice.x, "positions read through to the stream's object").toBe(12);

    r.bodyEntered(body(4, 0));
    expect(log).toEqual(["+a"]);
    r.identityAdded("b", identity(4, "Bob"));
    expect(log).toEqual(["+a", "+b"]);
  });

  it("vanishes when either half goes, and comes back when it returns", () => {
    const { r, log } = roster();
    const alice = identity(3, "Alice");
    const b = body(3, 10);
    r.identityAdded("a", alice);
    r.bodyEntered(b);
    r.bodyLeft(b);
    expect(log).toEqual(["+a", "-a"]);
    expect(r.bySession.has("a")).toBe(false);
    const again = body(3, 50);
    r.bodyEntered(again);
    expect(log).toEqual(["+a", "-a", "+a"]);
    expect(r.bySession.get("a")!.x).toBe(50);
    r.identityRemoved("a", alice);
    expect(log).toEqual(["+a", "-a", "+a", "-a"]);
    r.bodyLeft(again);
    expect(log, "no second vanish for a tadpole already gone").toHaveLength(4);
  });

  it("our own tadpole appears with the exact own body, never with its stream entity", () => {
    const { r, log, own } = roster();
    r.identityAdded("me", identity(7, "Me"));
    r.bodyEntered(body(7, 99));
    expect(log, "the stream's lossy copy of us does not make us appear").toEqual([]);
    own.x = 1.5; // (a quantized schema field: it holds the nearest grid value)
    r.ownBodyArrived();
    expect(log).toEqual(["+me (own)"]);
    expect(r.own?.x).toBe(own.x);
    expect(r.own?.x).toBeCloseTo(1.5, 3);
    expect(r.own?.body).toBe(own);
  });

  it("a reused stream id belongs to whoever holds it now", () => {
    const { r, log } = roster();
    const alice = identity(3, "Alice");
    r.identityAdded("a", alice);
    r.bodyEntered(body(3, 1));
    r.identityRemoved("a", alice);
    r.identityAdded("c", identity(3, "Carol"));
    expect(log).toEqual(["+a", "-a", "+c"]);
    expect(r.bySession.get("c")!.name).toBe("Carol");
  });
});
