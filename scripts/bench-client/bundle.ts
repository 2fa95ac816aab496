import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

export interface BundleFile {
  name: string;
  raw: number;
  gzip: number;
}

/**
 * Sizes of the built scripts (dist/assets/*.js): raw bytes, and gzipped bytes as
 * `gzip -c FILE | wc -c` counts them (the gzip tool's default level 6; zlib's when the tool is
 * missing).
 */
export function bundleSizes(distDir: string): BundleFile[] {
  const assets = join(distDir, "assets");
  return readdirSync(assets)
    .filter((name) => name.endsWith(".js"))
    .sort()
    .map((name) => {
      const path = join(assets, name);
      const raw = readFileSync(path);
      let gzip: number;
      try {
        gzip = execFileSync("gzip", ["-c", path], { maxBuffer: 64 * 1024 * 1024 }).length;
      } catch {
        gzip = gzipSync(raw, { level: 6 }).length;
      }
      return { name, raw: raw.length, gzip };
    });
}
