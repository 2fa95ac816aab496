/**
 * The Prometheus text format, parsed into plain samples. The benchmark (histograms, percentiles)
 * and the soak / hardening tests (sums over label sets) read the same /metrics page, so they share
 * this one line parser and keep only their own views on top of it.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** `name{labels} value [timestamp]`; comments and blank lines are skipped before this is tried. */
const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Every sample line of `text`, label values unescaped; lines that do not parse are skipped. */
export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = LINE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    if (match[2]) for (const l of match[2].matchAll(LABEL)) labels[l[1]] = l[2].replace(/\\(.)/g, "$1");
    samples.push({ name: match[1], labels, value: parseValue(match[3]) });
  }
  return samples;
}

/** A sample value; Prometheus spells the infinities +Inf and -Inf (histogram `le` labels too). */
function parseValue(text: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  return Number(text);
}
