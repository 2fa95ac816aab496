import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** What every benchmark's report is built from: its command line, tables, numbers, the file. */

/** `npm run <script> -- <args>` as this process was started (shell-quoted when `quote`), for the report. */
export function commandText(script: string, quote = false): string {
  const args = process.argv.slice(2).map((arg) => (quote ? shellQuote(arg) : arg));
  return [`npm run ${script}`, ...(args.length ? ["--", ...args] : [])].join(" ");
}

function shellQuote(arg: string): string {
  return /^[\w,./=:@-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

/** `v` to `digits` decimals, or `dash` when it is missing or not finite. */
export function fixed(v: number | undefined, digits = 0, dash = "–"): string {
  return v === undefined || !Number.isFinite(v) ? dash : v.toFixed(digits);
}

/** A markdown table, one line per entry; `|` inside a cell is escaped. */
export function markdownTable(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string[] {
  const line = (cells: ReadonlyArray<string | number>) => `| ${cells.map((c) => String(c).replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)];
}

/** Writes `text` to `path`, making its folder first. */
export function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
