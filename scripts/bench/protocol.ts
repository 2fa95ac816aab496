/**
 * Messages between the benchmark (scripts/bench.ts) and its bot worker processes
 * (scripts/bench/worker.ts), over the child_process IPC channel.
 */

/** `full`: the game's net layer decoding everything; `raw`: a wire bot reading only its own body (see wireBot.ts). */
export type BotKind = "full" | "raw";

export interface WorkerInit {
  type: "init";
  url: string;
  /** Global indexes of this worker's bots (names are bench<index>). */
  bots: Array<{ index: number; kind: BotKind }>;
  seed: number;
  /** The worker's one shared frame timer, Hz. */
  frameHz: number;
  /** The worker exits by itself after this long, whatever happens (ms). */
  maxLifeMs: number;
}

export type ToWorker =
  | WorkerInit
  /** Join `count` of this worker's not-yet-joined bots (all when omitted), `concurrency` at a time. */
  | { type: "join"; count?: number; concurrency: number; attempts: number; timeoutMs: number }
  | { type: "status" }
  /** Start of the measurement window: snapshot every counter. */
  | { type: "mark" }
  /** End of the window: report what changed since the mark. */
  | { type: "collect" }
  | { type: "stop" };

/** Monotonic per-bot counters. */
export interface BotTotals {
  /** onStateChange calls (the join snapshot and every patch). */
  patches: number;
  /** Incoming WebSocket messages, and their payload bytes (all kinds). */
  frames: number;
  bytes: number;
  /** The same bytes plus each message's WebSocket frame header (2, 4 or 10 bytes; server frames are unmasked). */
  wireBytes: number;
  /** The ROOM_STATE_PATCH messages among them, and their bytes (timing header included). */
  patchFrames: number;
  patchBytes: number;
  /** Patches with no schema bytes (identities unchanged; the position stream still rides on them). */
  emptyPatches: number;
  /** full bots, from the position stream: other tadpoles whose position a patch brought (every one held: a silent record is "keeps going"), summed over patches. */
  positionUpdates: number;
  /** Schema changes decoded (tadpoles added and removed, names, colours, away). */
  otherChanges: number;
  /** Tadpoles entering and leaving this client's state (onAdd / onRemove). */
  adds: number;
  removes: number;
  /** The radar messages among the frames (once a second, the whole pond), and their bytes with the WebSocket frame header. */
  radarFrames: number;
  radarWireBytes: number;
  /** Once-a-second samples of how many other tadpoles the client holds. */
  visibleSum: number;
  visibleSamples: number;
}

export interface BotReport {
  index: number;
  kind: BotKind;
  connected: boolean;
  /** The window's length as this bot saw it (s); 0 if it was not connected throughout. */
  seconds: number;
  delta: BotTotals;
}

export interface JoinReport {
  joined: number;
  failures: number;
  /** Per-join latencies (ms), successful joins only. */
  latenciesMs: number[];
  errors: string[];
}

export interface WorkerStatus {
  connected: number;
  /** Bots that reached their first target. */
  arrived: number;
  /** Mean distance from the pond's centre of the bots whose position is known. */
  meanRadius: number;
}

export interface WorkerHealth {
  /** Process CPU over the window, % of one core. */
  cpuPercent: number;
  /** Event-loop delay over the window (ms): how late the shared frame timer and socket reads ran. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  rssBytes: number;
}

export type FromWorker =
  | { type: "ready" }
  | { type: "joined"; report: JoinReport }
  | { type: "status"; status: WorkerStatus }
  | { type: "marked" }
  | { type: "collected"; bots: BotReport[]; intervals: number[]; health: WorkerHealth }
  | { type: "stopped" }
  | { type: "error"; message: string };
