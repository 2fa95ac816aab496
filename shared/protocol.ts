/**
 * Message names and payload shapes both sides agree on. Kept free of the validation library so
 * the browser bundle, which only sends and receives these, does not carry it.
 */
/**
 * The state serializer's id, agreed in the join handshake: the schema state plus the position
 * stream on every patch (server/rooms/PondSerializer.ts, client/net/streamSerializer.ts).
 */
export const POND_SERIALIZER_ID = "pond-stream-1";

export const MessageType = {
  chat: "chat",
  name: "name",
  notice: "notice",
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
  text: string;
}

/** HTTP GET /ponds answers an array of these: the open ponds and their player counts. */
export interface PondListing {
  roomId: string;
  clients: number;
  maxClients: number;
}
