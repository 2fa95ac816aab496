import { CloseCode } from "@colyseus/core";
import { describe, expect, it } from "vitest";
import { chatFormat, nameFormat } from "../../server/rooms/validators.ts";
import { CLOSE_CONNECTED_ELSEWHERE, CLOSE_FLOODING, CLOSE_IDLE, CLOSE_INVALID_INPUT, CLOSE_NO_SEAT, CLOSE_SERVER_SHUTDOWN } from "../../shared/protocol.ts";

describe("shared/protocol.ts", () => {
  it("names Colyseus's shutdown code as Colyseus does, and keeps its own codes out of Colyseus's range", () => {
    expect(CLOSE_SERVER_SHUTDOWN).toBe(CloseCode.SERVER_SHUTDOWN);
    const ours = [CLOSE_INVALID_INPUT, CLOSE_NO_SEAT, CLOSE_CONNECTED_ELSEWHERE, CLOSE_IDLE, CLOSE_FLOODING];
    expect(new Set(ours).size).toBe(ours.length);
    // Colyseus's own close codes, and the client's "rejoin by itself" range (PondSession.shouldRejoin), end at 4010.
    for (const code of ours) expect(code).toBeGreaterThan(4010);
    for (const code of Object.values(CloseCode)) expect(ours).not.toContain(code);
  });
});

describe("the room's message formats (server/rooms/validators.ts)", () => {
  it("parse every payload and refuse none: a refusal would make Colyseus close the socket at once", () => {
    for (const payload of [undefined, null, 1, "x", [], {}, { text: 1 }, { text: "hi", extra: 1 }, { name: {} }]) {
      const chat = chatFormat["~standard"].validate(payload);
      const name = nameFormat["~standard"].validate(payload);
      expect("issues" in chat && chat.issues, JSON.stringify(payload)).toBeFalsy();
      expect("issues" in name && name.issues, JSON.stringify(payload)).toBeFalsy();
    }
    expect(chatFormat["~standard"].validate({ text: "hi" })).toEqual({ value: { kind: "say", text: "hi" } });
    expect(nameFormat["~standard"].validate({ name: "Bob" })).toEqual({ value: "Bob" });
    expect(nameFormat["~standard"].validate({ name: 7 })).toEqual({ value: null });
  });
});
