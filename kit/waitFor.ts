/**
 * Waiting on conditions with a deadline: tests never sleep and hope. Each wait polls a
 * predicate until it holds or its deadline passes, and a timeout names what was awaited
 * (plus, optionally, what was seen last) so a failure explains itself.
 */

export interface WaitOptions {
  /** Give up after this long (default 5000 ms). */
  timeoutMs?: number;
  /** Poll period (default 10 ms). */
  intervalMs?: number;
  /** What we were waiting for, used in the timeout error. */
  message?: string;
  /** Called on timeout; its result is appended to the error (e.g. the last observed state). */
  describe?: () => unknown;
}

export class WaitTimeoutError extends Error {}

/**
 * Resolves with the predicate's first truthy result; rejects with a WaitTimeoutError when the
 * deadline passes first. A predicate that throws is treated as "not yet" (its last error is
 * reported on timeout), so it may read state that does not exist yet.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: WaitOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await delay(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
  const parts = [`Timed out after ${timeoutMs} ms waiting for ${options.message ?? "a condition"}`];
  if (lastError !== undefined) parts.push(`last error: ${errorText(lastError)}`);
  if (options.describe) {
    try {
      parts.push(`last seen: ${stringify(options.describe())}`);
    } catch (error) {
      parts.push(`(describe failed: ${errorText(error)})`);
    }
  }
  throw new WaitTimeoutError(parts.join("; "));
}

/**
 * Races a promise against a deadline: resolves with its value, or rejects naming `message`.
 * The timer is cleared either way so it cannot keep the process alive.
 */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WaitTimeoutError(`Timed out after ${timeoutMs} ms waiting for ${message}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Asserts that a condition stays false for a while (e.g. "no chat line arrives"). Use sparingly
 * and only after a positive barrier proved that the event would have arrived by now if it had
 * been sent (see the room tests), so the quiet period is a check, not a hope.
 */
export async function holdsFor(
  predicate: () => boolean,
  durationMs: number,
  options: { intervalMs?: number; message?: string } = {},
): Promise<void> {
  const until = Date.now() + durationMs;
  for (;;) {
    if (!predicate()) throw new Error(`Condition stopped holding: ${options.message ?? "a condition"}`);
    if (Date.now() >= until) return;
    await delay(Math.min(options.intervalMs ?? 10, Math.max(0, until - Date.now())));
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function stringify(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
