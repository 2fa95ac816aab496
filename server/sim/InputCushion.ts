/**
 * How many inputs one client's swimmer should hold back before it plays them: its jitter buffer,
 * sized from how unevenly that client's inputs actually arrive.
 *
 * The client sends one input per server tick. Counted at each tick, the inputs that have arrived
 * so far fall behind the ticks that have passed by a `deficit` that stays level on a steady link.
 * An input that misses its tick raises it by one until the input comes (the next tick brings
 * two): that excursion, once recovered, is jitter, and a cushion of `1 + excursion` inputs would
 * have ridden it out without a stand-still. An excursion that is never made up within a second
 * is not jitter but a client clock a little slower than ours (one input fewer, for good): the
 * level moves, nothing is learnt. The cushion follows the worst recovered excursion of the last
 * few seconds: it grows as soon as jitter shows, and shrinks once the link has been calm that
 * long.
 *
 * A cushion of 1 is no cushion: an input is played at the first tick after it arrives. An input
 * later than that is guessed (PondSim.step) and costs nothing while the player holds its
 * steering, so the cushion holds back only for lateness past GUESSED_TICKS.
 * Counting per tick keeps this at a few additions per swimmer per tick and no allocation.
 *
 * Counting only sees inputs that were late. Their arrival times (`arrived`) show jitter before
 * any input misses its tick: within each block, how far the inputs stray from a steady cadence
 * one tick apart. A spread past JITTER_MS will sooner or later straddle a tick (the client's
 * send phase centres its inputs between ticks, but cannot centre a spread near a whole tick), so
 * it counts as lateness from the first measured second: one tick per tick of spread past
 * JITTER_MS, instead of one each time an input comes late.
 */

export const INPUT_CUSHION = 2;
/** No cushion: play each input at the first tick after it arrives. */
export const MIN_CUSHION = 1;
/**
 * The largest cushion (150 ms of held inputs at 20 Hz). A TCP retransmission holds inputs for
 * ~300 ms; riding that out would delay every input of the client by as much, all the time.
 */
export const MAX_CUSHION = 4;
/** Ticks in one block of the lateness window (1 s at 20 Hz). */
const BLOCK_TICKS = 20;
/** Blocks remembered: the cushion answers to the worst lateness of the last 6–7 s. */
const BLOCKS = 7;
/** An excursion not made up within this many ticks is a slower client clock, not jitter. */
const RECOVER_TICKS = 20;
/** A silence this long (ticks) is a client that stopped sending (a hidden tab), not jitter. */
const SILENCE_TICKS = 30;
/**
 * Arrival spread (ms, within a block) that is no lateness. A client sends on its frames, so
 * on a perfect link its inputs stray up to a frame (17 ms at 60 fps; 2–20 ms measured in
 * bench:net); 10 ms of jitter each way spreads them 25–35 ms.
 */
export const JITTER_MS = 24;
/** Ticks of lateness a guess covers without holding inputs back (see observe). */
const GUESSED_TICKS = 1;
/** Inputs a block needs before its spread counts. */
const SPREAD_MIN_INPUTS = 10;

export class InputCushion {
  /** Inputs to hold before playing (MIN_CUSHION…MAX_CUSHION). */
  cushion = INPUT_CUSHION;
  /** Inputs this client has delivered so far, at the last tick (NaN: nothing yet). */
  private seen = NaN;
  /** No input since the tracking (re)started. */
  private waiting = true;
  private deficit = 0;
  /** The deficit when inputs are on time. */
  private level = 0;
  /** The excursion above `level` under way: its peak, and for how many ticks. */
  private peak = 0;
  private lateTicks = 0;
  private silent = 0;
  /** The worst lateness in each block of the window (a ring; `block` is being filled). */
  private readonly worst = new Int32Array(BLOCKS);
  private block = 0;
  private inBlock = 0;
  /** Whole blocks measured since the tracking (re)started. */
  private blocks = 0;
  /** The arrival spread of each block of the window, ms (a ring in step with `worst`). */
  private readonly spread = new Float64Array(BLOCKS);
  /** This block's arrivals: the first one's time, how many since, and the offsets' range. */
  private firstAt = NaN;
  private arrivals = 0;
  private earliest = 0;
  private latest = 0;

  /** `tickMs`: the server's step, ms (the cadence a steady client's inputs keep). */
  constructor(private readonly tickMs = 50) {}

  /**
   * An input frame from this client reached the server at `now` (ms, a monotonic clock). Its
   * offset from a cadence of one per tick, counted from the block's first, widens the block's spread.
   */
  arrived(now: number): void {
    if (Number.isNaN(this.firstAt)) {
      this.firstAt = now;
      this.arrivals = 1;
      this.earliest = 0;
      this.latest = 0;
      return;
    }
    const offset = now - (this.firstAt + this.arrivals * this.tickMs);
    this.arrivals++;
    if (offset < this.earliest) this.earliest = offset;
    else if (offset > this.latest) this.latest = offset;
  }

  /** The widest arrival spread of the window, ms (what `arrived` measured), the block under way included. */
  get jitterMs(): number {
    let widest = this.arrivals >= SPREAD_MIN_INPUTS && !Number.isNaN(this.firstAt) ? this.latest - this.earliest : 0;
    for (let i = 0; i < BLOCKS; i++) if (this.spread[i] > widest) widest = this.spread[i];
    return widest;
  }

  /**
   * One tick: `delivered` is how many inputs the client has delivered in all (those played plus
   * those queued now, before this tick plays any). Returns the cushion to play by.
   */
  observe(delivered: number): number {
    if (Number.isNaN(this.seen) || delivered < this.seen) {
      // Nothing measured yet, or a new input queue (a reconnect): start from here.
      this.restart(delivered);
      return this.cushion;
    }
    const arrived = delivered - this.seen;
    this.seen = delivered;
    if (this.waiting) {
      // Lateness is counted from the first input on: a client that has not started sending is not late.
      if (arrived > 0) this.waiting = false;
      return this.cushion;
    }
    if (arrived === 0) {
      if (++this.silent >= SILENCE_TICKS) { this.restart(delivered); return this.cushion; }
    } else {
      this.silent = 0;
    }
    const deficit = (this.deficit += 1 - arrived);
    const worst = this.worst;
    if (deficit <= this.level) {
      // On time (or early: the client's clock runs a little fast, or a burst): the level follows.
      if (this.peak > worst[this.block]) worst[this.block] = this.peak;
      this.level = deficit;
      this.peak = 0;
      this.lateTicks = 0;
    } else if (++this.lateTicks > RECOVER_TICKS) {
      // Never made up: the client sends a little slower than we tick. A new level, not jitter.
      this.level = deficit;
      this.peak = 0;
      this.lateTicks = 0;
    } else if (deficit - this.level > this.peak) {
      this.peak = deficit - this.level;
    }
    if (++this.inBlock === BLOCK_TICKS) {
      this.inBlock = 0;
      this.spread[this.block] = this.arrivals >= SPREAD_MIN_INPUTS ? this.latest - this.earliest : 0;
      this.firstAt = NaN;
      this.block = (this.block + 1) % BLOCKS;
      worst[this.block] = 0;
      this.spread[this.block] = 0;
      this.blocks++;
    }
    let peak = 0;
    for (let i = 0; i < BLOCKS; i++) if (worst[i] > peak) peak = worst[i];
    const jitter = this.jitterMs;
    const spreadPeak = jitter > JITTER_MS ? Math.ceil((jitter - JITTER_MS) / this.tickMs) : 0;
    // A tick of lateness is met by a guess (PondSim.step), which costs nothing while the player
    // holds its steering: only lateness past that is worth holding every input back for.
    const held = (spreadPeak > peak ? spreadPeak : peak) - GUESSED_TICKS;
    let target = MIN_CUSHION + (held > 0 ? held : 0);
    target = target < MIN_CUSHION ? MIN_CUSHION : target > MAX_CUSHION ? MAX_CUSHION : target;
    // Grow at once; shrink only once two whole seconds have been measured (a newcomer's guess stands till then).
    if (target > this.cushion || this.blocks >= 2) this.cushion = target;
    return this.cushion;
  }

  private restart(delivered: number): void {
    this.seen = delivered;
    this.waiting = true;
    this.deficit = 0;
    this.level = 0;
    this.peak = 0;
    this.lateTicks = 0;
    this.silent = 0;
    this.worst.fill(0);
    this.spread.fill(0);
    this.firstAt = NaN;
    this.block = 0;
    this.inBlock = 0;
    this.blocks = 0;
  }
}
