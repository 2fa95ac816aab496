/**
 * One timer for every bot in the process: a ~60 Hz interval that calls each subscriber with the
 * same `now` (performance.now(), ms). One timer instead of one per bot keeps 50 bots cheap and
 * keeps their frames in step.
 */
export type FrameCallback = (now: number) => void;

export class FrameTicker {
  private readonly subscribers = new Set<FrameCallback>();
  private timer: NodeJS.Timeout | undefined;
  private readonly periodMs: number;
  /** Errors thrown by subscribers (reported, never allowed to stop the other bots). */
  onError: (error: unknown) => void = (error) => console.error("[bots] frame error:", error);

  constructor(hz = 60) {
    this.periodMs = 1000 / hz;
  }

  /** Adds a subscriber; returns its removal. Starts the timer on the first one. */
  add(callback: FrameCallback): () => void {
    this.subscribers.add(callback);
    if (!this.timer) this.timer = setInterval(() => this.run(), this.periodMs);
    return () => this.remove(callback);
  }

  remove(callback: FrameCallback): void {
    this.subscribers.delete(callback);
    if (this.subscribers.size === 0) this.stop();
  }

  get size(): number {
    return this.subscribers.size;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    const now = performance.now();
    for (const callback of this.subscribers) {
      try {
        callback(now);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
