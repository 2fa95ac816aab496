import { describe, expect, it } from "vitest";
import { LogLimiter } from "../../server/logLimiter.ts";

describe("LogLimiter", () => {
  it("writes a client-caused error once per interval, without its stack, with a count of the rest", () => {
    const limiter = new LogLimiter(10_000);
    const oversize = "RangeError: Max payload size exceeded\n    at Receiver.getInfo (ws/lib/receiver.js:1:1)";
    expect(limiter.admit(oversize, 0)).toBe("client error (max_payload): RangeError: Max payload size exceeded");
    for (let i = 1; i <= 500; i++) expect(limiter.admit(oversize, i)).toBeUndefined();
    expect(limiter.admit(oversize, 10_000)).toBe("client error (max_payload): RangeError: Max payload size exceeded (and 500 more since the last such line)");
  });

  it("keeps our own errors' stacks the first time, and limits their repeats the same way", () => {
    const limiter = new LogLimiter(10_000);
    const bug = "TypeError: x is undefined\n    at step (server/sim/PondSim.ts:1:1)";
    expect(limiter.admit(bug, 0)).toBe(bug);
    expect(limiter.admit(bug, 5)).toBeUndefined();
    expect(limiter.admit("TypeError: y is undefined\n    at other", 6), "another first line is another cause").toContain("at other");
    expect(limiter.admit(bug, 20_000)).toBe(`${bug} (and 1 more since the last such line)`);
  });

  it("cannot be grown without bound by ever-new messages", () => {
    const limiter = new LogLimiter(10_000, 50);
    let written = 0;
    for (let i = 0; i < 1000; i++) if (limiter.admit(`Error: unique ${i}`, i) !== undefined) written++;
    expect(written, "unknown errors are each written once").toBe(1000);
    expect((limiter as unknown as { causes: Map<string, unknown> }).causes.size).toBeLessThanOrEqual(50);
  });
});
