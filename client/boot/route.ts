import { pondHash, pondIdFromHash } from "../net/PondSession.ts";

/**
 * The page's address and the pond: `/#/pond/<id>` links to a pond. Joining one shows it in the
 * address bar; a link pasted or clicked while playing moves there.
 */

/** The pond the address links to, if any. */
export function linkedPond(): string | undefined {
  return pondIdFromHash(location.hash);
}

/** The address bar now links to `roomId` (no reload, no history entry): share it as is. */
export function showPondInAddress(roomId: string): void {
  if (linkedPond() !== roomId) history.replaceState(history.state, "", pondHash(roomId));
}

/** The full link to pond `roomId`. */
export function pondLink(roomId: string): string {
  return `${location.origin}${location.pathname}${pondHash(roomId)}`;
}

/** Calls `go` with the pond of a `#/pond/<id>` link followed while on the page. (Our own replaceState does not fire hashchange.) */
export function onPondLink(go: (roomId: string) => void): void {
  window.addEventListener("hashchange", () => {
    const roomId = linkedPond();
    if (roomId !== undefined) go(roomId);
  });
}

/** The WebSocket endpoint on the page's own origin (the server serves the page and the socket together). */
export function serverUrl(): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`;
}
