import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** One built asset (dist/assets/NAME) and the precompressed copies the server sends instead. */
export interface AssetSize {
  name: string;
  raw: number;
  /** NAME.gz beside it (level 9, written by the build), undefined when the build wrote none. */
  gzip: number | undefined;
  /** NAME.br beside it (quality 11), what a browser that accepts brotli receives. */
  brotli: number | undefined;
}

const size = (path: string): number | undefined => (existsSync(path) ? statSync(path).size : undefined);

/**
 * The scripts and styles of a build (distDir/assets, not the .br/.gz copies), with the sizes of
 * the brotli and gzip copies scripts/build/precompress.ts writes beside them: the body bytes the
 * game server (express-static-gzip, brotli first) sends for each. A file the build left
 * uncompressed (under 1 KiB) is sent raw.
 */
export function assetSizes(distDir: string): AssetSize[] {
  const assets = join(distDir, "assets");
  return readdirSync(assets)
    .filter((name) => !name.endsWith(".br") && !name.endsWith(".gz"))
    .sort()
    .map((name) => {
      const path = join(assets, name);
      return { name, raw: statSync(path).size, gzip: size(`${path}.gz`), brotli: size(`${path}.br`) };
    });
}

/** Assets of 1 KiB or more without a brotli copy (a copy of dist/ taken while a build was still compressing). */
export function uncompressedAssets(distDir: string): string[] {
  return assetSizes(distDir)
    .filter((a) => a.raw >= 1024 && /\.(js|mjs|css)$/.test(a.name) && (a.brotli === undefined || a.gzip === undefined))
    .map((a) => a.name);
}
