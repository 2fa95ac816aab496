import { get as httpGet } from "node:http";
import { brotliDecompressSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPondServer, type InProcessPond } from "../helpers/pondServer.ts";

/**
 * The site the server hands a browser: the built page (npm test builds dist/ first) with its
 * icons, web app manifest and link preview, and cache headers that never pin a file whose name
 * does not change with its content.
 */
let pond: InProcessPond;

beforeAll(async () => {
  pond = await startPondServer({ clientDir: "dist" });
});

afterAll(async () => {
  await pond?.shutdown();
});

/** A GET with a chosen Accept-Encoding, body as sent (fetch would decompress it). */
function raw(path: string, acceptEncoding: string): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpGet(`${pond.httpUrl}${path}`, { headers: { "Accept-Encoding": acceptEncoding }, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    }).on("error", reject);
  });
}

async function get(path: string): Promise<Response> {
  return fetch(`${pond.httpUrl}${path}`, { signal: AbortSignal.timeout(5000) });
}

describe("the site", () => {
  it("links a manifest whose icons are served, and previews with an Open Graph image", async () => {
    const page = await get("/");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('rel="manifest" href="/manifest.webmanifest"');
    expect(html).toMatch(/property="og:image" content="\/og-image\.png"/);
    expect(html, "a loading screen painted by HTML and CSS, before any script").toMatch(/<div id="splash"[^>]*>[\s\S]*Joining the pond/);
    const manifest = await (await get("/manifest.webmanifest")).json() as { display: string; icons: Array<{ src: string; sizes: string; type: string }> };
    expect(manifest.display).toBe("fullscreen");
    const sizes = manifest.icons.map((i) => i.sizes);
    expect(sizes).toEqual(expect.arrayContaining(["192x192", "512x512"]));
    for (const src of [...manifest.icons.map((i) => i.src), "/apple-touch-icon.png", "/og-image.png", "/favicon.svg"]) {
      const response = await get(src);
      expect(response.status, src).toBe(200);
      const body = new Uint8Array(await response.arrayBuffer());
      if (src.endsWith(".png")) expect([...body.subarray(1, 4)].map((b) => String.fromCharCode(b)).join(""), `${src} is a PNG`).toBe("PNG");
    }
    expect(await (await get("/robots.txt")).text()).toContain("Disallow: /matchmake/");
  });

  it("sends the build's brotli copy to a browser that takes it, and the plain file to one that does not", async () => {
    const html = await (await get("/")).text();
    const script = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(script, "the page loads a hashed script").toBeDefined();
    const plain = await raw(script!, "identity");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const br = await raw(script!, "gzip, deflate, br");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(br.headers["content-type"]).toMatch(/javascript/);
    expect(br.headers["cache-control"]).toContain("immutable");
    expect(br.body.length, "compressed").toBeLessThan(plain.body.length * 0.5);
    expect(brotliDecompressSync(br.body).equals(plain.body), "the same file").toBe(true);
  });

  it("caches hashed assets for good and makes everything else revalidate", async () => {
    const html = await (await get("/")).text();
    const script = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(script, "the page loads a hashed script").toBeDefined();
    expect((await get(script!)).headers.get("cache-control")).toContain("immutable");
    for (const path of ["/", "/favicon.svg", "/manifest.webmanifest", "/icon-192.png"]) {
      expect((await get(path)).headers.get("cache-control"), path).toBe("no-cache");
    }
  });
});
