import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CDPSession } from "playwright-core";
import { closeAll, plainTadpole, PondProbe } from "../helpers/pondClient.ts";
import type { ServerProcess } from "../../kit/server.ts";
import { waitFor } from "../../kit/waitFor.ts";
import { launchBrowser, PHONE, type LaunchedBrowser } from "../../kit/browser/launch.ts";
import { angleDiff, openPond, saveScreenshot, screenshotStats, snapshot, waitForPond, type OpenedPond } from "../../kit/browser/pond.ts";
import { copyBuiltClient, startGameServer, type ClientCopy } from "../../kit/browser/builtClient.ts";

/**
 * A phone: 390x844 CSS px at DPR 3, mobile emulation, touch only. The player swims by holding
 * a finger on the pond and chats through the chat button (a phone's keyboard only comes up for
 * a focused field). Another player, headless in this process, checks what reaches the pond.
 */
let server: ServerProcess | undefined;
let chromium: LaunchedBrowser | undefined;
let client: ClientCopy | undefined;
let friend: PondProbe | undefined;
let phone: OpenedPond;
let cdp: CDPSession;

const W = PHONE.viewport!.width;
const H = PHONE.viewport!.height;

beforeAll(async () => {
  client = await copyBuiltClient();
  server = await startGameServer({ clientDir: client.dir });
  chromium = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await closeAll([friend]);
  await chromium?.close();
  await server?.stop();
  client?.remove();
}, 60_000);

/** Puts one finger down at (x, y) CSS px, or moves it there. */
async function finger(type: "touchStart" | "touchMove", x: number, y: number): Promise<void> {
  await cdp.send("Input.dispatchTouchEvent", { type, touchPoints: [{ x, y, id: 1, radiusX: 4, radiusY: 4, force: 1 }] });
}

async function lift(): Promise<void> {
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
}

/** Steers a probe to within 60 units of (x, y), then lets it coast. */
async function swimTo(probe: PondProbe, x: number, y: number): Promise<void> {
  const steer = setInterval(() => {
    const t = probe.tadpole(probe.id);
    if (!t) return;
    const d = Math.hypot(x - t.x, y - t.y);
    probe.steer.angle = (Math.atan2(y - t.y, x - t.x) + Math.PI * 2) % (Math.PI * 2);
    probe.steer.thrust = d < 30 ? 0 : Math.min(1, d / 150);
  }, 50);
  probe.drive();
  try {
    await waitFor(() => {
      const t = probe.tadpole(probe.id);
      return t && Math.hypot(x - t.x, y - t.y) < 60;
    }, { timeoutMs: 30_000, intervalMs: 50, message: `${probe.id} to swim to (${x}, ${y})`, describe: () => plainTadpole(probe.tadpole(probe.id)) });
  } finally {
    clearInterval(steer);
    probe.steer.thrust = 0;
  }
}

describe("phone: touch to swim, chat button to talk", () => {
  it("loads at phone size with crisp DPR-3 rendering and no console errors", async () => {
    const context = await chromium!.newContext(PHONE);
    phone = await openPond(context, server!.httpUrl, "Pip");
    cdp = await context.newCDPSession(phone.page);
    const screen = await phone.page.evaluate(() => {
      const canvas = document.querySelector("#game canvas") as HTMLCanvasElement;
      return { w: innerWidth, h: innerHeight, dpr: devicePixelRatio, canvasW: canvas.width, canvasH: canvas.height, coarse: matchMedia("(pointer: coarse)").matches };
    });
    expect(screen).toMatchObject({ w: W, h: H, dpr: 3, coarse: true });
    // The canvas holds device pixels: CSS size x DPR (Viewport.ts), so nothing is upscaled.
    expect(screen.canvasW).toBe(W * 3);
    expect(screen.canvasH).toBe(H * 3);
    // The chat button is a finger-sized target on a touch screen.
    const button = await phone.page.locator(".chat-button").boundingBox();
    expect(button).not.toBeNull();
    expect(Math.min(button!.width, button!.height)).toBeGreaterThanOrEqual(44);
    expect(button!.x + button!.width).toBeLessThanOrEqual(W);
    expect(button!.y + button!.height).toBeLessThanOrEqual(H);
    const png = await saveScreenshot(phone.page, "phone");
    expect(screenshotStats(png).distinctColors).toBeGreaterThan(30);
    expect(phone.watch.unexpected()).toEqual([]);
  }, 90_000);

  it("holding a finger on the pond swims toward it; sliding it turns the tadpole", async () => {
    friend = await PondProbe.join(server!.wsUrl, { name: "Friend" });
    const start = (await snapshot(phone.page)).pose!;
    const cx = W / 2;
    const cy = H / 2;

    // Finger above the tadpole: it swims up (-y).
    await finger("touchStart", cx, cy - 250);
    // (The heading is checked once it has settled: on a slow page the camera, and so the
    // tadpole's place on screen relative to the finger, lags behind the swim.)
    const up = await waitForPond(phone.page, (s) => s.pose !== undefined && start.y - s.pose.y > 120
      && Math.abs(angleDiff(s.pose.angle, -Math.PI / 2)) < 0.35, "the tadpole to swim 120 units up, heading up", 30_000);
    expect(Math.abs(up.pose!.x - start.x)).toBeLessThan(start.y - up.pose!.y);

    // Slide the finger to the left: it turns and swims left (-x).
    await finger("touchMove", cx - 170, cy);
    await waitForPond(phone.page, (s) => s.pose !== undefined && up.pose!.x - s.pose.x > 100
      && Math.abs(angleDiff(s.pose.angle, Math.PI)) < 0.35, "the tadpole to swim 100 units left, heading left", 30_000);
    await lift();
    await waitForPond(phone.page, (s) => s.pose !== undefined && s.pose.speed < 2, "the tadpole to coast to a stop after the finger lifts", 30_000);

    // The server moved it, not just the page: another player sees it where the phone draws it.
    const here = (await snapshot(phone.page)).pose!;
    const id = (await snapshot(phone.page)).sessionId!;
    await waitFor(() => {
      const t = friend!.tadpole(id);
      return t && Math.hypot(t.x - here.x, t.y - here.y) < 10;
    }, { timeoutMs: 15_000, message: "the friend to see the phone's tadpole where the phone draws it", describe: () => [plainTadpole(friend!.tadpole(id)), here] });
  }, 120_000);

  it("the chat button opens the chat; the line reaches the pond and shows in a bubble", async () => {
    const { page } = phone;
    await page.locator(".chat-button").tap({ timeout: 15_000 });
    const input = page.locator("form.chat input");
    await input.waitFor({ state: "visible", timeout: 15_000 });
    await waitFor(() => input.evaluate((el) => el === document.activeElement), { timeoutMs: 10_000, message: "the chat input to take focus" });
    // The input is wide enough to type in and sits above the bottom edge.
    const box = (await input.boundingBox())!;
    expect(box.width).toBeGreaterThan(W * 0.7);
    expect(box.y + box.height).toBeLessThanOrEqual(H);

    // Long enough that its bubble (4 s + 60 ms a character) outlives a slow check.
    const line = "typed on a phone 📱 with a thumb, slowly, in the dark pond";
    await page.keyboard.insertText(line);
    // The phone keyboard's "send" key submits the form, like Enter.
    await page.keyboard.press("Enter");
    const id = (await snapshot(page)).sessionId!;
    const [heard] = await Promise.all([
      friend!.waitForChat((l) => l.id === id, { timeoutMs: 15_000 }),
      waitForPond(page, (s) => s.bubbles.includes(line), "the phone's own bubble", 15_000),
    ]);
    expect(heard.text).toBe(line);
    await saveScreenshot(page, "phone-chat-own");
    await page.locator("form.chat").waitFor({ state: "hidden", timeout: 10_000 });

    // And the other way: the friend swims over (bubbles show only on screen) and says hi.
    const here = (await snapshot(page)).pose!;
    await swimTo(friend!, here.x + 60, here.y - 40);
    const hello = "hi Pip! swim over here, the water is fine tonight";
    friend!.conn.say(hello);
    await waitForPond(page, (s) => s.bubbles.includes(hello), "the friend's line on the phone", 15_000);
    await saveScreenshot(page, "phone-chat");
    expect(phone.watch.unexpected()).toEqual([]);
    expect(phone.watch.dialogs).toEqual([]);
  }, 90_000);

  it("a tap on the pond closes the keyboard but keeps the line being typed; the chat button brings it back", async () => {
    const { page } = phone;
    const input = page.locator("form.chat input");
    await page.locator(".chat-button").tap({ timeout: 15_000 });
    await waitFor(() => input.evaluate((el) => el === document.activeElement), { timeoutMs: 10_000, message: "the chat input to take focus" });
    await page.keyboard.insertText("half a thought");
    await waitForPond(page, (s) => s.draft === "half a thought", "the words in the chat line");

    // A tap on the pond, away from everything: the field loses the focus (the phone's keyboard
    // goes away), the line stays with its words.
    await finger("touchStart", W / 2 - 100, H / 2 + 150);
    await lift();
    await waitFor(() => input.evaluate((el) => el !== document.activeElement), { timeoutMs: 10_000, message: "the tap to take the focus from the chat line" });
    expect((await snapshot(page)).draft).toBe("half a thought");
    expect(await page.locator("form.chat").isVisible()).toBe(true);

    // The chat button brings the line back with its words; finishing and sending sends them all.
    await page.locator(".chat-button").tap({ timeout: 15_000 });
    await waitFor(() => input.evaluate((el) => el === document.activeElement), { timeoutMs: 10_000, message: "the chat input to take focus again" });
    expect(await input.inputValue()).toBe("half a thought");
    await page.keyboard.insertText(", finished on the phone");
    await page.keyboard.press("Enter");
    const id = (await snapshot(page)).sessionId!;
    const heard = await friend!.waitForChat((l) => l.id === id && l.text.startsWith("half a thought"), { timeoutMs: 15_000 });
    expect(heard.text).toBe("half a thought, finished on the phone");
    await page.locator("form.chat").waitFor({ state: "hidden", timeout: 10_000 });
    expect(phone.watch.unexpected()).toEqual([]);
  }, 90_000);
});
