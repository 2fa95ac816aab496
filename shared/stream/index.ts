/** The position stream: compact per-cell blocks of remote tadpole positions (docs/stream-format.md). */
export { ByteWriter } from "./bytes.ts";
export { fromCode, toCode } from "./codes.ts";
export { PositionStreamDecoder, type DecodedEntity } from "./decoder.ts";
export { PositionStreamEncoder } from "./encoder.ts";
export { StreamFrameWriter } from "./frame.ts";
