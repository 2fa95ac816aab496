/**
 * Reads the server's Prometheus text (GET /metrics) into numbers. Only what the hardening tests
 * and the soak need: sums of a metric over its label sets, optionally filtered by labels.
 */
import type { PondListing } from "../shared/protocol.ts";
import { parseSamples, type Sample } from "./prometheus.ts";

export class MetricsSnapshot {
  constructor(readonly samples: readonly Sample[]) {}

  /** Sum of every sample of `name` whose labels include `labels` (0 when there is none). */
  sum(name: string, labels: Record<string, string> = {}): number {
    let total = 0;
    for (const s of this.samples) {
      if (s.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) total += s.value;
    }
    return total;
  }

  /** Whether the metric is exposed at all (a labelled counter appears only once incremented). */
  has(name: string): boolean {
    return this.samples.some((s) => s.name === name);
  }

  /** Every sample of `name`, as "k=v,k=v" -> value. */
  byLabels(name: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.samples) {
      if (s.name !== name) continue;
      const key = Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(",") || "(none)";
      out[key] = (out[key] ?? 0) + s.value;
    }
    return out;
  }
}

export function parsePrometheus(text: string): MetricsSnapshot {
  return new MetricsSnapshot(parseSamples(text));
}

/** GET <httpUrl>/metrics, parsed. */
export async function fetchMetrics(httpUrl: string, timeoutMs = 3000): Promise<MetricsSnapshot> {
  const response = await fetch(`${httpUrl}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  return parsePrometheus(await response.text());
}

export interface Health {
  live: boolean;
  ready: boolean;
  players: number;
  /** The server's process id (tells it from another process on the same port). */
  pid: number;
}

/** GET <httpUrl>/health; throws unless it answers 200 with live and ready. */
export async function fetchHealth(httpUrl: string, timeoutMs = 3000): Promise<Health> {
  const response = await fetch(`${httpUrl}/health`, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.text();
  if (!response.ok) throw new Error(`GET /health answered ${response.status}: ${body}`);
  const health = JSON.parse(body) as Health;
  if (health.live !== true || health.ready !== true) throw new Error(`GET /health is not ready: ${body}`);
  return health;
}

export type { PondListing };

/** GET <httpUrl>/ponds. */
export async function fetchPonds(httpUrl: string, timeoutMs = 3000): Promise<PondListing[]> {
  const response = await fetch(`${httpUrl}/ponds`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`GET /ponds answered ${response.status}`);
  return (await response.json()) as PondListing[];
}
