import { RADAR_COLS, encodeRadar, radarCellOf } from "../../shared/radar.ts";
import { ByteWriter } from "../../shared/stream/bytes.ts";

/** Anything with a position: the pond's members. */
interface Positioned {
  readonly body: { readonly x: number; readonly y: number };
}

/**
 * The radar's server half (shared/radar.ts): counts every swimmer into a coarse grid over the
 * whole pond, in one pass over the swimmers, and encodes the counts once. The room sends the
 * same bytes to every client once a second (RADAR_INTERVAL_MS): nothing per tick, nothing per
 * client but the send.
 */
export class PondRadar {
  /** The counts of the last build, cell by cell (see shared/radar.ts RadarGrid). */
  readonly counts: Uint32Array;
  private readonly writer = new ByteWriter(512);

  constructor(readonly cols = RADAR_COLS) {
    this.counts = new Uint32Array(cols * cols);
  }

  /** Counts `swimmers` where they are now and encodes them: a view valid until the next build. */
  build(swimmers: ReadonlyArray<Positioned>): Uint8Array {
    const counts = this.counts;
    const cols = this.cols;
    counts.fill(0);
    for (let i = 0; i < swimmers.length; i++) {
      const body = swimmers[i].body;
      counts[radarCellOf(cols, body.x, body.y)]++;
    }
    return encodeRadar(cols, counts, this.writer);
  }
}
