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
 */
export interface PondTestHook {
  sessionId(): string | undefined;
  selfPose(): { x: number; y: number; angle: number; speed: number } | undefined;
  tadpoleCount(): number;
  names(): string[];
  bubbles(): string[];
  draft(): string | undefined;
  camera(): { x: number; y: number; zoom: number; baseZoom: number; reducedMotion: boolean };
  waterHue(): number;
  connected(): boolean;
  pondId(): string | undefined;
  status(): string;
}

declare global {
  interface Window {
    __pond?: PondTestHook;
  }
}

export function installTestHook(hook: PondTestHook): void {
  Object.defineProperty(window, "__pond", { value: Object.freeze(hook), configurable: true, enumerable: false, writable: false });
}
