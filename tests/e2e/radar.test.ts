import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { radarCellCentre, radarCellOf } from "../../shared/radar.ts";
import { closeAll, PondProbe } from "../helpers/pondClient.ts";
import type { ServerProcess } from "../../kit/server.ts";
import { waitFor } from "../../kit/waitFor.ts";
import { park, type Point } from "../interest/support/swim.ts";
import { DESKTOP, launchBrowser, type LaunchedBrowser } from "../../kit/browser/launch.ts";
import { decodePng, type Image } from "../../kit/browser/png.ts";
import { openPond, saveScreenshot, snapshot, waitForPond, type OpenedPond } from "../../kit/browser/pond.ts";
import { copyBuiltClient, startGameServer, type ClientCopy } from "../../kit/browser/builtClient.ts";

/**
 * The radar in a real (headless) Chromium against the real server process: a tadpole far
 * outside the page's view, which its position stream never carries, still shows on the
 * mini-map (a warm cell where it is) and gets a crowd arrow on the screen's rim pointing at it.
 * The server runs with a small view radius (400) so the far tadpole needs only a short swim;
 * the radar itself covers the whole pond whatever the radius.
 */
const VIEW_RADIUS = 400;

let server: ServerProcess | undefined;
let chromium: LaunchedBrowser | undefined;
let client: ClientCopy | undefined;
let context: BrowserContext | undefined;
let viewer: OpenedPond;
const probes: PondProbe[] = [];

beforeAll(async () => {
  client = await copyBuiltClient();
  server = await startGameServer({ clientDir: client.dir, env: { VIEW_RADIUS: String(VIEW_RADIUS), MAX_CONNECTIONS_PER_IP: "100" } });
  chromium = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await closeAll(probes);
  await chromium?.close();
  await server?.stop();
  client?.remove();
}, 60_000);

type RadarHook = ReturnType<NonNullable<Window["__pond"]>["radar"]>;
interface RadarState {
  radar: RadarHook;
  arrows: Array<{ x: number; y: number; angle: number; count: number }>;
  map: { left: number; top: number; size: number; pad: number };
  count: number;
  camera: { x: number; y: number; zoom: number } | undefined;
}

/** The radar as the page holds it, the crowd arrows it drew this frame and where its mini-map is: one round trip. */
function radarState(page: Page): Promise<RadarState> {
  return page.evaluate(() => {
    const pond = window.__pond!;
    return { radar: pond.radar(), arrows: pond.crowdArrows(), map: pond.miniMap(), count: pond.tadpoleCount(), camera: pond.camera() };
  });
}

/** Pixels in a CSS-px rectangle of a DPR-1 screenshot that are clearly warm (the radar's amber), not the pond's blues and whites. */
function warmPixels(image: Image, x: number, y: number, width: number, height: number): number {
  let warm = 0;
  for (let row = Math.max(0, Math.floor(y)); row < Math.min(image.height, Math.ceil(y + height)); row++) {
    for (let col = Math.max(0, Math.floor(x)); col < Math.min(image.width, Math.ceil(x + width)); col++) {
      const i = (row * image.width + col) * 4;
      const r = image.data[i], b = image.data[i + 2];
      if (r > 80 && r - b > 25) warm++;
    }
  }
  return warm;
}

describe("the radar on the page", () => {
  it("a tadpole far outside the view shows on the mini-map and gets an edge arrow", async () => {
    context = await chromium!.newContext(DESKTOP);
    viewer = await openPond(context, server!.httpUrl, "Viewer");
    const far = await PondProbe.join(server!.wsUrl, { name: "Faraway", timeoutMs: 20_000 });
    probes.push(far);
    const me = (await waitForPond(viewer.page, (s) => s.pose !== undefined && s.pose.speed < 1, "our tadpole at rest")).pose!;

    // Near: the page holds it, so after the next radar nothing is far and no crowd arrow is drawn.
    await waitForPond(viewer.page, (s) => s.count === 2, "the page to hold Faraway while it is near");
    const before = (await radarState(viewer.page)).radar.received;
    const near = await waitFor(async () => {
      const state = await radarState(viewer.page);
      return state.radar.received >= before + 2 ? state : undefined;
    }, { timeoutMs: 10_000, intervalMs: 100, message: "two radars while Faraway is near" });
    expect(near.radar.total).toBe(2);
    expect(near.radar.farTotal).toBe(0);
    expect(near.arrows).toEqual([]);

    // Far: well beyond the leave radius (460) and off the screen, to the west.
    const target: Point = { x: me.x - 820, y: me.y + 100 };
    await park(far, target, () => far.conn.self, { still: true, timeoutMs: 30_000, tolerance: 30 });
    const where = { x: far.conn.self!.x, y: far.conn.self!.y };
    await waitForPond(viewer.page, (s) => s.count === 1, "the page to let go of Faraway (out of its view)");

    const seen = await waitFor(async () => {
      const state = await radarState(viewer.page);
      if (state.radar.cols === 0) return undefined;
      const cell = radarCellOf(state.radar.cols, where.x, where.y);
      const counted = state.radar.far.find((c) => c.cell === cell)?.count === 1;
      return counted && state.radar.farTotal === 1 && state.arrows.length === 1 ? { state, cell } : undefined;
    }, { timeoutMs: 10_000, intervalMs: 100, message: "the radar to show Faraway far away, with one crowd arrow", describe: () => where });
    const { state, cell } = seen;
    expect(state.radar.total).toBe(2);
    expect(state.count).toBe(1); // the page holds only itself: Faraway is known from the radar alone

    // The crowd arrow points at Faraway's cell from the camera, says 1, and sits on the screen's left rim.
    const arrow = state.arrows[0];
    expect(arrow.count).toBe(1);
    const centre = radarCellCentre(state.radar.cols, cell, { x: 0, y: 0 });
    const camera = state.camera!;
    const expected = Math.atan2(centre.y - camera.y, centre.x - camera.x);
    expect(Math.abs(Math.atan2(Math.sin(arrow.angle - expected), Math.cos(arrow.angle - expected)))).toBeLessThan(0.05);
    expect(arrow.x).toBeLessThan(80);

    // On the page's pixels: Faraway's cell of the mini-map is shaded warm, the opposite cell is not;
    // the arrow is drawn where the page says.
    const png = await saveScreenshot(viewer.page, "radar");
    const image = decodePng(png);
    const after = await radarState(viewer.page);
    expect(after.radar.far.map((c) => c.cell)).toEqual([cell]);
    const { left, top, size, pad } = after.map;
    const cols = after.radar.cols;
    const side = (size - 2 * pad) / cols;
    const cellRect = (gx: number, gy: number) => [left + pad + gx * side + 0.5, top + pad + gy * side + 0.5, side - 1, side - 1] as const;
    const gx = cell % cols;
    const gy = (cell - gx) / cols;
    const shaded = warmPixels(image, ...cellRect(gx, gy));
    const mirrored = warmPixels(image, ...cellRect(cols - 1 - gx, cols - 1 - gy));
    expect(shaded, `warm pixels in Faraway's mini-map cell (${gx}, ${gy})`).toBeGreaterThanOrEqual(2);
    expect(mirrored).toBe(0);
    // Nowhere else on the mini-map is warm: one far tadpole, one cell.
    expect(warmPixels(image, left, top, size, size)).toBeLessThanOrEqual(shaded + 8);

    const tip = after.arrows[0];
    expect(tip).toBeDefined();
    const box = 28;
    const ux = Math.cos(tip.angle), uy = Math.sin(tip.angle);
    const arrowPixels = warmPixels(image, tip.x - ux * 14 - box / 2, tip.y - uy * 14 - box / 2, box, box);
    expect(arrowPixels, "warm pixels of the crowd arrow").toBeGreaterThan(12);
    // The mirror image of the arrow's place (the right rim) has none.
    const vw = image.width;
    expect(warmPixels(image, vw - (tip.x - ux * 14) - box / 2, tip.y - uy * 14 - box / 2, box, box)).toBe(0);

    expect((await snapshot(viewer.page)).connected).toBe(true);
    expect(viewer.watch.unexpected()).toEqual([]);
  });
});
