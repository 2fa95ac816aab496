/**
 * Message names and payload shapes both sides agree on. Kept free of the validation library so
 * the browser bundle, which only sends and receives these, does not carry it.
 */
/**
 * The state serializer's id, agreed in the join handshake: the schema state plus the position
 * stream on every patch (server/rooms/PondSerializer.ts, client/net/streamSerializer.ts).
 */
export const POND_SERIALIZER_ID = "pond-stream-3";

export const MessageType = {
  chat: "chat",
  name: "name",
  notice: "notice",
  /** Server -> client, once a second: where everyone is, coarsely (binary; shared/radar.ts, docs/protocol.md). */
  radar: "radar",
  /**
   * Server -> client, just before a shutting-down process closes its pond (4001): a one-time
   * token (string) the client hands back as the `carry` join option of its next join, which
   * brings its size along (server/rooms/handOff.ts, docs/protocol.md).
   */
  carry: "carry",
} as const;

/** Server -> client: a chat line from tadpole `id` (its sessionId). */
export interface ChatBroadcast {
  id: string;
  text: string;
}

/**
 * Server -> client: something only this client needs to know (e.g. it is sending too fast, or
 * the name it asked for looks like another player's and it was given "Alice 2"). Clients draw
 * these apart from chat, where no chat line can appear (client/ui/SystemNotices.ts).
 */
export interface Notice {
  code: "chat_throttled" | "rename_throttled" | "invalid_message" | "name_taken";
  /** For the player, in English; clients may say it in their own words, by code. */
  text: string;
  /** `name_taken` only: the name asked for, and the numbered name given instead ("Alice 2"). */
  asked?: string;
  name?: string;
}

/**
 * The reason the room closes an idle player's connection with (close code 4410, the room's
 * CLOSE_IDLE): how long it was idle, readable as it is and with the seconds for a client to say
 * it in its own words (idleSecondsIn).
 */
export function idleCloseReason(seconds: number): string {
  return `Idle for ${seconds} s.`;
}

/** The seconds in an idleCloseReason (undefined for any other reason). */
export function idleSecondsIn(reason: string | undefined): number | undefined {
  const match = /^Idle for (\d+(?:\.\d+)?) s\.$/.exec(reason ?? "");
  return match ? Number(match[1]) : undefined;
}

/** HTTP GET /ponds answers an array of these: the open ponds and their player counts. */
export interface PondListing {
  roomId: string;
  clients: number;
  maxClients: number;
}
