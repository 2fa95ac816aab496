/**
 * Everything the browser and the server agree on about the wire, in one place: message names
 * and payloads both ways, the join options, the notice and close codes, the pond listing and the
 * serializer id (docs/protocol.md says the same in prose). One file, not a folder: it is a list
 * of names and shapes with no logic, read top to bottom. Free of the validation library, so the
 * browser bundle does not carry it: the server parses what clients send (server/protocol/).
 *
 * Not here, though on the wire too: the input (shared/input.ts, a schema sent on Colyseus's
 * input channel, not a named message), the state (shared/state.ts), the position stream
 * (shared/stream/) and the radar's bytes (shared/radar.ts): each is a codec of its own.
 */

/**
 * The state serializer's id, agreed in the join handshake: the schema state plus the position
 * stream on every patch (server/rooms/PondSerializer.ts, client/net/streamSerializer.ts).
 */
export const POND_SERIALIZER_ID = "pond-stream-3";

// ---- Messages ----

export const MessageType = {
  /** Client -> server ChatRequest; server -> client ChatBroadcast. */
  chat: "chat",
  /** Client -> server NameRequest. */
  name: "name",
  /** Server -> client Notice. */
  notice: "notice",
  /** Server -> client, once a second: where everyone is, coarsely (binary; shared/radar.ts, docs/protocol.md). */
  radar: "radar",
  /**
   * Server -> client, just before a shutting-down process closes its pond (CLOSE_SERVER_SHUTDOWN):
   * a one-time token (CarryToken) the client hands back as the `carry` join option of its next
   * join, which brings its size along (server/rooms/handOff.ts, docs/protocol.md).
   */
  carry: "carry",
} as const;

/** Client -> server: a chat line to say (or `name: Bob`, a rename). */
export interface ChatRequest {
  text: string;
}

/** Client -> server: the name to swim under. */
export interface NameRequest {
  name: string;
}

/** Server -> client: a chat line from tadpole `id` (its sessionId). */
export interface ChatBroadcast {
  id: string;
  text: string;
}

/** Server -> client: the size token of a `carry` message (22 characters, base64url). */
export type CarryToken = string;

/** What a client may ask for when it joins (or rejoins) a pond. */
export interface JoinOptions {
  /** The name to swim under (sanitized and made distinct by the server). */
  name?: string;
  /** The token of the last `carry` message, to keep its size. */
  carry?: CarryToken;
}

export type NoticeCode = "chat_throttled" | "rename_throttled" | "name_taken";

/**
 * Server -> client: something only this client needs to know (e.g. it is sending too fast, or
 * the name it asked for looks like another player's and it was given "Alice 2"). Clients draw
 * these apart from chat, where no chat line can appear (client/ui/SystemNotices.ts).
 */
export interface Notice {
  code: NoticeCode;
  /** For the player, in English; clients may say it in their own words, by code. */
  text: string;
  /** `name_taken` only: the name asked for, and the numbered name given instead ("Alice 2"). */
  asked?: string;
  name?: string;
}

// ---- Close codes (application codes; Colyseus's own are 4000-4010) ----

/** Colyseus's CloseCode.SERVER_SHUTDOWN: the process is shutting down; join another pond. */
export const CLOSE_SERVER_SHUTDOWN = 4001;
/** A client that keeps sending messages we cannot use. */
export const CLOSE_INVALID_INPUT = 4400;
/** A socket that got no seat within SEATLESS_GRACE_SECONDS (server/sockets.ts): not a player's. */
export const CLOSE_NO_SEAT = 4408;
/**
 * A connection whose seat a reconnection from elsewhere took (the same player in another tab or
 * on another network, or someone replaying its token): a seat keeps one live socket. A client
 * must not reconnect on it: it would take the seat back, and so on in a loop.
 */
export const CLOSE_CONNECTED_ELSEWHERE = 4409;
/**
 * A player who did nothing (no steering, no swimming, no chat) for IDLE_TIMEOUT_SECONDS: its
 * seat is freed for others. No reconnection grace, and a client does not come back by itself:
 * the page offers to swim again. The reason is idleCloseReason's.
 */
export const CLOSE_IDLE = 4410;
/** A client that sends far more messages than any honest client does. */
export const CLOSE_FLOODING = 4429;

/**
 * The reason the room closes an idle player's connection with (CLOSE_IDLE): how long it was
 * idle, readable as it is and with the seconds for a client to say it in its own words
 * (idleSecondsIn).
 */
export function idleCloseReason(seconds: number): string {
  return `Idle for ${seconds} s.`;
}

/** The seconds in an idleCloseReason (undefined for any other reason). */
export function idleSecondsIn(reason: string | undefined): number | undefined {
  const match = /^Idle for (\d+(?:\.\d+)?) s\.$/.exec(reason ?? "");
  return match ? Number(match[1]) : undefined;
}

// ---- HTTP ----

/** HTTP GET /ponds answers an array of these: the open ponds and their player counts. */
export interface PondListing {
  roomId: string;
  clients: number;
  maxClients: number;
}
