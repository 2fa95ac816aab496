import { describe, expect, it } from "vitest";
import { pondHash, pondIdFromHash, shouldRejoin } from "../../client/net/PondSession.ts";

describe("PondSession helpers (no server needed)", () => {
  it("reads and writes /#/pond/<id> links", () => {
    expect(pondIdFromHash("#/pond/abc_D-9")).toBe("abc_D-9");
    expect(pondIdFromHash("/pond/xyz/")).toBe("xyz");
    expect(pondIdFromHash("")).toBeUndefined();
    expect(pondIdFromHash("#/pond/")).toBeUndefined();
    expect(pondIdFromHash("#/pond/a b")).toBeUndefined();
    expect(pondIdFromHash(pondHash("Q3X-Vtrfg"))).toBe("Q3X-Vtrfg");
  });

  it("moves after framework and network closes, stays out after application ones", () => {
    for (const code of [1000, 1001, 1006, 4000, 4001, 4002, 4003, 4010]) expect(shouldRejoin(code)).toBe(true);
    for (const code of [4011, 4400, 4999]) expect(shouldRejoin(code)).toBe(false);
  });
});
