import { inflateSync } from "node:zlib";

/**
 * A small PNG reader for screenshots (8-bit RGB/RGBA, not interlaced: what Chromium writes),
 * so tests can look at pixels without an image library.
 */
export interface Image {
  width: number;
  height: number;
  /** RGBA, row-major. */
  data: Uint8Array;
}

export function decodePng(buffer: Buffer): Image {
  if (buffer.readUInt32BE(0) !== 0x89504e47) throw new Error("not a PNG");
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString("latin1", offset + 4, offset + 8);
    const body = buffer.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const depth = body[8];
      const colorType = body[9];
      const interlace = body[12];
      if (depth !== 8 || interlace !== 0 || (colorType !== 2 && colorType !== 6)) {
        throw new Error(`unsupported PNG (depth ${depth}, colour type ${colorType}, interlace ${interlace})`);
      }
      channels = colorType === 6 ? 4 : 3;
    } else if (type === "IDAT") {
      idat.push(body);
    } else if (type === "IEND") {
      break;
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  const prev = new Uint8Array(stride);
  const line = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? line[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      let v = src[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      line[i] = v & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      out[o] = line[x * channels];
      out[o + 1] = line[x * channels + 1];
      out[o + 2] = line[x * channels + 2];
      out[o + 3] = channels === 4 ? line[x * channels + 3] : 255;
    }
    prev.set(line);
  }
  return { width, height, data: out };
}

export interface PixelStats {
  /** Distinct colours (RGB, quantized to 5 bits per channel). */
  distinctColors: number;
  /** Pixels whose brightest channel is above `brightAbove`. */
  brightPixels: number;
  /** Pixels that differ from pure black by more than a few levels. */
  nonBlackPixels: number;
  /** Mean of (r+g+b)/3. */
  meanLuma: number;
  total: number;
}

/** Colour statistics over the whole image, or a rectangle of it. */
export function pixelStats(
  image: Image,
  region: { x: number; y: number; width: number; height: number } = { x: 0, y: 0, width: image.width, height: image.height },
  brightAbove = 170,
): PixelStats {
  const colors = new Set<number>();
  let bright = 0;
  let nonBlack = 0;
  let luma = 0;
  let total = 0;
  const x1 = Math.min(image.width, region.x + region.width);
  const y1 = Math.min(image.height, region.y + region.height);
  for (let y = Math.max(0, region.y); y < y1; y++) {
    for (let x = Math.max(0, region.x); x < x1; x++) {
      const o = (y * image.width + x) * 4;
      const r = image.data[o];
      const g = image.data[o + 1];
      const b = image.data[o + 2];
      colors.add(((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3));
      const max = Math.max(r, g, b);
      if (max > brightAbove) bright++;
      if (max > 6) nonBlack++;
      luma += (r + g + b) / 3;
      total++;
    }
  }
  return { distinctColors: colors.size, brightPixels: bright, nonBlackPixels: nonBlack, meanLuma: total ? luma / total : 0, total };
}
