import { metrics } from "./metrics.ts";

/**
 * Errors that clients cause on purpose or by accident (a frame over the size limit, a frame that
 * does not decode, an unknown reconnection token) are expected: they must not let anyone outside
 * write our logs. Each is logged as one line per cause per interval, with how many came since the
 * last line and no stack trace, and counted in `pond_client_errors_total{cause}`.
 *
 * Anything else (our own bugs) keeps its stack the first time in an interval; repeats of the same
 * first line are counted and summed into the next line the same way, so even an unknown error
 * that a client can trigger at will cannot flood the log.
 */
const CLIENT_CAUSES: Array<[cause: string, pattern: RegExp]> = [
  ["max_payload", /Max payload size exceeded/i],
  ["invalid_utf8", /invalid UTF-8/i],
  ["bad_frame", /Invalid WebSocket frame|RSV[123] must be clear|invalid opcode|MASK must be|invalid payload length|FIN must be set|invalid status code/i],
  ["undecodable_message", /refId" not found|Please report this issue|definition mismatch|field not defined|onMessage for .* not registered|Unexpected end of (MessagePack|buffer)|Data read, but end of buffer not reached/i],
  ["bad_reconnect", /reconnection token invalid or expired|bad reconnection token|already consumed|failed to reconnect/i],
  ["seat_expired", /seat reservation expired|MATCHMAKE_EXPIRED/i],
];

export interface LimitedLine {
  /** The line to write, or undefined to write nothing now. */
  text: string | undefined;
}

export class LogLimiter {
  private readonly causes = new Map<string, { lastAt: number; suppressed: number }>();

  constructor(private readonly intervalMs = 10_000, private readonly maxCauses = 200) {}

  /** What to write for `message` (a log line, perhaps with a stack), now. */
  admit(message: string, now: number): string | undefined {
    const firstLine = message.split("\n", 1)[0].slice(0, 200);
    const client = CLIENT_CAUSES.find(([, pattern]) => pattern.test(message));
    const key = client ? client[0] : firstLine;
    if (client) metrics.clientErrors.inc({ cause: client[0] });
    let entry = this.causes.get(key);
    if (entry === undefined) {
      if (this.causes.size >= this.maxCauses) this.causes.delete(this.causes.keys().next().value!);
      entry = { lastAt: -Infinity, suppressed: 0 };
      this.causes.set(key, entry);
    }
    if (now - entry.lastAt < this.intervalMs) {
      entry.suppressed++;
      return undefined;
    }
    const repeats = entry.suppressed > 0 ? ` (and ${entry.suppressed} more since the last such line)` : "";
    entry.lastAt = now;
    entry.suppressed = 0;
    // A client's doing needs no stack; our own error keeps it the first time.
    return client ? `client error (${client[0]}): ${firstLine}${repeats}` : `${message}${repeats}`;
  }
}
