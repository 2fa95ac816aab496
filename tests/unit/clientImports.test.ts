import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** Every TypeScript file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(full) : full.endsWith(".ts") ? [full] : [];
  });
}

/** The relative imports of one file, resolved to repository paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]).map((spec) => (spec.startsWith(".") ? path.normalize(path.join(path.dirname(file), spec)) : spec));
}

describe("the browser bundle", () => {
  it("does not pull in the server's message validators (zod) or any server file, directly or through shared code", () => {
    // Walk everything the client reaches, as the bundler would.
    const seen = new Set<string>();
    const offenders: string[] = [];
    const queue = sources("client");
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const target of importsOf(file)) {
        if (target === "zod" || target.startsWith(`server${path.sep}`)) offenders.push(`${file} -> ${target}`);
        else if (target.endsWith(".ts") && !target.startsWith("@")) queue.push(target);
      }
    }
    expect(seen.size, "the walk reached the client's files").toBeGreaterThan(20);
    expect(offenders).toEqual([]);
  });

  it("loads Unicode's lookalike table only on demand (a dynamic import), never with the page", () => {
    // Static imports only (`from "..."`): import("...") does not match, and is how ui/nameKeys.ts loads it.
    const seen = new Set<string>();
    const offenders: string[] = [];
    const queue = [path.join("client", "main.ts")];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const target of importsOf(file)) {
        if (target.endsWith(path.join("shared", "confusables.ts")) || target.endsWith(path.join("shared", "names.ts")) || target.startsWith("unhomoglyph")) offenders.push(`${file} -> ${target}`);
        else if (target.endsWith(".ts") && !target.startsWith("@")) queue.push(target);
      }
    }
    expect(seen.has(path.join("client", "ui", "Mutes.ts")), "the walk reached the mutes").toBe(true);
    expect(offenders).toEqual([]);
  });
});
