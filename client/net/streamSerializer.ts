import { SchemaSerializer, registerSerializer } from "@colyseus/sdk";
import type { DataChange, Iterator } from "@colyseus/schema";
import { POND_SERIALIZER_ID } from "../../shared/protocol.ts";
import { ByteReader } from "../../shared/stream/bytes.ts";
import { PositionStreamDecoder } from "../../shared/stream/decoder.ts";
import type { PondState } from "../../shared/state.ts";

/**
 * The client half of the pond's serializer (server/rooms/PondSerializer.ts), registered with the
 * SDK under the id the server announces in the handshake. A patch is the schema's bytes
 * (length-prefixed) and then the position stream, which this decodes into `stream`; a full state
 * is the schema alone, and the server follows it with key blocks that re-state the stream.
 *
 * Everything else (the decoded state, Callbacks.get(room), the SDK's reconciler) sees the plain
 * SchemaSerializer it extends.
 */
export class PondStreamSerializer extends SchemaSerializer<PondState> {
  readonly stream = new PositionStreamDecoder();
  /** Patches whose schema length was unreadable or ran past the frame (counted and dropped). */
  malformed = 0;
  private readonly reader = new ByteReader();

  override setState(bytes: Uint8Array, it?: Iterator): void {
    super.setState(bytes, it);
    // The server follows a full state with key blocks for every cell we watch.
    this.stream.resync();
  }

  override patch(bytes: Uint8Array, it: Iterator = { offset: 0 }): DataChange[] {
    const reader = this.reader;
    reader.reset(bytes, it.offset, bytes.length);
    const length = reader.varint();
    const end = reader.pos + length;
    if (reader.bad || end > bytes.length) {
      this.malformed++;
      return [];
    }
    it.offset = reader.pos;
    // The schema decoder reads to the end of what it is given: give it exactly its part.
    const changes = length > 0 ? super.patch(bytes.subarray(0, end), it) : [];
    it.offset = end;
    this.stream.decode(bytes, end, bytes.length);
    return changes;
  }
}

registerSerializer(POND_SERIALIZER_ID, PondStreamSerializer);
