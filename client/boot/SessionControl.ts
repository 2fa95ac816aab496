import { PondFeed } from "../net/PondFeed.ts";
import { PondSession, type SessionStatus } from "../net/PondSession.ts";
import { BROWSER_RECONNECTION } from "../net/tuning.ts";
import type { PlayerName } from "./PlayerName.ts";
import { linkedPond, serverUrl } from "./route.ts";

/**
 * The page's session: one PondSession at a time (client/net/PondSession.ts, shared with the
 * bots, rides out network blips and moves us to another pond when ours closes). Starting another
 * one (a pond from the list or a link, "join again") leaves the current pond for good; the feed
 * hears only the newest session.
 */
export class SessionControl {
  private session: PondSession | undefined;
  /** The pond the player asked for (link, list), until joined: to tell them if they landed elsewhere. */
  private requested: string | undefined;
  private everConnected = false;
  /** Whether the page has started joining (the scene is up). */
  private started = false;

  constructor(private readonly feed: PondFeed, private readonly name: PlayerName) {
    feed.on("status", (status) => {
      if (status === "connected") this.everConnected = true;
    });
    // Leaving the page (a reload, a closed tab, another site) leaves the pond: the tadpole and its
    // name go at once, rather than waiting out the reconnection grace of a dropped connection, so
    // a reload finds its own name free (not "Pollywog 37 2" beside its own fading tadpole). A page
    // brought back from the back/forward cache joins again.
    window.addEventListener("pagehide", () => this.leave());
    window.addEventListener("pageshow", (e) => {
      if (e.persisted && this.started && this.session === undefined) this.start(linkedPond());
    });
  }

  /**
   * A fresh session, joining `roomId` if given (PondSession falls back to any pond when that one
   * is gone or full). The previous session, if any, leaves its pond for good.
   */
  start(roomId: string | undefined): void {
    this.started = true;
    const previous = this.session;
    this.session = undefined;
    // From here on the feed hears the new session only: the closing one may still report.
    const events = this.feed.retarget(() => session.connection);
    if (previous) void previous.close().catch(() => undefined);
    this.requested = roomId;
    const session: PondSession = new PondSession(
      {
        url: serverUrl(),
        name: this.name.current,
        roomId,
        // `?lag=150&jitter=30&loss=5%` in the page URL simulates a worse network (net/netsim.ts).
        connection: { netsimQuery: location.search },
        reconnection: BROWSER_RECONNECTION,
      },
      events,
    );
    this.session = session;
    // Rejects only when the session is closed (a newer one replaced it) or gives up, which the
    // status already shows.
    session.start().catch(() => undefined);
  }

  /** Join `roomId` now (from the list or a changed link), unless we are already there or on our way. */
  switchTo(roomId: string): void {
    if (!this.started) return;
    const s = this.session;
    if (s && (s.roomId === roomId || (s.roomId === undefined && this.requested === roomId && s.status === "connecting"))) return;
    this.start(roomId);
  }

  /** Leaves the pond for good (the page is going away). */
  leave(): void {
    const leaving = this.session;
    this.session = undefined;
    this.feed.detach();
    void leaving?.close().catch(() => undefined);
  }

  rename(name: string): void {
    this.session?.rename(name);
  }

  /** Says `text` in the pond; false when not connected. */
  say(text: string): boolean {
    const connection = this.connected ? this.session?.connection : undefined;
    connection?.say(text);
    return connection !== undefined;
  }

  /** Up and in a pond: not while joining, reconnecting (the socket is down), moving or offline. */
  get connected(): boolean {
    return this.session?.status === "connected" && this.session.connection !== undefined;
  }

  get status(): SessionStatus {
    return this.session?.status ?? "offline";
  }

  get roomId(): string | undefined {
    return this.session?.roomId;
  }

  /** Joins attempted and failed so far in this session (a slow join says "can't reach"). */
  get failedAttempts(): number {
    return this.session?.counts.failedAttempts ?? 0;
  }

  get hasConnected(): boolean {
    return this.everConnected;
  }

  /** The pond asked for, once, as it is joined: undefined if none was asked for. */
  takeRequested(): string | undefined {
    const asked = this.requested;
    this.requested = undefined;
    return asked;
  }
}
