/**
 * The client's netcode tuning, in one place: how our own tadpole is predicted and smoothed, how
 * the others are interpolated and carried on, and when inputs are sent. docs/netcode.md says why
 * each has the value it has; bench:net (docs/benchmarks/net.md) measures them.
 */

// --- Own tadpole (prediction, client/net/own.ts) ---------------------------------------------

/** A correction smaller than this (units / radians) counts as none. */
export const CORRECTION_EPSILON = 0.01;
/** Reconcile corrections fade with this time constant, ms. */
export const OWN_SMOOTH_MS = 100;
/** Own and remote tadpoles: a jump larger than this many units is a teleport, never glided. */
export const SNAP_UNITS = 200;
/** Predicted positions kept per input sequence number, to measure the error when each is acknowledged. */
export const PREDICTED_RING = 256;

// --- Round trip -------------------------------------------------------------------------------

/** How often the round trip is measured with a ping, ms. */
export const PING_EVERY_MS = 1000;
/** Weight of a new ping in the smoothed round trip. */
export const RTT_GAIN = 0.25;

// --- Other tadpoles (client/net/remote.ts, playout.ts, snapshots.ts) -------------------------

/** Time constant of the correction when fresh data disagrees with the extrapolation, ms. */
export const REMOTE_CORRECTION_MS = 120;
/** Patch interval assumed until the server advertises one, ms (20 Hz). */
export const FALLBACK_PATCH_MS = 50;
/** Samples kept per tadpole: 1.6 s at 20 Hz, well past the largest render delay (400 ms). */
export const RING_SAMPLES = 32;

/** The render timeline's defaults (each is a PlayoutOptions field, documented there). */
export const PLAYOUT_DEFAULTS = {
  /** The interpolation delay never goes below this many patch intervals. */
  minPatches: 2,
  jitterFactor: 2.5,
  marginMs: 10,
  /** The ceiling of the adaptive interpolation delay, ms. */
  maxDelayMs: 400,
  maxRateChange: 0.05,
  catchUpRate: 0.25,
  dryRate: 0.25,
  /** Dead reckoning: remotes are carried on at most this far past the newest patch, ms. */
  maxExtrapolateMs: 150,
  dryBudget: 0.005,
  lateWindowMs: 10_000,
  convergeMs: 250,
  reseatMs: 1000,
  floorWindowMs: 5000,
  riseMs: 300,
  fallMs: 4000,
};

/** After running dry, the timeline may slow by `catchUpRate` (not just 5 %) to lengthen the delay for this long, ms. */
export const DRY_MEMORY_MS = 3000;
/** Patches counted in the late window: 12.8 s at 20 Hz. */
export const LATE_CAPACITY = 256;
/** The first patches after a (re)join may come behind the handshake, in a burst: not the link's lateness. */
export const LATE_SKIP_PATCHES = 3;
/** The late window's answer is found to within this, ms. */
export const LATE_PRECISION_MS = 1;

// --- Send phase (client/net/sendPhase.ts) ----------------------------------------------------

/** Share of the phase error corrected per send. */
export const SEND_PHASE_GAIN = 0.1;
/** Largest nudge per send, ms: an input's timing changes by far less than a frame. */
export const SEND_PHASE_MAX_NUDGE_MS = 1;
/** How long the best round trip is remembered, ms. */
export const SEND_PHASE_RTT_WINDOW_MS = 10_000;

// --- Reconnection (the browser's session) ----------------------------------------------------

/**
 * The SDK re-attaches a dropped socket to the same tadpole for as long as the server holds it
 * (RECONNECT_GRACE_SECONDS, 20 s by default); past that it is hopeless, so give up at about the
 * same time (200+400+800+1600 ms, then 3 s x 5 ≈ 18 s) and let the session join a pond afresh.
 */
export const BROWSER_RECONNECTION = { maxRetries: 9, maxDelay: 3000 };
