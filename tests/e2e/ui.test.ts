import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { MAX_SPEED, WORLD_HALF } from "../../shared/constants.ts";
import { closeAll, plainTadpole, PondProbe } from "../helpers/pondClient.ts";
import type { ServerProcess } from "../../kit/server.ts";
import { waitFor } from "../../kit/waitFor.ts";
import { DESKTOP, launchBrowser, PHONE, type LaunchedBrowser } from "../../kit/browser/launch.ts";
import { decodePng, type Image } from "../../kit/browser/png.ts";
import { angleDiff, chatByKeyboard, openPond, saveScreenshot, snapshot, waitForPond, type OpenedPond } from "../../kit/browser/pond.ts";
import { copyBuiltClient, startGameServer, type ClientCopy } from "../../kit/browser/builtClient.ts";

/**
 * The page's own controls as a player uses them, read from what the page shows (DOM text,
 * screenshot pixels, what the browser's audio plays), not only from the test hook: the stats
 * overlay (F3, `?stats=1`) and `?lag=`, the arrow keys, the name field, the pond panel (count,
 * copy link, list, switching, `/#/pond/<id>` links), the edge arrows and the mini-map, and the
 * sound toggle. One server, two desktop pages (Ann, and Bea for a while), a phone page for a
 * moment, and headless players. Steps run in order and share the players. The order spares the
 * machine (pages are drawn in software): the arrow keys run while Ann's page is the only one,
 * Xan's swims go from one step's place to the next one's, and the phone page opens alone.
 *
 * The server holds no seat for a dropped player (RECONNECT_GRACE_SECONDS=0), so a reload
 * rejoins at once under the same name, and ponds hold 3 players (MAX_PLAYERS=3), so a fourth
 * player opens a second pond to switch to.
 */
let server: ServerProcess | undefined;
let chromium: LaunchedBrowser | undefined;
let client: ClientCopy | undefined;
let ann: OpenedPond;
let bea: OpenedPond | undefined;
let annContext: BrowserContext;
/** Headless players: Xan shares Ann's first pond, Quinn opens the second one. */
let xan: PondProbe | undefined;
let quinn: PondProbe | undefined;
/** Ann's first pond and the second one. */
let firstPond = "";
let secondPond = "";
/** Above this, the band around 750 Hz has a blip in it (measured against the water in the blip test). */
let blipThreshold = 0.025;

const W = DESKTOP.viewport!.width;
const H = DESKTOP.viewport!.height;

beforeAll(async () => {
  client = await copyBuiltClient();
  server = await startGameServer({ clientDir: client.dir, env: { MAX_PLAYERS: "3", RECONNECT_GRACE_SECONDS: "0" } });
  chromium = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await closeAll([xan, quinn]);
  await chromium?.close();
  await server?.stop();
  client?.remove();
}, 60_000);

// --- What the browser's audio plays ------------------------------------------------------

/** What the init script below lets a test read in the page: every AudioContext made, and what it plays. */
interface AudioProbe {
  contexts(): Array<{ state: string; time: number }>;
  /** RMS of the last ~46 ms the speakers got (0 while nothing runs). */
  level(): number;
  /**
   * The loudest 23 ms (RMS) around 750 Hz, where the blip is and the water is quiet, since the
   * last reset (band-pass 750 Hz, Q 1.5: the blip stands ~6x above the water there).
   */
  band(reset?: boolean): number;
  /** The loudest sample since the last reset (of 1, full scale). */
  peak(reset?: boolean): number;
}

/**
 * Runs in every page before its scripts: wraps the browser's AudioContext so a test can see each
 * one the page makes, and taps whatever the page connects to the speakers into analysers: a
 * short one for the level, and two long ones (~0.74 s, read a few times a second, so nothing
 * slips between two reads) for the peak and for the band where the blip is. The page's own
 * graph is untouched.
 */
function trackAudio(): void {
  const Native = window.AudioContext;
  if (typeof Native !== "function") return;
  type Tapped = AudioContext & { short: AnalyserNode; long: AnalyserNode; bandpass: BiquadFilterNode; band: AnalyserNode };
  const made: Tapped[] = [];
  let band = 0;
  let peak = 0;
  const connect = AudioNode.prototype.connect as (this: AudioNode, target: AudioNode | AudioParam, ...rest: number[]) => AudioNode | void;
  class Tracked extends Native {
    short: AnalyserNode;
    long: AnalyserNode;
    bandpass: BiquadFilterNode;
    band: AnalyserNode;
    constructor(options?: AudioContextOptions) {
      super(options);
      this.short = this.createAnalyser();
      this.short.fftSize = 2048;
      this.long = this.createAnalyser();
      this.long.fftSize = 32768;
      this.bandpass = this.createBiquadFilter();
      this.bandpass.type = "bandpass";
      this.bandpass.frequency.value = 750;
      this.bandpass.Q.value = 1.5;
      this.band = this.createAnalyser();
      this.band.fftSize = 32768;
      connect.call(this.bandpass, this.band);
      made.push(this as unknown as Tapped);
    }
  }
  window.AudioContext = Tracked;
  AudioNode.prototype.connect = function (this: AudioNode, target: AudioNode | AudioParam, ...rest: number[]) {
    const result = connect.call(this, target, ...rest);
    const ctx = this.context as Tapped;
    if (target instanceof AudioDestinationNode && ctx.long) {
      connect.call(this, ctx.short);
      connect.call(this, ctx.long);
      connect.call(this, ctx.bandpass);
    }
    return result;
  } as typeof AudioNode.prototype.connect;
  const samples = new Float32Array(2048);
  const window32k = new Float32Array(32768);
  const BLOCK = 1024;
  setInterval(() => {
    for (const ctx of made) {
      if (ctx.state !== "running") continue;
      ctx.long.getFloatTimeDomainData(window32k);
      for (const v of window32k) peak = Math.max(peak, Math.abs(v));
      ctx.band.getFloatTimeDomainData(window32k);
      for (let i = 0; i + BLOCK <= window32k.length; i += BLOCK / 2) {
        let sum = 0;
        for (let k = i; k < i + BLOCK; k++) sum += window32k[k] * window32k[k];
        band = Math.max(band, Math.sqrt(sum / BLOCK));
      }
    }
  }, 150);
  const probe: AudioProbe = {
    contexts: () => made.map((c) => ({ state: c.state, time: c.currentTime })),
    level: () => {
      const ctx = made.find((c) => c.state === "running");
      if (!ctx) return 0;
      ctx.short.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const v of samples) sum += v * v;
      return Math.sqrt(sum / samples.length);
    },
    band: (reset = false) => {
      const b = band;
      if (reset) band = 0;
      return b;
    },
    peak: (reset = false) => {
      const p = peak;
      if (reset) peak = 0;
      return p;
    },
  };
  Object.defineProperty(window, "__audio", { value: probe });
}

function audio<T>(page: Page, read: (probe: AudioProbe) => T): Promise<T> {
  return page.evaluate(`(${read.toString()})(window.__audio)`) as Promise<T>;
}

// --- Helpers -------------------------------------------------------------------------------

/** The page's own clock, ms: waits measured in it hold however slow the page is. */
function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** Resolves once `ms` of the page's time has passed (a barrier in the page's time, not a sleep). */
async function pageTimePasses(page: Page, ms: number): Promise<void> {
  const until = (await pageNow(page)) + ms;
  await waitFor(async () => (await pageNow(page)) >= until, { timeoutMs: 30_000, intervalMs: 50, message: "the page's clock to advance" });
}

/** The stats overlay as shown: whether it is, and its numbers (undefined where it says n/a). */
interface ShownStats {
  shown: boolean;
  text: string;
  fps?: number;
  tadpoles?: number;
  ping?: number;
  jitter?: number;
  patches?: number;
  /** Bytes per second down. */
  down?: number;
  corrected?: number;
  interp?: number;
}

async function readStats(page: Page): Promise<ShownStats> {
  const { shown, text } = await page.evaluate(() => {
    const el = document.querySelector<HTMLElement>(".stats");
    return { shown: el !== null && !el.classList.contains("hidden") && el.offsetHeight > 0, text: el?.textContent ?? "" };
  });
  const number = (label: string): number | undefined => {
    const m = new RegExp(`^${label}\\s+([\\d.]+)\\s*(KB/s|B/s)?`, "m").exec(text);
    if (!m) return undefined;
    return Number(m[1]) * (m[2] === "KB/s" ? 1024 : 1);
  };
  return {
    shown, text,
    fps: number("fps"), tadpoles: number("tadpoles"), ping: number("ping"), jitter: number("jitter"),
    patches: number("patches"), down: number("down"), corrected: number("corrected"), interp: number("interp"),
  };
}

/** Shows or hides the overlay with F3 (pressed only if it is not so already). */
async function showStats(page: Page, shown: boolean): Promise<void> {
  if ((await readStats(page)).shown !== shown) await page.keyboard.press("F3");
  await waitFor(async () => (await readStats(page)).shown === shown, { timeoutMs: 10_000, message: `F3 to ${shown ? "show" : "hide"} the overlay` });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Steers a headless player to within 60 units of `to` (slowing as it nears), then waits for it to rest. */
async function swimProbe(probe: PondProbe | undefined, to: { x: number; y: number }): Promise<{ x: number; y: number }> {
  if (!probe) throw new Error("no headless player to swim (an earlier step did not join it)");
  probe.drive();
  const steer = setInterval(() => {
    const t = probe.tadpole(probe.id);
    if (!t) return;
    const d = Math.hypot(to.x - t.x, to.y - t.y);
    probe.steer.angle = (Math.atan2(to.y - t.y, to.x - t.x) + Math.PI * 2) % (Math.PI * 2);
    probe.steer.thrust = d < 30 ? 0 : Math.min(1, d / 150);
  }, 50);
  try {
    await waitFor(() => {
      const t = probe.tadpole(probe.id);
      return t && Math.hypot(to.x - t.x, to.y - t.y) < 60;
    }, { timeoutMs: 45_000, intervalMs: 50, message: `${probe.id} to swim to (${Math.round(to.x)}, ${Math.round(to.y)})`, describe: () => plainTadpole(probe.tadpole(probe.id)) });
  } finally {
    clearInterval(steer);
    probe.steer.thrust = 0;
  }
  return waitFor(() => {
    const t = probe.tadpole(probe.id);
    return t && t.speed < 1 ? { x: t.x, y: t.y } : undefined;
  }, { timeoutMs: 15_000, intervalMs: 50, message: `${probe.id} to come to rest` });
}

/** What `page` draws of tadpole `id` (the test hook's look()). */
function look(page: Page, id: string) {
  return page.evaluate((who) => window.__pond!.look(who), id);
}

type Box = { x: number; y: number; width: number; height: number };

/** A box of `size` CSS px centred on (x, y), kept on the screen. */
function around(x: number, y: number, size: number): Box {
  const left = Math.max(0, Math.min(W - size, Math.round(x - size / 2)));
  const top = Math.max(0, Math.min(H - size, Math.round(y - size / 2)));
  return { x: left, y: top, width: size, height: size };
}

/** The pixels of `box` where `a` is brighter than `b` by more than `by` (mean of R, G, B): how many, and their centre. */
function brighter(a: Image, b: Image, box: Box, by: number): { count: number; x: number; y: number } {
  let count = 0;
  let sx = 0;
  let sy = 0;
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) {
      const o = (y * a.width + x) * 4;
      const la = (a.data[o] + a.data[o + 1] + a.data[o + 2]) / 3;
      const lb = (b.data[o] + b.data[o + 1] + b.data[o + 2]) / 3;
      if (la - lb > by) {
        count++;
        sx += x;
        sy += y;
      }
    }
  }
  return { count, x: count ? sx / count : NaN, y: count ? sy / count : NaN };
}

/** Where the ray from the screen's centre toward a world offset (dx, dy) (CSS px) meets the screen's edge, `inset` px in. */
function edgePoint(dx: number, dy: number, inset: number): { x: number; y: number } {
  const d = Math.hypot(dx, dy) || 1;
  const ux = dx / d;
  const uy = dy / d;
  const t = Math.min(Math.abs(ux) > 1e-6 ? (W / 2 - inset) / Math.abs(ux) : Infinity, Math.abs(uy) > 1e-6 ? (H / 2 - inset) / Math.abs(uy) : Infinity);
  return { x: W / 2 + ux * t, y: H / 2 + uy * t };
}

async function pondOf(page: Page): Promise<string | undefined> {
  return page.evaluate(() => window.__pond?.pondId());
}

async function newDesktop(): Promise<BrowserContext> {
  const context = await chromium!.newContext(DESKTOP);
  await context.addInitScript(trackAudio);
  return context;
}

describe("the page's controls, as a player uses them", () => {
  it("F3 shows the stats overlay with live, plausible numbers; F3 hides it", async () => {
    annContext = await newDesktop();
    await annContext.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server!.httpUrl });
    ann = await openPond(annContext, server!.httpUrl, "Ann");
    const { page } = ann;
    expect((await readStats(page)).shown).toBe(false);

    await page.keyboard.press("F3");
    let first: ShownStats | undefined;
    first = await waitFor(async () => {
      const s = await readStats(page);
      // (The ping reads 0 until the first input has come back acknowledged.)
      return s.shown && s.fps !== undefined && s.fps > 0 && s.ping !== undefined && s.ping > 0 && s.patches !== undefined && s.patches > 0 && s.down !== undefined ? s : undefined;
    }, { timeoutMs: 20_000, intervalMs: 100, message: "F3 to show the overlay with a frame rate, a ping and patches", describe: () => first });
    // Plausible: a frame rate, us in the pond, a round trip, the server's 20 Hz of patches and
    // the bytes they cost.
    expect(first.fps).toBeGreaterThan(0);
    expect(first.fps).toBeLessThan(400);
    expect(first.tadpoles).toBeGreaterThanOrEqual(1);
    expect(first.ping).toBeGreaterThan(0);
    expect(first.ping).toBeLessThan(5000);
    expect(first.patches).toBeGreaterThanOrEqual(3);
    expect(first.patches).toBeLessThanOrEqual(40);
    expect(first.down).toBeGreaterThan(0);
    expect(first.interp).toBeGreaterThanOrEqual(0);
    // Live: the numbers move (the overlay refreshes a few times a second).
    const numbers = (s: ShownStats) => [s.fps, s.ping, s.jitter, s.patches, s.down, s.interp].join(" ");
    await waitFor(async () => numbers(await readStats(page)) !== numbers(first!), {
      timeoutMs: 15_000, intervalMs: 200, message: "the overlay's numbers to change", describe: () => first!.text,
    });
    // F3 typed nothing into the chat.
    expect((await snapshot(page)).draft).toBeUndefined();

    await page.keyboard.press("F3");
    await waitFor(async () => !(await readStats(page)).shown, { timeoutMs: 10_000, message: "F3 again to hide the overlay" });
  }, 120_000);

  it("the arrow keys swim at full speed in their direction; letters go to the chat and never steer", async () => {
    const { page } = ann;
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
    const rest = await waitForPond(page, (s) => s.pose !== undefined && s.pose.speed < 2, "Ann at rest");
    const arrows: Array<{ key: string; angle: number; dx: number; dy: number }> = [
      { key: "ArrowRight", angle: 0, dx: 1, dy: 0 },
      { key: "ArrowUp", angle: -Math.PI / 2, dx: 0, dy: -1 },
      { key: "ArrowLeft", angle: Math.PI, dx: -1, dy: 0 },
      { key: "ArrowDown", angle: Math.PI / 2, dx: 0, dy: 1 },
    ];
    for (const { key, angle, dx, dy } of arrows) {
      const from = (await waitForPond(page, (s) => s.pose !== undefined, "a pose")).pose!;
      await page.keyboard.down(key);
      try {
        const fast = await waitForPond(page, (s) => {
          if (!s.pose) return false;
          const along = (s.pose.x - from.x) * dx + (s.pose.y - from.y) * dy;
          return along > 100 && s.pose.speed > 0.95 * MAX_SPEED && Math.abs(angleDiff(s.pose.angle, angle)) < 0.1;
        }, `${key} to swim 100 units its way at full speed`, 30_000);
        const across = (fast.pose!.x - from.x) * dy - (fast.pose!.y - from.y) * dx;
        // Straight: little drift across the key's direction (only the turn toward it).
        expect(Math.abs(across)).toBeLessThan(60);
        expect(fast.draft).toBeUndefined();
      } finally {
        await page.keyboard.up(key);
      }
      await waitForPond(page, (s) => s.pose !== undefined && s.pose.speed < 2, `Ann to glide to rest after ${key}`, 30_000);
    }
    // Back where she started, give or take the glides: the four legs cancel out.
    const back = (await snapshot(page)).pose!;
    expect(Math.hypot(back.x - rest.pose!.x, back.y - rest.pose!.y)).toBeLessThan(200);

    // Letters: WASD held down a while opens the chat line with the letter, and swims nowhere.
    for (const letter of ["w", "a", "s", "d"]) {
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
      const before = (await waitForPond(page, (s) => s.pose !== undefined && s.pose.speed < 2 && s.draft === undefined, "Ann at rest, no chat line")).pose!;
      await page.keyboard.down(letter);
      try {
        await waitForPond(page, (s) => s.draft === letter, `"${letter}" to open the chat line with it`, 10_000);
        // A full speed start reaches 90 % within 0.15 s: a second held is plenty to show.
        await pageTimePasses(page, 1000);
        const after = await snapshot(page);
        expect(after.pose!.speed).toBeLessThan(2);
        expect(Math.hypot(after.pose!.x - before.x, after.pose!.y - before.y)).toBeLessThan(3);
      } finally {
        await page.keyboard.up(letter);
      }
      await page.keyboard.press("Escape");
      await waitForPond(page, (s) => s.draft === undefined, "Esc to close the chat line");
    }
  }, 180_000);

  it("?stats=1 shows the overlay from the start, and ?lag=150 shows in its ping (each way: +300 ms round trip)", async () => {
    const context = await newDesktop();
    bea = await openPond(context, server!.httpUrl, "Bea", 60_000, { stats: "1", lag: "150" });
    const { page } = bea;
    // Shown without a key.
    expect((await readStats(page)).shown).toBe(true);
    // The simulated link adds 150 ms each way: no round trip can be shorter than 300 ms.
    let last: ShownStats | undefined;
    await waitFor(async () => {
      last = await readStats(page);
      return last.ping !== undefined && last.ping >= 300;
    }, { timeoutMs: 30_000, intervalMs: 200, message: "Bea's ping to show the 300 ms the link adds", describe: () => last?.text });

    // Side by side with Ann's page (no lag, the same machine and load): Bea's round trip is
    // longer by about the link's 300 ms (at least half of it, whatever the pages' frame rates).
    await showStats(ann.page, true);
    const lagged: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < 7; i++) {
      const [b, a] = await Promise.all([readStats(page), readStats(ann.page)]);
      if (b.ping !== undefined) lagged.push(b.ping);
      if (a.ping !== undefined) plain.push(a.ping);
      await pageTimePasses(page, 300);
    }
    await showStats(ann.page, false);
    expect(lagged.length).toBeGreaterThanOrEqual(5);
    expect(plain.length).toBeGreaterThanOrEqual(5);
    expect(Math.min(...lagged)).toBeGreaterThanOrEqual(290);
    expect(median(lagged) - median(plain), `lagged ${lagged}, plain ${plain}`).toBeGreaterThanOrEqual(150);
  }, 120_000);

  it("the name field renames on Enter (the other page sees it), and the name is remembered on reload", async () => {
    const { page } = ann;
    await waitForPond(bea!.page, (s) => s.names.includes("Ann"), "Bea to see Ann");
    const field = page.locator(".name-field input");
    await field.click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type("Newt Shine");
    expect(await field.inputValue()).toBe("Newt Shine");
    await page.keyboard.press("Enter");
    const seen = await waitForPond(bea!.page, (s) => s.names.includes("Newt Shine"), "Bea to see Ann renamed Newt Shine");
    expect(seen.names).not.toContain("Ann");
    expect(await page.evaluate(() => localStorage.getItem("tadpole-pond.name"))).toBe("Newt Shine");

    // Back another day: the plain address (no ?name=), a fresh load.
    const oldSession = (await snapshot(page)).sessionId;
    await page.goto(`${server!.httpUrl}/`, { waitUntil: "load", timeout: 45_000 });
    const back = await waitForPond(page, (s) => s.connected && s.pose !== undefined && s.sessionId !== oldSession, "Ann back in the pond after the reload", 45_000);
    // The pond gave her the remembered name as it is (no number added: nobody else holds it).
    await waitFor(() => field.inputValue().then((v) => v === "Newt Shine"), { timeoutMs: 10_000, message: "the name field to show the remembered name" });
    expect((await snapshot(page)).names.filter((n) => n.startsWith("Newt Shine"))).toEqual(["Newt Shine"]);
    await waitForPond(bea!.page, (s) => s.names.includes("Newt Shine"), "Bea to see Newt Shine back");
    firstPond = (await pondOf(page))!;
    expect(firstPond).toBeTruthy();
    expect(back.sessionId).not.toBe(oldSession);
  }, 120_000);

  it("the pond panel: the player count, a copied link, the list of ponds, and switching to another", async () => {
    const { page } = ann;
    // Ann and Bea: the count comes from the server's pond list.
    await waitFor(() => page.locator(".pond-count").textContent().then((t) => t === "2 players"), {
      timeoutMs: 15_000, message: "the pond panel to say 2 players", describe: () => page.locator(".pond-count").textContent(),
    });
    expect(await page.locator(".pond-name").textContent()).toBe(`Pond ${firstPond.slice(0, 5)}`);

    // Copy link: the address of this pond, on the clipboard, and a toast saying so.
    await page.evaluate(() => navigator.clipboard.writeText("nothing yet"));
    await page.locator(".pond-copy").click();
    const copied = await waitFor(async () => {
      const text = await page.evaluate(() => navigator.clipboard.readText());
      return text !== "nothing yet" ? text : undefined;
    }, { timeoutMs: 10_000, message: "the link on the clipboard" });
    expect(copied).toBe(`${server!.httpUrl}/#/pond/${firstPond}`);
    await waitFor(() => page.locator(".toast").textContent().then((t) => /link copied/i.test(t ?? "")), { timeoutMs: 10_000, message: "the toast saying the link was copied" });

    // A third player fills the pond (3 a pond here); a fourth opens a second one.
    xan = await PondProbe.join(server!.wsUrl, { name: "Xan", timeoutMs: 20_000 });
    expect(xan.room.roomId).toBe(firstPond);
    quinn = await PondProbe.join(server!.wsUrl, { name: "Quinn", timeoutMs: 20_000 });
    secondPond = quinn.room.roomId;
    expect(secondPond).not.toBe(firstPond);

    // The list: both ponds, ours marked, the other one to join.
    await page.locator(".pond-toggle").click();
    const rows = await waitFor(async () => {
      const seen = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>(".pond-list:not(.hidden) .pond-row")].map((row) => ({
        pond: row.dataset.pond,
        count: row.querySelector(".pond-row-count")?.textContent,
        here: row.querySelector(".pond-row-here")?.textContent ?? null,
        join: row.querySelector<HTMLButtonElement>(".pond-row-join")?.disabled === false,
      })));
      return seen.length === 2 && seen.some((r) => r.pond === secondPond && r.count === "1/3") && seen.some((r) => r.pond === firstPond && r.count === "3/3") ? seen : undefined;
    }, { timeoutMs: 20_000, intervalMs: 200, message: "the list to show both ponds with their counts" });
    expect(rows.find((r) => r.pond === firstPond)).toMatchObject({ here: "you're here", join: false });
    expect(rows.find((r) => r.pond === secondPond)).toMatchObject({ here: null, join: true });
    await saveScreenshot(page, "ui-pond-list");

    // Join the other one.
    await page.locator(`.pond-row[data-pond="${secondPond}"] .pond-row-join`).click();
    await waitForPond(page, (s) => s.connected && s.pose !== undefined && s.names.includes("Quinn"), "Ann in the second pond, with Quinn", 30_000);
    expect(await pondOf(page)).toBe(secondPond);
    expect(await page.evaluate(() => location.hash)).toBe(`#/pond/${secondPond}`);
    expect(await page.locator(".pond-name").textContent()).toBe(`Pond ${secondPond.slice(0, 5)}`);
    await waitFor(() => page.locator(".pond-count").textContent().then((t) => t === "2 players"), { timeoutMs: 15_000, message: "the count of the second pond (Ann and Quinn)" });
    // She left the first one: Bea no longer sees her.
    await waitForPond(bea!.page, (s) => !s.names.includes("Newt Shine"), "Bea to see Ann gone");
  }, 120_000);

  it("a /#/pond/<id> link joins that pond: opened in a page, and pasted while playing", async () => {
    // Ann copies the link to her new pond; Bea opens it.
    const { page } = ann;
    await page.locator(".pond-copy").click();
    const link = await waitFor(async () => {
      const text = await page.evaluate(() => navigator.clipboard.readText());
      return text.endsWith(secondPond) ? text : undefined;
    }, { timeoutMs: 10_000, message: "the second pond's link on the clipboard" });
    await bea!.page.goto(link, { waitUntil: "load", timeout: 45_000 });
    await waitForPond(bea!.page, (s) => s.connected && s.pose !== undefined && s.names.includes("Newt Shine"), "Bea in Ann's pond through the link", 45_000);
    expect(await pondOf(bea!.page)).toBe(secondPond);
    expect(bea!.watch.unexpected()).toEqual([]);
    await bea!.page.context().close();
    bea = undefined;
    await closeAll([quinn]);
    quinn = undefined;

    // While playing: a link to the first pond in the address bar moves Ann there (Xan is in it).
    await page.evaluate((id) => { location.hash = `#/pond/${id}`; }, firstPond);
    await waitForPond(page, (s) => s.connected && s.pose !== undefined && s.names.includes("Xan"), "Ann back in the first pond, with Xan", 30_000);
    expect(await pondOf(page)).toBe(firstPond);
  }, 120_000);

  it("sound is off until asked for: no audio at all after all that pressing and typing; the button turns it on", async () => {
    const { page } = ann;
    const button = page.locator(".sound-button");
    expect(await button.getAttribute("aria-pressed")).toBe("false");
    expect(await button.getAttribute("aria-label")).toBe("Sound");
    // Keys, clicks and presses all along: not one AudioContext (sound never starts by itself).
    expect(await audio(page, (a) => a.contexts())).toEqual([]);

    await button.click();
    expect(await button.getAttribute("aria-pressed")).toBe("true");
    const started = await waitFor(() => audio(page, (a) => a.contexts()).then((c) => (c.length === 1 && c[0].state === "running" ? c[0] : undefined)), {
      timeoutMs: 10_000, message: "an AudioContext running",
    });
    // Running means its clock moves, and the water is heard: quiet, but there.
    await waitFor(() => audio(page, (a) => a.contexts()).then((c) => c[0].time > started.time + 0.2), { timeoutMs: 10_000, message: "the audio clock to move" });
    const level = await waitFor(() => audio(page, (a) => a.level()).then((l) => (l > 0.003 ? l : undefined)), { timeoutMs: 10_000, message: "the water to be heard" });
    expect(level).toBeLessThan(0.1);
    expect(await page.evaluate(() => localStorage.getItem("tadpole-pond.sound"))).toBe("on");
    expect(ann.watch.unexpected()).toEqual([]);
  }, 60_000);

  it("a chat line from a tadpole on screen plays a soft blip", async () => {
    const { page } = ann;
    const here = (await snapshot(page)).pose!;
    await swimProbe(xan, { x: here.x + 90, y: here.y });
    await waitFor(async () => (await look(page, xan!.id))?.drawn === true, { timeoutMs: 15_000, message: "Xan on Ann's screen" });
    // The water alone, for a while, in the blip's band: the floor the blip must stand out from.
    await audio(page, (a) => a.band(true) + a.peak(true));
    await pageTimePasses(page, 3000);
    const water = await audio(page, (a) => a.band(true));
    expect(water).toBeGreaterThan(0);
    const line = "plip! a line from right beside you, long enough to be seen";
    xan!.conn.say(line);
    await waitForPond(page, (s) => s.bubbles.includes(line), "Xan's line in a bubble on Ann's page");
    await waitFor(() => audio(page, (a) => a.band()).then((b) => (b > Math.max(0.025, water * 2.5) ? b : undefined)), {
      timeoutMs: 10_000, intervalMs: 100, message: `a blip around 750 Hz standing out of the water (the water alone: ${water.toFixed(4)})`,
    });
    // Soft: the loudest moment, water and blip together, well below full scale.
    expect(await audio(page, (a) => a.peak())).toBeLessThan(0.4);
    blipThreshold = Math.max(0.025, water * 2.5);
  }, 90_000);

  it("no blip for a line from a tadpole off screen, nor for our own", async () => {
    const { page } = ann;
    const here = (await snapshot(page)).pose!;
    const away = here.x > 0 ? -1 : 1;
    await swimProbe(xan, { x: here.x + away * 900, y: here.y });
    await waitFor(async () => {
      const seen = await look(page, xan!.id);
      return seen !== undefined && !seen.drawn && seen.speed < 1;
    }, { timeoutMs: 15_000, message: "Xan off Ann's screen" });
    await audio(page, (a) => a.band(true));
    const far = "a line from far away, heard by the page but off its screen";
    xan!.conn.say(far);
    // The page has the line (in a bubble kept hidden while its speaker is off screen)...
    await waitFor(() => page.evaluate((text) => [...document.querySelectorAll(".bubbles .bubble-line")].some((el) => el.textContent === text), far), {
      timeoutMs: 15_000, intervalMs: 100, message: "Xan's far line to reach Ann's page",
    });
    expect((await snapshot(page)).bubbles).not.toContain(far);
    // ...and Ann says something herself.
    const own = "and a line of my own, which makes no blip either";
    await chatByKeyboard(page, own);
    await waitForPond(page, (s) => s.bubbles.includes(own), "Ann's own line in her bubble");
    // Long enough for any blip from either line to have been heard by the tap (it keeps 0.74 s).
    await pageTimePasses(page, 1500);
    const band = await audio(page, (a) => a.band());
    expect(band, "the loudest moment around 750 Hz").toBeLessThan(blipThreshold);
    expect(band).toBeGreaterThan(0);
  }, 90_000);

  it("an off-screen tadpole: an arrow at the screen's edge its way, and a dot in the mini-map, in the pixels", async () => {
    const { page } = ann;
    // Hold the water still (no hue drift, no specks, no breathing zoom): the only thing that
    // changes between the two shots below is where Xan is.
    await page.emulateMedia({ reducedMotion: "reduce" });
    const settled = await waitForPond(page, (s) => s.pose !== undefined && s.camera !== undefined && s.camera.reducedMotion
      && s.pose.speed < 2 && s.camera.zoom === s.camera.baseZoom && Math.hypot(s.camera.x - s.pose.x, s.camera.y - s.pose.y) < 1,
    "the camera still, on Ann at rest", 30_000);
    const cam = settled.camera!;
    const map = await page.evaluate(() => window.__pond!.miniMap());
    const inner = map.size - map.pad * 2;
    const toMap = (p: { x: number; y: number }) => ({
      x: map.left + map.pad + inner / 2 + (p.x * inner) / (WORLD_HALF * 2),
      y: map.top + map.pad + inner / 2 + (p.y * inner) / (WORLD_HALF * 2),
    });

    /** Xan swims `side` of Ann, well off her screen, and rests; returns the screenshot and where he is. */
    const shotWithXan = async (side: 1 | -1) => {
      const target = { x: Math.max(-WORLD_HALF + 80, Math.min(WORLD_HALF - 80, cam.x + side * 900)), y: cam.y };
      const at = await swimProbe(xan, target);
      // Ann's page draws him there (interpolated a moment behind), off her screen.
      await waitFor(async () => {
        const seen = await look(page, xan!.id);
        return seen && !seen.drawn && Math.hypot(seen.x - at.x, seen.y - at.y) < 2 && seen.speed < 1;
      }, { timeoutMs: 15_000, intervalMs: 100, message: "Ann's page to show Xan at rest off screen" });
      const now = (await snapshot(page)).camera!;
      expect(Math.hypot(now.x - cam.x, now.y - cam.y)).toBeLessThan(0.5);
      expect(now.zoom).toBe(cam.zoom);
      const png = await saveScreenshot(page, side > 0 ? "ui-arrow-right" : "ui-arrow-left");
      return { image: decodePng(png), at };
    };
    // Xan starts on the side where the previous step left him (no swim across and back).
    const xanNow = xan!.tadpole(xan!.id);
    const firstSide: 1 | -1 = xanNow && xanNow.x < cam.x ? -1 : 1;
    const first = await shotWithXan(firstSide);
    const second = await shotWithXan(firstSide === 1 ? -1 : 1);
    const [right, left] = firstSide === 1 ? [first, second] : [second, first];
    expect(right.at.x - cam.x).toBeGreaterThan(W / 2 / cam.zoom + 100);
    expect(cam.x - left.at.x).toBeGreaterThan(W / 2 / cam.zoom + 100);

    // The arrow: at the right edge while Xan was to the right, at the left edge while to the left.
    for (const [shot, other, label] of [[right, left, "right"], [left, right, "left"]] as const) {
      const tip = edgePoint((shot.at.x - cam.x) * cam.zoom, (shot.at.y - cam.y) * cam.zoom, 18);
      const box = around(tip.x, tip.y, 64);
      const arrow = brighter(shot.image, other.image, box, 25);
      expect(arrow.count, `arrow pixels at the ${label} edge`).toBeGreaterThanOrEqual(15);
      // Near the edge on Xan's side, and level with him.
      expect(Math.abs(arrow.y - tip.y), `${label} arrow's height`).toBeLessThan(20);
      expect(label === "right" ? W - arrow.x : arrow.x, `${label} arrow's distance from the edge`).toBeLessThan(48);
    }
    // Nothing else changed along the edges: below the arrows, the same water in both shots.
    for (const control of [around(W - 30, H / 2 + 180, 60), around(30, H / 2 + 180, 60), around(W / 2, H - 100, 60)]) {
      expect(brighter(right.image, left.image, control, 25).count + brighter(left.image, right.image, control, 25).count).toBeLessThan(5);
    }

    // The mini-map: a dot where Xan is in each shot, not where he is in the other.
    for (const [shot, other, label] of [[right, left, "right"], [left, right, "left"]] as const) {
      const dot = toMap(shot.at);
      const lit = brighter(shot.image, other.image, around(dot.x, dot.y, 8), 20);
      expect(lit.count, `Xan's dot on the mini-map (${label})`).toBeGreaterThanOrEqual(2);
      expect(Math.hypot(lit.x - dot.x, lit.y - dot.y)).toBeLessThan(3);
      // Inside the mini-map's panel.
      expect(dot.x).toBeGreaterThan(map.left);
      expect(dot.x).toBeLessThan(map.left + map.size);
    }
    await page.emulateMedia({ reducedMotion: null });
  }, 180_000);

  it("the button turns sound off again; turned on, it is remembered across a reload and starts with the first press", async () => {
    const { page } = ann;
    const button = page.locator(".sound-button");
    await button.click();
    expect(await button.getAttribute("aria-pressed")).toBe("false");
    await waitFor(() => audio(page, (a) => a.contexts()).then((c) => c.every((x) => x.state === "suspended")), { timeoutMs: 10_000, message: "the audio to stop" });
    expect(await page.evaluate(() => localStorage.getItem("tadpole-pond.sound"))).toBe("off");

    await button.click();
    await waitFor(() => audio(page, (a) => a.contexts()).then((c) => c.length === 1 && c[0].state === "running"), { timeoutMs: 10_000, message: "the audio to start again" });
    await page.reload({ waitUntil: "load", timeout: 45_000 });
    await waitForPond(page, (s) => s.connected && s.pose !== undefined, "Ann back after the reload", 45_000);
    expect(await page.locator(".sound-button").getAttribute("aria-pressed")).toBe("true");
    // Browsers start audio only from a gesture: nothing until the player does something.
    expect(await audio(page, (a) => a.contexts().filter((c) => c.state === "running").length)).toBe(0);
    await page.mouse.click(W / 2 + 150, H / 2 + 100);
    await waitFor(() => audio(page, (a) => a.contexts()).then((c) => c.some((x) => x.state === "running")), { timeoutMs: 10_000, message: "the first press to start the sound" });
    await waitFor(() => audio(page, (a) => a.level()).then((l) => l > 0.003), { timeoutMs: 10_000, message: "the water to be heard after the reload" });
    expect(ann.watch.unexpected()).toEqual([]);
  }, 90_000);

  it("no console errors, uncaught exceptions or dialogs on Ann's page all along", async () => {
    expect(ann.watch.unexpected()).toEqual([]);
    expect(ann.watch.dialogs).toEqual([]);
    // Ann's steps are over: her page (drawn in software) and Xan leave, so the phone below has the machine.
    await annContext.close();
    await closeAll([xan]);
    xan = undefined;
  });

  it("on a phone, sound is off too: the button shows it, and touching the pond starts none", async () => {
    const context = await chromium!.newContext(PHONE);
    await context.addInitScript(trackAudio);
    const page = await context.newPage();
    await page.goto(`${server!.httpUrl}/?name=Pip`, { waitUntil: "load", timeout: 45_000 });
    const button = page.locator(".sound-button");
    await button.waitFor({ state: "visible", timeout: 30_000 });
    expect(await button.getAttribute("aria-pressed")).toBe("false");
    // A finger-sized target, on the screen.
    const box = (await button.boundingBox())!;
    expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(36);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.viewport!.width);
    await page.touchscreen.tap(PHONE.viewport!.width / 2, PHONE.viewport!.height / 2 + 150);
    // The tap's handlers have run by now (a default-on sound would have made its context in them).
    expect(await audio(page, (a) => a.contexts())).toEqual([]);
    await saveScreenshot(page, "ui-phone-sound");
    await context.close();
  }, 90_000);
});

