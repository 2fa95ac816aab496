import type { ChatBroadcast, Notice } from "../../shared/protocol.ts";
import type { PondConnection } from "./PondConnection.ts";
import type { PondSessionEvents, SessionStatus, StatusDetail } from "./PondSession.ts";
import type { PondTadpole } from "./tadpoles.ts";

/** What the page hears from the pond, whichever session or connection it comes through. */
export interface PondFeedEvents {
  /** The session's status changed (the newest session's only). */
  status(status: SessionStatus, detail: StatusDetail): void;
  /**
   * The connection to draw and read from now: a join, a move, a completed reconnect (the same
   * connection again) or none (a new session starting, moving, offline).
   */
  connection(connection: PondConnection | undefined): void;
  /** A (new) pond: the first join, and every move. `previous` is undefined on the first. */
  pondChanged(roomId: string, previous: string | undefined): void;
  /** A tadpole came into view (or ours appeared); `id` is its session id. */
  add(id: string, tadpole: PondTadpole): void;
  remove(id: string, tadpole: PondTadpole): void;
  chat(line: ChatBroadcast): void;
  notice(notice: Notice): void;
  /** Our own tadpole's name as the server holds it: on joining and whenever the server's copy changes. */
  ownName(name: string): void;
}

type Listeners = { [K in keyof PondFeedEvents]: Array<PondFeedEvents[K]> };

/**
 * The page's one event source for the pond. The UI and the scene subscribe once, at boot; each
 * new session is wired to it through {@link retarget}, and from then on only that session's
 * reports get through (a closing one may still report: it is not heard). A session hands the
 * same events object to each of its connections, so nothing in between forwards.
 */
export class PondFeed {
  private readonly listeners: Listeners = {
    status: [], connection: [], pondChanged: [], add: [], remove: [], chat: [], notice: [], ownName: [],
  };
  private target: PondSessionEvents | undefined;

  /** Calls `listener` on every `event` from now on; returns the unsubscribe. */
  on<K extends keyof PondFeedEvents>(event: K, listener: PondFeedEvents[K]): () => void {
    const list = this.listeners[event] as Array<PondFeedEvents[K]>;
    list.push(listener);
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /**
   * The events for a new session (pass them to `new PondSession(options, events)`): the reports
   * of every earlier session are dropped from now on, and the page is told there is no
   * connection until this one joins. `current` reads the session's live connection.
   */
  retarget(current: () => PondConnection | undefined): PondSessionEvents {
    /** Passes `event` on while these events are the target. */
    const pass = <K extends keyof PondFeedEvents>(event: K) => (...args: Parameters<PondFeedEvents[K]>): void => {
      if (this.target === events) this.emit(event, ...args);
    };
    const events: PondSessionEvents = {
      onStatus: (status, detail) => {
        if (this.target !== events) return;
        this.emit("status", status, detail);
        // A reconnect keeps the connection (and every tadpole with it); a join brings a new one.
        if (status === "connected") this.emit("connection", current());
        else if (status === "moving" || status === "offline") this.emit("connection", undefined);
      },
      onConnection: pass("connection"),
      onPondChanged: pass("pondChanged"),
      onAdd: pass("add"),
      onRemove: pass("remove"),
      onChat: pass("chat"),
      onNotice: pass("notice"),
      onOwnName: pass("ownName"),
    };
    this.target = events;
    this.emit("connection", undefined);
    return events;
  }

  /** Drops every report from the current session (it is leaving for good). */
  detach(): void {
    this.target = undefined;
  }

  private emit<K extends keyof PondFeedEvents>(event: K, ...args: Parameters<PondFeedEvents[K]>): void {
    const list = this.listeners[event] as Array<(...a: Parameters<PondFeedEvents[K]>) => void>;
    for (let i = 0; i < list.length; i++) list[i](...args);
  }
}
