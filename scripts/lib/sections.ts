import { existsSync, readFileSync } from "node:fs";
import { writeText } from "./report.ts";

/**
 * A report file whose generated parts sit between markers, `<!-- bench:NAME:begin -->` and
 * `<!-- bench:NAME:end -->`, so that a run rewrites only the sections it measured and leaves
 * the others (and any text written by hand outside the markers) as they are. A report with one
 * generated part (docs/benchmarks/load.md) uses the unnamed section "", `<!-- bench:begin -->`.
 */
const marker = (name: string, end: "begin" | "end"): string => `<!-- bench:${name ? `${name}:` : ""}${end} -->`;

/**
 * Rewrites the given sections of the report at `path` (name → body), keeping everything else; a
 * section whose markers the file lacks is appended, and a missing file is made under `title`.
 */
export function writeSections(path: string, title: string, sections: Record<string, string>): void {
  let text = existsSync(path) ? readFileSync(path, "utf8") : `# ${title}\n`;
  for (const [name, body] of Object.entries(sections)) {
    const wrapped = `${marker(name, "begin")}\n${body.trim()}\n${marker(name, "end")}`;
    const b = text.indexOf(marker(name, "begin"));
    const e = b < 0 ? -1 : text.indexOf(marker(name, "end"), b);
    text = e < 0 ? `${text.trimEnd()}\n\n${wrapped}\n` : text.slice(0, b) + wrapped + text.slice(e + marker(name, "end").length);
  }
  writeText(path, text);
}
