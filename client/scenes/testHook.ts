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
