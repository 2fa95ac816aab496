import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../kit/process.ts";
import { startServer, type ServerProcess } from "../../kit/server.ts";

/**
 * The alert rules and the dashboard in deploy/ name metrics by hand: a metric renamed or removed
 * in server/metrics.ts would leave an alert that never fires and a panel that stays empty.
 */
const METRIC = /\b(?:pond|process|nodejs)_[a-z0-9_]+/g;
/** Series Prometheus derives from a histogram's name. */
const HISTOGRAM_SUFFIX = /_(bucket|sum|count)$/;

function namedIn(file: string): string[] {
  const text = readFileSync(`${REPO_ROOT}${file}`, "utf8");
  // Only the queries: prose in descriptions may mention anything.
  const queries = file.endsWith(".json")
    ? [...text.matchAll(/"expr":\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string)
    : [...text.matchAll(/^\s*expr:\s*(.+)$/gm)].map((m) => m[1]);
  expect(queries.length, `queries in ${file}`).toBeGreaterThan(3);
  return [...new Set(queries.flatMap((q) => q.match(METRIC) ?? []))];
}

describe("the metrics deploy/ relies on", () => {
  let server: ServerProcess;
  let exposed: Set<string>;

  beforeAll(async () => {
    server = await startServer({ env: { MAX_PLAYERS_PER_PROCESS: "321" } });
    const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
    exposed = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    // The capacity gauge carries the setting, so "nearly full" can be computed.
    expect(text).toMatch(/^pond_players_capacity 321$/m);
  });

  afterAll(async () => {
    await server?.stop();
  });

  for (const file of ["deploy/prometheus/alerts.yml", "deploy/grafana/tadpole-pond.json"]) {
    it(`every metric in ${file} exists in /metrics`, () => {
      const names = namedIn(file);
      const missing = names.filter((name) => !exposed.has(name) && !exposed.has(name.replace(HISTOGRAM_SUFFIX, "")));
      expect(missing).toEqual([]);
      expect(names).toContain("pond_players");
    });
  }
});
