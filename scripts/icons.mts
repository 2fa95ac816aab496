/**
 * Renders the site's PNG images from public/favicon.svg with headless Chromium (Debian's, as the
 * tests use; nothing is downloaded): the icons a phone's home screen and the web app manifest want,
 * and the Open Graph card a shared pond link previews with. Run after changing the artwork:
 * `npx tsx scripts/icons.mts`; the PNGs are committed in public/.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { chromium } from "playwright-core";

const svg = readFileSync(new URL("../public/favicon.svg", import.meta.url), "utf8");
const icon = (size: number) => `<html><body style="margin:0;background:#05101f">
  <div style="width:${size}px;height:${size}px">${svg.replace("<svg ", `<svg width="${size}" height="${size}" `)}</div></body></html>`;
const card = `<html><body style="margin:0;width:1200px;height:630px;background:radial-gradient(circle at 40% 45%, #0b2442, #05101f 70%);
  font-family:sans-serif;color:#eef6ff;display:flex;align-items:center;gap:56px;padding:0 96px;box-sizing:border-box">
  ${svg.replace("<svg ", '<svg width="260" height="260" ')}
  <div><div style="font-size:84px;font-weight:700">Tadpole Pond</div>
  <div style="font-size:34px;color:#9fd0ff;white-space:nowrap;margin-top:16px">Swim with everyone in one dark pond.<br>Set a name, chat in bubbles.</div></div></body></html>`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
try {
  const page = await browser.newPage();
  for (const [file, html, width, height] of [
    ["icon-192.png", icon(192), 192, 192],
    ["icon-512.png", icon(512), 512, 512],
    ["apple-touch-icon.png", icon(180), 180, 180],
    ["og-image.png", card, 1200, 630],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.setContent(html);
    writeFileSync(new URL(`../public/${file}`, import.meta.url), await page.screenshot({ type: "png" }));
    console.log(`public/${file} ${width}×${height}`);
  }
} finally {
  await browser.close();
}
