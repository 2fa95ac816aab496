import { CLOSE_CONNECTED_ELSEWHERE, CLOSE_FLOODING, CLOSE_IDLE, CLOSE_INVALID_INPUT, idleSecondsIn } from "../../shared/protocol.ts";
import { t } from "../i18n/index.ts";
import type { PondFeed } from "../net/PondFeed.ts";
import type { SessionStatus, StatusDetail } from "../net/PondSession.ts";
import type { ConnectionBanner } from "../ui/ConnectionBanner.ts";
import { shortPondId, type PondPanel } from "../ui/PondPanel.ts";
import { dismissSplash } from "../ui/splash.ts";
import { linkedPond, showPondInAddress } from "./route.ts";
import type { SessionControl } from "./SessionControl.ts";

/**
 * Shows what the session reports: its status on the pond panel and the banner ("Reconnecting…",
 * "Moving to another pond…", why it went offline, with a button to join again), the loading
 * screen's end, and the pond we are in (the panel, the address bar, a note when it is not the
 * one asked for).
 */
export function showSessionStatus(feed: PondFeed, control: SessionControl, banner: ConnectionBanner, panel: PondPanel): void {
  let slowTimer: ReturnType<typeof setTimeout> | undefined;
  let slowPoll: ReturnType<typeof setInterval> | undefined;

  feed.on("connection", (connection) => {
    if (!connection) panel.setPond(undefined);
  });

  feed.on("status", (status: SessionStatus, detail: StatusDetail) => {
    clearTimeout(slowTimer);
    clearInterval(slowPoll);
    document.body.classList.toggle("pond-reconnecting", status === "reconnecting");
    panel.setStatus(status);
    // The loading screen stays while the first join is under way; anything else has a pond or a banner to show.
    if (status !== "connecting") dismissSplash();
    switch (status) {
      case "connected":
        banner.hide();
        break;
      case "connecting": {
        // Only mention a slow join; a quick one should not flash a banner.
        const say = (): void => banner.show(control.failedAttempts > 0 ? () => t().cantReach : () => t().joining);
        slowTimer = setTimeout(() => {
          // A slow join: the banner says why (and keeps saying), over the empty pond.
          dismissSplash();
          say();
          slowPoll = setInterval(say, 1000);
        }, 700);
        break;
      }
      case "reconnecting":
        // The SDK is re-attaching our socket: the pond stays on screen (dimmed), our tadpole waits.
        banner.show(() => t().reconnecting);
        break;
      case "moving":
        // Our pond is gone: the session joins another.
        banner.show(() => t().moving);
        break;
      case "offline":
        // CLOSE_IDLE: the seat was freed; swimming again is the player's choice, never automatic.
        banner.offline(
          () => offlineText(detail.code, detail.reason, control.hasConnected),
          () => (detail.code === CLOSE_IDLE ? t().swimAgain : t().joinAgain),
          () => control.start(linkedPond()),
        );
        break;
    }
  });

  feed.on("pondChanged", (roomId, from) => {
    panel.setPond(roomId);
    showPondInAddress(roomId);
    const asked = control.takeRequested();
    if (asked !== undefined && asked !== roomId) {
      banner.notify(() => t().pondClosedOrFull(shortPondId(asked), shortPondId(roomId)), 5000);
    } else if (from !== undefined) {
      banner.notify(() => t().pondClosed(shortPondId(roomId)), 5000);
    }
  });
}

function offlineText(code: number | undefined, reason: string | undefined, everConnected: boolean): string {
  const m = t();
  // CLOSE_IDLE: no steering and no chat for IDLE_TIMEOUT_SECONDS (the reason says how long).
  if (code === CLOSE_IDLE) return m.closedIdle(idleSecondsIn(reason));
  if (code === CLOSE_INVALID_INPUT) return m.closedInvalid;
  if (code === CLOSE_FLOODING) return m.closedFlooding;
  // CLOSE_CONNECTED_ELSEWHERE: this seat reconnected from another tab or device. The session does
  // not rejoin on it (it would take the seat back from that tab, which would take it back, ...).
  if (code === CLOSE_CONNECTED_ELSEWHERE) return m.closedElsewhere;
  if (!everConnected) return m.couldNotJoin;
  return m.disconnected;
}
