import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The process's Prometheus metrics (GET /metrics). One registry per process, like the process's
 * CPU and memory: every pond in the process reports into it.
 */
export class PondMetrics {
  readonly registry = new Registry();
  readonly players = new Gauge({ name: "pond_players", help: "Players connected to this process", registers: [this.registry] });
  readonly ponds = new Gauge({ name: "pond_rooms", help: "Ponds open in this process", registers: [this.registry] });
  readonly tickSeconds = new Histogram({
    name: "pond_tick_duration_seconds",
    help: "Time to simulate one fixed step and encode its patch",
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1],
    registers: [this.registry],
  });
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

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

/** The running process's metrics. */
export const metrics = new PondMetrics();
