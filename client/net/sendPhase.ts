import { WindowMin } from "./playout.ts";
import { SEND_PHASE_GAIN, SEND_PHASE_MAX_NUDGE_MS, SEND_PHASE_RTT_WINDOW_MS } from "./tuning.ts";

/**
 * When in the server's tick our inputs arrive. The client sends one input per fixed step, but
 * on its own clock, at whatever phase the first frame happened to set: an input that lands just
 * before a server tick and the next just after it (a frame's dither, a timer's jitter) is a tick
 * with nothing to play and the server's input cushion must grow to cover it, which delays every
 * input. Landing halfway between two ticks leaves half a tick of margin each way, so a clean link
 * needs no cushion at all (docs/netcode.md).
 *
 * The server ticks right before it stamps a patch (`lastServerTime`); such a patch reaches us
 * after `freshest` ms at best (the playout's floor of arrival − server time, which also holds the
 * clock offset); an input takes the best round trip minus that way back. So an input sent at
 * local time `s` reaches the server at server time `s − freshest + rtt` at the earliest, and up to
 * the link's spread later; that window should sit in the middle between two ticks. Each send is compared with that target and the step clock nudged a little
 * toward it: a phase error averages out over a second or two, and no step is ever skipped or
 * doubled (the same inputs are sent, just a few ms earlier or later), so prediction is untouched.
 */
export class SendPhase {
  /** Added to the frame clock the step accumulators run on, ms (the nudges so far). */
  shiftMs = 0;
  private readonly rtt = new WindowMin(SEND_PHASE_RTT_WINDOW_MS, 64);
  private rttNow = NaN;

  /** A ping came back after `rttMs`, at local time `now`. */
  pong(rttMs: number, now: number): void {
    this.rttNow = this.rtt.push(rttMs, now);
  }

  /**
   * We just sent an input at local time `sentAt`: nudge the step clock toward sending at the
   * right phase. `lastServerTime` is the newest patch's stamp, `freshest` the best arrival −
   * server time, `spreadMs` how much later than the fastest a patch may come (the playout's
   * lateness: the way up is taken to be as uneven as the way down), `stepMs` the server's tick.
   */
  sent(sentAt: number, lastServerTime: number, freshest: number, spreadMs: number, stepMs: number): void {
    if (!(lastServerTime > 0) || !(stepMs > 0) || Number.isNaN(freshest) || Number.isNaN(this.rttNow)) return;
    // The fastest input lands `spread` before the slowest: centre that window between two ticks.
    const spread = spreadMs > 0 ? (spreadMs < stepMs ? spreadMs : stepMs) : 0;
    const target = lastServerTime + freshest - this.rttNow + (stepMs - spread) / 2;
    let error = (sentAt - target) % stepMs;
    if (error < -stepMs / 2) error += stepMs;
    else if (error >= stepMs / 2) error -= stepMs;
    // Late (error > 0): run the step clock ahead so the next send comes sooner.
    const nudge = error * SEND_PHASE_GAIN;
    this.shiftMs += nudge > SEND_PHASE_MAX_NUDGE_MS ? SEND_PHASE_MAX_NUDGE_MS : nudge < -SEND_PHASE_MAX_NUDGE_MS ? -SEND_PHASE_MAX_NUDGE_MS : nudge;
  }

  /** Forget the link (a reconnect). */
  reset(): void {
    this.rtt.clear();
    this.rttNow = NaN;
  }
}
