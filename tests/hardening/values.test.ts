import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pack } from "msgpackr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { delay, waitFor } from "../../kit/waitFor.ts";
import { REPO_ROOT } from "../../kit/process.ts";
import { Code, MatchmakeError, joinRaw, reserveSeat } from "../../kit/rawPeer.ts";
import { CHAT_MAX_LENGTH, DEFAULT_NAME, NAME_MAX_LENGTH } from "../../shared/constants.ts";
import { HonestPlayer } from "./support/honest.ts";
import { roomData } from "./support/frames.ts";
import { startPond, type Pond } from "./support/pond.ts";

/**
 * Hostile values through the real server: names and chat lines built to inject markup, reorder
 * or hide text, smuggle control characters or run long are stored and relayed as short plain
 * text. (The server does not HTML-escape: the browser client renders with canvas text and
 * textContent only, which the last test checks.)
 */

/**
 * Length is counted in graphemes (so a cut never splits an emoji), but one grapheme can carry
 * any number of combining marks: the stored text must also stay within a code-unit budget, or a
 * 24-"character" name can be a 1000-unit Zalgo tower drawn over everyone's screen and resent in
 * every patch. Four UTF-16 units per character fits any flag or skin-toned emoji (ZWJ is removed).
 */
const UNITS_PER_CHARACTER = 4;

/** Anything that can hide, reorder or break text: controls, format (bidi, zero-width), separators, surrogates, private use, unassigned. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/u;

const NAME_CASES: Array<[string, string, string | ((stored: string) => void)]> = [
  ["markup", "<img src=x onerror=alert(1)>", "<img src=x onerror=alert"],
  ["script tag", "<script>alert(1)</script>", "<script>alert(1)</script"],
  ["right-to-left override", "\u202Eevil.exe\u202C", "evil.exe"],
  ["bidi isolates", "ad\u2066min\u2069", "admin"],
  ["zero-width characters", "a\u200Bd\u200Cm\u200Din", "admin"],
  ["zero-width no-break space (a JS whitespace)", "ad\uFEFFmin", "ad min"],
  ["control characters and ANSI escape", "bob\u0000\u0007\u001b[31mred\u007f\u0085", "bob[31mred"],
  ["line and paragraph separators", "x\u2028y\u2029z", "x y z"],
  ["tag characters", "flag\u{E0067}\u{E0062}", "flag"],
  ["private use and lone surrogate", "p\uE000q\uD800r", "pqr"],
  ["only invisible characters", "\u200B\u202E\u0000 \t", DEFAULT_NAME],
  ["long emoji run", `Frog${"🐸".repeat(40)}`, `Frog${"🐸".repeat(NAME_MAX_LENGTH - 4)}`],
  ["nothing but emoji: no letter or digit to tell it by", "🐸".repeat(40), DEFAULT_NAME],
  ["blank-looking Hangul fillers and Braille blanks", "\u3164\u3164\u2800\u2800", DEFAULT_NAME],
  ["fullwidth letters", "Ａｌｉｃｅ", "Alice"],
  // Only the bounds checked for every case apply: whether the pile is cut or dropped is the server's choice.
  ["combining-mark pile (Zalgo)", "Z" + "\u0336".repeat(500), () => undefined],
  ["whitespace runs", "  a   b\t\tc  ", "a b c"],
];

describe("hostile names and chat are stored as short plain text", () => {
  let pond: Pond;
  let observer: HonestPlayer;
  const others: HonestPlayer[] = [];

  beforeAll(async () => {
    // The default reconnection grace (20 s): a kicked client must not be held that long.
    pond = await startPond({ MAX_CONNECTIONS_PER_IP: "200", JOIN_RATE_PER_IP: "100000" });
    observer = await HonestPlayer.join(pond.wsUrl, "observer");
  });

  afterAll(async () => {
    try {
      await Promise.all([observer, ...others].filter(Boolean).map((p) => p.leave()));
    } finally {
      await pond?.stop();
    }
  });

  /** The name the observer was sent for `id`. */
  async function nameSeen(id: string, expected?: string): Promise<string> {
    return waitFor(() => {
      const t = observer.conn.all.get(id);
      if (!t) return undefined;
      return expected === undefined || t.name === expected ? t.name : undefined;
    }, { timeoutMs: 5000, message: `the observer to see ${id}`, describe: () => observer.conn.all.get(id)?.name });
  }

  for (const [label, raw, expected] of NAME_CASES) {
    it(`join name: ${label}`, async () => {
      const player = await HonestPlayer.join(pond.wsUrl, label, raw);
      others.push(player);
      const stored = await nameSeen(player.conn.sessionId, typeof expected === "string" ? expected : undefined);
      expect(UNSAFE.test(stored), `stored ${JSON.stringify(stored)}`).toBe(false);
      expect(Array.from(new Intl.Segmenter().segment(stored)).length).toBeLessThanOrEqual(NAME_MAX_LENGTH);
      expect(stored.length, `UTF-16 length of ${JSON.stringify(stored).slice(0, 40)}`).toBeLessThanOrEqual(NAME_MAX_LENGTH * UNITS_PER_CHARACTER);
      if (typeof expected === "string") expect(stored).toBe(expected);
      else expected(stored);
      await player.leave();
    });
  }

  it("join names that are not strings, or huge, fall back to the default name (or are refused)", async () => {
    for (const name of [12345, { toString: "x" }, ["a", "b"], null, "N".repeat(50_000)]) {
      let joined: Awaited<ReturnType<typeof joinRaw>>;
      try {
        joined = await joinRaw(pond.httpUrl, pond.wsUrl, { joinOptions: { name } });
      } catch (error) {
        // Refusing an oversized join request outright is fine too.
        expect(error, `join name ${JSON.stringify(name).slice(0, 40)}`).toBeInstanceOf(MatchmakeError);
        expect((error as MatchmakeError).status).toBeGreaterThanOrEqual(400);
        expect((error as MatchmakeError).status).toBeLessThan(500);
        continue;
      }
      const stored = await nameSeen(joined.seat.sessionId);
      expect(stored, `join name ${JSON.stringify(name).slice(0, 40)}`).toBe(DEFAULT_NAME);
      joined.peer.leave();
      await joined.peer.closed;
    }
  });

  it("renames (the name message and the `name:` chat command) are sanitized the same way", async () => {
    const player = await HonestPlayer.join(pond.wsUrl, "renamer");
    others.push(player);
    const id = player.conn.sessionId;
    player.conn.rename("<b onmouseover=alert(1)>\u202Ebold");
    expect(await nameSeen(id, "<b onmouseover=alert(1)>")).toBe("<b onmouseover=alert(1)>");
    player.conn.say("name: \u0000\u200Bzero\u200Dwidth\u2066");
    expect(await nameSeen(id, "zerowidth")).toBe("zerowidth");
    player.conn.say(`name: ${"x".repeat(100)}`);
    expect(await nameSeen(id, "x".repeat(NAME_MAX_LENGTH))).toHaveLength(NAME_MAX_LENGTH);
  });

  it("chat lines are relayed sanitized and cut to CHAT_MAX_LENGTH", async () => {
    const speaker = await HonestPlayer.join(pond.wsUrl, "speaker");
    others.push(speaker);
    const lines: Array<[string, string]> = [
      ["<img src=x onerror=alert(document.cookie)>", "<img src=x onerror=alert(document.cookie)>"],
      ["\u202Etxt.exe hello\u202C", "txt.exe hello"],
      ["multi\nline\r\nchat\u2028text", "multi line chat text"],
      ["bell\u0007 and\u001b[2J clear", "bell and[2J clear"],
      ["🐸".repeat(300), "🐸".repeat(CHAT_MAX_LENGTH)],
    ];
    const zalgo = "a" + "\u0489".repeat(900);
    for (const [raw, expected] of lines) {
      const before = observer.chats.length;
      speaker.conn.say(raw);
      const line = await waitFor(() => observer.chats.slice(before).find((c) => c.id === speaker.conn.sessionId), { timeoutMs: 5000, message: `chat ${JSON.stringify(raw).slice(0, 30)}` });
      expect(UNSAFE.test(line.text)).toBe(false);
      expect(line.text).toBe(expected);
    }
    const flat = observer.chats.map((c) => c.text).join("");
    expect(UNSAFE.test(flat)).toBe(false);
    // A second speaker: the first has spent its chat burst.
    const zalgoSpeaker = await HonestPlayer.join(pond.wsUrl, "zalgo");
    others.push(zalgoSpeaker);
    const before = observer.chats.length;
    zalgoSpeaker.conn.say(zalgo);
    zalgoSpeaker.conn.say("after the zalgo line");
    // The second line is the barrier: once it is here, the first was relayed or dropped.
    await waitFor(() => observer.chats.slice(before).some((c) => c.id === zalgoSpeaker.conn.sessionId && c.text === "after the zalgo line"), { timeoutMs: 5000, message: "the line after the Zalgo line" });
    const relayed = observer.chats.slice(before).filter((c) => c.id === zalgoSpeaker.conn.sessionId && c.text !== "after the zalgo line");
    for (const line of relayed) expect(line.text.length, "UTF-16 length of a relayed Zalgo line").toBeLessThanOrEqual(CHAT_MAX_LENGTH * UNITS_PER_CHARACTER);
  });

  it("a client kicked for invalid messages loses its seat at once and cannot reconnect into it", async () => {
    const { peer, seat } = await joinRaw(pond.httpUrl, pond.wsUrl);
    await nameSeen(seat.sessionId);
    for (let i = 0; i < 60; i++) peer.sendRaw(roomData(`bogus-${i}`, pack({ i })));
    const closed = await peer.closed;
    expect(closed.code).toBe(4400);
    // Its tadpole goes now, not after the 20 s reconnection grace…
    await waitFor(() => !observer.conn.all.has(seat.sessionId), { timeoutMs: 3000, message: "the kicked tadpole to leave the pond" });
    // …and its reconnection token opens nothing.
    let refused: unknown;
    try {
      await reserveSeat(pond.httpUrl, { reconnectionToken: peer.reconnectionToken }, { method: "reconnect", roomName: seat.roomId });
    } catch (error) {
      refused = error;
    }
    expect(refused, "reconnecting with a kicked client's token").toBeInstanceOf(MatchmakeError);
  });

  it("a client cut off for flooding loses its seat at once and cannot reconnect into it", async () => {
    const { peer, seat } = await joinRaw(pond.httpUrl, pond.wsUrl);
    await nameSeen(seat.sessionId);
    // Valid, cheap messages (PINGs) as fast as it can, for at most 3 s.
    const until = performance.now() + 3000;
    while (peer.isOpen && performance.now() < until) {
      for (let i = 0; i < 200; i++) peer.sendRaw(Buffer.of(Code.PING));
      await delay(1);
    }
    const closed = await Promise.race([peer.closed, delay(2000).then(() => undefined)]);
    expect(closed?.code, "the flooder was cut off").toBeDefined();
    // Not 4002: Colyseus also closes with 4002 a stale socket replaced by its own reconnect,
    // which must keep its seat, so a kick needs a code of its own for onDrop to refuse the grace.
    expect(closed!.code).not.toBe(4002);
    await waitFor(() => !observer.conn.all.has(seat.sessionId), { timeoutMs: 3000, message: "the flooder's tadpole to leave the pond (not after the 20 s grace)" });
    let refused: unknown;
    try {
      await reserveSeat(pond.httpUrl, { reconnectionToken: peer.reconnectionToken }, { method: "reconnect", roomName: seat.roomId });
    } catch (error) {
      refused = error;
    }
    expect(refused, "reconnecting with a flooder's token").toBeInstanceOf(MatchmakeError);
  });

  it("the browser client never renders text as HTML", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|tsx|js|mjs|html)$/.test(entry)) files.push(path);
      }
    };
    walk(join(REPO_ROOT, "client"));
    expect(files.length).toBeGreaterThan(0);
    const sinks = /\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML\s*\(|document\.write(ln)?\s*\(|createContextualFragment\s*\(|DOMParser\s*\(|\beval\s*\(|new\s+Function\s*\(|setHTMLUnsafe|srcdoc/;
    const hits = files.flatMap((file) => readFileSync(file, "utf8").split("\n")
      .map((line, i) => ({ file: file.slice(REPO_ROOT.length), line: i + 1, text: line.trim() }))
      .filter((l) => sinks.test(l.text) && !l.text.startsWith("//") && !l.text.startsWith("*")));
    expect(hits, "HTML sinks in the client").toEqual([]);
  });
});
