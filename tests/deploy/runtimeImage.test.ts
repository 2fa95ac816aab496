import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../kit/process.ts";

/**
 * The Dockerfile's runtime stage (and any `npm ci --omit=dev` install) has the production
 * dependencies and only the folders it copies. No container engine runs here, so this checks
 * what would break it: a server import reaching a dev dependency, or a file outside what the
 * runtime stage copies.
 */
const pkg = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, "utf8")) as { dependencies: Record<string, string> };
const dockerfile = readFileSync(`${REPO_ROOT}deploy/Dockerfile`, "utf8");

/** Static and dynamic import specifiers of one file. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*)"([^"]+)"/g)].map((m) => m[1]);
}

/** The package a bare specifier names ("@colyseus/core/x" is "@colyseus/core"). */
function packageOf(spec: string): string {
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

describe("the runtime image (deploy/Dockerfile, npm ci --omit=dev)", () => {
  // What the final stage copies: `COPY <src> ./<dst>` after the last FROM, plus the built client.
  const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
  const copied = [...runtime.matchAll(/^COPY (?!--from)(\S+(?: \S+)*) \.\/?\S*$/gm)].flatMap((m) => m[1].split(" "));

  it("runs the server entry point it names", () => {
    expect(runtime).toMatch(/CMD \["node", "--max-old-space-size=1024", "--import", "tsx", "server\/main\.ts"\]/);
    expect(copied).toEqual(expect.arrayContaining(["server", "shared", "package.json"]));
  });

  it("holds every file the server imports, and every package it imports is a production dependency", () => {
    const seen = new Set<string>();
    const outside: string[] = [];
    const devOnly: string[] = [];
    const queue = [path.join(REPO_ROOT, "server", "main.ts")];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const top = path.relative(REPO_ROOT, file).split(path.sep)[0];
      if (!copied.includes(top)) outside.push(path.relative(REPO_ROOT, file));
      for (const spec of specifiers(file)) {
        if (spec.startsWith(".")) {
          const target = path.normalize(path.join(path.dirname(file), spec));
          if (target.endsWith(".ts") && existsSync(target)) queue.push(target);
        } else if (!spec.startsWith("node:") && !builtinModules.includes(spec)) {
          const name = packageOf(spec);
          if (!(name in pkg.dependencies)) devOnly.push(`${path.relative(REPO_ROOT, file)} -> ${spec}`);
        }
      }
    }
    expect(seen.size, "the walk reached the server's files").toBeGreaterThan(25);
    expect(outside).toEqual([]);
    expect(devOnly).toEqual([]);
    // tsx runs the TypeScript sources at start: it must be a production dependency too.
    expect(pkg.dependencies).toHaveProperty("tsx");
  });
});
