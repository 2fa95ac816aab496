/**
 * One remote tadpole's true path against what the observer drew, as an SVG for docs/netcode.md:
 * on top the path in the pond (the truth a line, each drawn frame a dot, frames with nothing to
 * show in red), below the distance between them over time. Plain SVG text, no dependencies.
 */

/** One observer frame: where the tadpole was drawn, where it truly was at that render instant. */
export interface TraceFrame {
  /** Seconds since the run started. */
  t: number;
  x: number;
  y: number;
  tx: number;
  ty: number;
  /** The observer had nothing newer to show for it (extrapolated or held). */
  starved: boolean;
}

const W = 720;
/** Most height the path panel takes (a path wider than tall takes less). */
const PATH_MAX_H = 420;
const ERR_H = 160;
const PAD = 36;
/** Room above the path for the title and the legend. */
const HEAD = 44;

const n = (v: number) => v.toFixed(1);

export function pathSvg(title: string, frames: readonly TraceFrame[]): string {
  if (frames.length < 2) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="40"><text x="8" y="24">${escape(title)}: no frames</text></svg>\n`;
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity, maxErr = 1;
  for (const f of frames) {
    minX = Math.min(minX, f.x, f.tx); maxX = Math.max(maxX, f.x, f.tx);
    minY = Math.min(minY, f.y, f.ty); maxY = Math.max(maxY, f.y, f.ty);
    maxErr = Math.max(maxErr, Math.hypot(f.x - f.tx, f.y - f.ty));
  }
  // One scale for both axes: the pond is not stretched.
  const scale = Math.min((W - 2 * PAD) / Math.max(maxX - minX, 1), (PATH_MAX_H - HEAD - PAD) / Math.max(maxY - minY, 1));
  const PATH_H = Math.ceil(HEAD + (maxY - minY) * scale + PAD);
  const px = (x: number) => PAD + (x - minX) * scale;
  const py = (y: number) => HEAD + (y - minY) * scale;
  const t0 = frames[0].t;
  const t1 = frames[frames.length - 1].t;
  const base = PATH_H + ERR_H - PAD / 2;
  const et = (t: number) => PAD + ((t - t0) / Math.max(1e-9, t1 - t0)) * (W - 2 * PAD);
  const ey = (e: number) => base - (e / maxErr) * (ERR_H - PAD);

  const truth = frames.map((f) => `${n(px(f.tx))},${n(py(f.ty))}`).join(" ");
  const dots = frames.map((f) => `<circle cx="${n(px(f.x))}" cy="${n(py(f.y))}" r="1.6" fill="${f.starved ? "#d33" : "#1a6fd1"}"/>`).join("");
  const err = frames.map((f) => `${n(et(f.t))},${n(ey(Math.hypot(f.x - f.tx, f.y - f.ty)))}`).join(" ");
  const starvedBars = frames.filter((f) => f.starved).map((f) => `<rect x="${n(et(f.t))}" y="${PATH_H}" width="1.2" height="${ERR_H - PAD / 2}" fill="#f4c7c7"/>`).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${PATH_H + ERR_H}" viewBox="0 0 ${W} ${PATH_H + ERR_H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${PAD}" y="20" font-weight="bold">${escape(title)}</text>
<text x="${PAD}" y="36"><tspan fill="#999">━ true path</tspan>   <tspan fill="#1a6fd1">● drawn (one a frame)</tspan>   <tspan fill="#d33">● drawn with nothing new to show</tspan></text>
<polyline points="${truth}" fill="none" stroke="#999" stroke-width="2"/>
${dots}
${starvedBars}
<line x1="${PAD}" y1="${base}" x2="${W - PAD}" y2="${base}" stroke="#ccc"/>
<polyline points="${err}" fill="none" stroke="#1a6fd1" stroke-width="1.2"/>
<text x="${PAD}" y="${PATH_H + 12}">distance drawn − true at the render instant, units (0 – ${maxErr.toFixed(1)}); red bars: frames with nothing new to show</text>
<text x="${PAD}" y="${PATH_H + ERR_H - 4}">${t0.toFixed(1)} s</text>
<text x="${W - PAD}" y="${PATH_H + ERR_H - 4}" text-anchor="end">${t1.toFixed(1)} s</text>
</svg>
`;
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
