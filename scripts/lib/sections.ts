import { existsSync, readFileSync } from "node:fs";
import { writeText } from "./report.ts";

/**
 * A report file whose generated parts sit between markers, `<!-- bench:NAME:begin -->` and
 * `<!-- bench:NAME:end -->`, so that a run rewrites only the sections it measured and leaves
 * the others (and any text written by hand outside the markers) as they are. A report with one
 * generated part (docs/benchmarks/load.md) uses the unnamed section "", `<!-- bench:begin -->`.
 */
export const beginMarker = (name: string): string => `<!-- bench:${name ? `${name}:` : ""}begin -->`;
export const endMarker = (name: string): string => `<!-- bench:${name ? `${name}:` : ""}end -->`;

/** `body` wrapped in its markers. */
export function section(name: string, body: string): string {
  return `${beginMarker(name)}\n${body.trim()}\n${endMarker(name)}`;
}

/** Whether `text` holds both markers of `name`, in order. */
export function hasSection(text: string, name: string): boolean {
  const b = text.indexOf(beginMarker(name));
  return b >= 0 && text.indexOf(endMarker(name), b) > b;
}

/** `text` with the section `name` (markers included) replaced by `body` in its markers. */
export function replaceSection(text: string, name: string, body: string): string {
  const b = text.indexOf(beginMarker(name));
  const e = text.indexOf(endMarker(name), b);
  if (b < 0 || e < 0) throw new Error(`no ${beginMarker(name)} … ${endMarker(name)} section`);
  return text.slice(0, b) + section(name, body) + text.slice(e + endMarker(name).length);
}

/**
 * Rewrites the one generated section of the report at `path` (""), keeping the text around it; a
 * file without the markers gets the section appended, a missing one is made under `title`.
 */
export function writeSection(path: string, title: string, body: string): void {
  const text = existsSync(path) ? readFileSync(path, "utf8") : `# ${title}\n`;
  writeText(path, hasSection(text, "") ? replaceSection(text, "", body) : `${text.trimEnd()}\n\n${section("", body)}\n`);
}

/**
 * The new contents of the report at `path`: the sections in `updates` replaced, everything else
 * kept. When the file is missing or lacks some section's markers, it is built afresh by
 * `template` (given every section, those not measured now as `placeholders`), and `rebuilt` says so.
 */
export function updatedReport(
  path: string,
  names: readonly string[],
  updates: Record<string, string>,
  placeholders: Record<string, string>,
  template: (sections: Record<string, string>) => string,
): { text: string; rebuilt: boolean } {
  const old = existsSync(path) ? readFileSync(path, "utf8") : "";
  if (old && names.every((name) => hasSection(old, name))) {
    let text = old;
    for (const [name, body] of Object.entries(updates)) text = replaceSection(text, name, body);
    return { text, rebuilt: false };
  }
  const all: Record<string, string> = {};
  for (const name of names) all[name] = section(name, updates[name] ?? placeholders[name] ?? "");
  return { text: template(all), rebuilt: true };
}
