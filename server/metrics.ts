import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The most recent tick durations, kept raw so a benchmark can take exact percentiles over its own
 * window (the histogram's buckets only bound a p99 to within 10–25 ms). A fixed ring: recording
 * allocates nothing; readers pass the cursor they got last time.
 */
export class TickSamples {
  private readonly totalMs = new Float64Array(16_384);
  private readonly stepMs = new Float64Array(16_384);
  private readonly cpuMs = new Float64Array(16_384);
  private next = 0;

  /** One tick: time in its steps, time in its steps plus its patch encode, process CPU time from step start to patch end. */
  record(stepMs: number, totalMs: number, cpuMs: number): void {
    const i = this.next % this.totalMs.length;
    this.stepMs[i] = stepMs;
    this.totalMs[i] = totalMs;
    this.cpuMs[i] = cpuMs;
    this.next++;
  }

  /** Samples recorded since `cursor` (oldest first; `lost` of them were already overwritten). */
  since(cursor: number): { next: number; totalMs: number[]; stepMs: number[]; cpuMs: number[]; lost: number } {
    const start = Math.max(0, Math.min(cursor, this.next));
    const from = Math.max(start, this.next - this.totalMs.length);
    const totalMs: number[] = [];
    const stepMs: number[] = [];
    const cpuMs: number[] = [];
    for (let n = from; n < this.next; n++) {
      const i = n % this.totalMs.length;
      totalMs.push(this.totalMs[i]);
      stepMs.push(this.stepMs[i]);
      cpuMs.push(this.cpuMs[i]);
    }
    return { next: this.next, totalMs, stepMs, cpuMs, lost: from - start };
  }
}

/**
 * The process's Prometheus metrics (GET /metrics). One registry per process, like the process's
 * CPU and memory: every pond in the process reports into it.
 */
export class PondMetrics {
  readonly registry = new Registry();
  readonly players = new Gauge({ name: "pond_players", help: "Players connected to this process", registers: [this.registry] });
  readonly ponds = new Gauge({ name: "pond_rooms", help: "Ponds open in this process", registers: [this.registry] });
  /** MAX_PLAYERS_PER_PROCESS, so a dashboard or alert can say how full a process is. */
  readonly capacity = new Gauge({ name: "pond_players_capacity", help: "Players this process admits at most (MAX_PLAYERS_PER_PROCESS)", registers: [this.registry] });
  readonly tickSeconds = new Histogram({
    name: "pond_tick_duration_seconds",
    help: "Time to simulate one fixed step and encode its patch",
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1],
    registers: [this.registry],
  });
  /** Raw recent tick durations (GET /debug/ticks with BENCH_HOOKS=on). */
  readonly ticks = new TickSamples();
  readonly bytesSent = new Counter({ name: "pond_bytes_sent_total", help: "WebSocket bytes sent to clients", registers: [this.registry] });
  readonly droppedMessages = new Counter({
    name: "pond_messages_dropped_total",
    help: "Client messages dropped as invalid, by reason",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly kicked = new Counter({
    name: "pond_clients_kicked_total",
    help: "Clients disconnected by the server, by reason",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly specksEaten = new Counter({
    name: "pond_specks_eaten_total",
    help: "Specks of food eaten by tadpoles (each is born again elsewhere at once)",
    registers: [this.registry],
  });
  readonly guessedSteps = new Counter({
    name: "pond_input_guesses_total",
    help: "Fixed steps a swimmer played on a guess (its steering held) because its input was late",
    registers: [this.registry],
  });
  readonly guessCorrections = new Histogram({
    name: "pond_input_guess_correction_units",
    help: "How far late inputs moved a tadpole off the path it was guessed along (what other players see corrected), per correction",
    buckets: [0.1, 0.5, 1, 2, 5, 10, 20, 50],
    registers: [this.registry],
  });
  /** Open WebSockets (server/sockets.ts): `seated` are players' sockets, `seatless` the rest (joining, refused, or never meant to join). */
  readonly sockets = new Gauge({
    name: "pond_sockets",
    help: "Open WebSockets, by state: seated (bound to a player in a pond) or seatless",
    labelNames: ["state"] as const,
    registers: [this.registry],
  });

  readonly clientErrors = new Counter({
    name: "pond_client_errors_total",
    help: "Errors caused by clients (oversize or broken frames, undecodable messages, bad reconnection tokens), by cause; logged at most once per cause per 10 s",
    labelNames: ["cause"] as const,
    registers: [this.registry],
  });

  /** Requests the monitor's guard refused (server/monitorGuard.ts); `bad_credentials` are the failed logins. */
  readonly monitorRefused = new Counter({
    name: "pond_monitor_refused_total",
    help: "Requests to /monitor refused, by reason: bad_credentials (a wrong password), locked_out (from an address locked out after too many), cross_site, wrong_method, unknown_action",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly monitorLockouts = new Counter({
    name: "pond_monitor_lockouts_total",
    help: "Addresses locked out of /monitor for a minute after 5 wrong passwords",
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

/** The running process's metrics. */
export const metrics = new PondMetrics();
