const SVG = "http://www.w3.org/2000/svg";

/**
 * A line icon on a 24×24 grid, built as DOM nodes (an emoji may be missing from the system
 * fonts): each path is stroked in the text colour. `attributes` adds stroke settings such as
 * stroke-linecap or stroke-linejoin.
 */
export function strokedIcon(paths: readonly string[], strokeWidth: number, attributes: Record<string, string> = {}): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  for (const d of paths) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", String(strokeWidth));
    for (const [name, value] of Object.entries(attributes)) path.setAttribute(name, value);
    svg.appendChild(path);
  }
  return svg;
}
