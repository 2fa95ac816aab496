import { orbitSteer, ringRadius } from "../../../kit/player/orbit.ts";
import { closeAll, PondProbe } from "../../helpers/pondClient.ts";

/**
 * Headless players (the game's own net layer, in this process) that circle a point of the
 * pond, so a browser player has company on screen: the "many tadpoles" scene.
 */
export class Swimmers {
  private timer: NodeJS.Timeout | undefined;
  centre = { x: 0, y: 0 };
  private radii: number[] = [];

  private constructor(readonly probes: PondProbe[]) {}

  /** Joins `count` swimmers named `${prefix}1..n`, a few at a time. */
  static async join(url: string, count: number, prefix = "swimmer"): Promise<Swimmers> {
    const probes: PondProbe[] = [];
    try {
      for (let i = 0; i < count; i += 6) {
        const batch = Array.from({ length: Math.min(6, count - i) }, (_, k) => PondProbe.join(url, { name: `${prefix}${i + k + 1}`, timeoutMs: 20_000 }));
        const settled = await Promise.allSettled(batch);
        for (const result of settled) if (result.status === "fulfilled") probes.push(result.value);
        const failed = settled.find((r) => r.status === "rejected");
        if (failed) throw (failed as PromiseRejectedResult).reason;
      }
    } catch (error) {
      await closeAll(probes);
      throw error;
    }
    return new Swimmers(probes);
  }

  /**
   * Circles `centre` on rings between minRadius and maxRadius (world units): rings inside the
   * screen put tadpoles in view, rings beyond it give the edge arrows something to point at.
   */
  orbit(centre: { x: number; y: number }, minRadius: number, maxRadius: number, thrust = 0.35): void {
    this.centre = centre;
    const n = this.probes.length;
    this.radii = this.probes.map((_, i) => ringRadius(i, n, minRadius, maxRadius));
    for (const probe of this.probes) probe.drive({ thrust: 0 });
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      this.probes.forEach((probe, i) => {
        const self = probe.tadpole(probe.id);
        if (!self) return;
        orbitSteer(self.x, self.y, this.centre.x, this.centre.y, this.radii[i], thrust, i % 2 === 0, probe.steer);
      });
    }, 50);
  }

  /** How many swimmers are within `tolerance` units of their ring. */
  onRing(tolerance: number): number {
    return this.probes.filter((probe, i) => {
      const t = probe.tadpole(probe.id);
      return t !== undefined && Math.abs(Math.hypot(t.x - this.centre.x, t.y - this.centre.y) - this.radii[i]) < tolerance;
    }).length;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await closeAll(this.probes);
  }
}
