/**
 * The end-to-end test surface: browser tests read the game through `window.__pond` and nothing
 * else, so rendering internals can change freely. Read-only: every call returns fresh values
 * and nothing here can steer, chat or otherwise change the game.
 *
 * - sessionId(): our session id, undefined while not connected
 * - selfPose(): our tadpole's drawn pose {x, y, angle, speed}, undefined until it exists
 * - tadpoleCount(): tadpoles this client knows of (ours included)
 * - names(): their names
 * - bubbles(): texts of the chat lines in bubbles now on screen
 * - draft(): the text in the chat line while it is open ("" when open and empty), undefined
 *   while it is closed
 * - camera(): the world camera as drawn this frame: {x, y} the world point at the screen centre,
 *   `zoom` CSS px per world unit, `baseZoom` the screen's zoom before breathing with speed
 *   (Viewport.viewZoom), `reducedMotion` whether the page honours prefers-reduced-motion now
 * - waterHue(): the water's hue now shown (the CSS --water-hue on #game), degrees in [0, 360)
 * - connected(): whether the pond connection is up (false while joining, reconnecting, moving
 *   or offline)
 * - pondId(): the room id of the pond we are in, undefined while not connected
 * - status(): the session's status: "connecting" | "connected" | "reconnecting" | "moving" | "offline"
 * - radar(): the radar as last received (once a second, the whole pond): `received` how many so
 *   far, `cols` its grid's width, `total` tadpoles in the pond, `farTotal` and `far` (per cell
 *   index, row-major from the pond's top-left) the ones this page does not otherwise see
 * - crowdArrows(): the arrows toward far crowds drawn this frame: tip {x, y} in CSS px, `angle`
 *   (radians, y down) and `count` (the label)
 * - miniMap(): where the mini-map is drawn, CSS px: panel corner {left, top}, side `size`, and
 *   `pad`, the inset of the pond's square inside the panel
 * - look(id): tadpole `id` (a session id) as drawn this frame: world position {x, y}, speed,
 *   `alpha` its head is drawn with (1, less while idle or away), `drawn` whether it is on screen
 *   (with a margin), `idle` whether the pond has it idle, `level` how grown it is (0..20), `size`
 *   how large it is drawn (1 at level 0, easing toward its level's) and `stage` ("tadpole", "legs"
 *   or "frog"); undefined when this page has no such tadpole
 * - food(): the specks of food drawn now: `count`, and each one's id and world position {x, y}
 * - leaderboard(): the lines the leaderboard shows now ("1. Ann, 12"), the empty board's hint included
 */
import type { Pose } from "../../shared/pose.ts";
export interface PondTestHook {
  sessionId(): string | undefined;
  selfPose(): Pose | undefined;
  tadpoleCount(): number;
  names(): string[];
  bubbles(): string[];
  draft(): string | undefined;
  camera(): { x: number; y: number; zoom: number; baseZoom: number; reducedMotion: boolean };
  waterHue(): number;
  connected(): boolean;
  pondId(): string | undefined;
  status(): string;
  radar(): { received: number; cols: number; total: number; farTotal: number; far: Array<{ cell: number; count: number }> };
  crowdArrows(): Array<{ x: number; y: number; angle: number; count: number }>;
  miniMap(): { left: number; top: number; size: number; pad: number };
  look(id: string): { x: number; y: number; speed: number; alpha: number; drawn: boolean; idle: boolean; level: number; size: number; stage: string } | undefined;
  food(): { count: number; specks: Array<{ id: number; x: number; y: number }> };
  leaderboard(): string[];
}

declare global {
  interface Window {
    __pond?: PondTestHook;
  }
}

export function installTestHook(hook: PondTestHook): void {
  Object.defineProperty(window, "__pond", { value: Object.freeze(hook), configurable: true, enumerable: false, writable: false });
}
