/**
 * What food costs the tick (issue "Life in the pond": < 1 ms for 2,000 specks with 1,000
 * tadpoles over the tadpoles alone): the tick model (scripts/bench/model.ts, the server's own Pond
 * and serializer, no sockets) with and without food, in alternating pairs in one process so a
 * busy machine's drift hits both sides alike; prints the medians and each pair's difference.
 *
 *   npx tsx scripts/bench/foodCost.ts [pairs, default 8] [specks, default 2000]
 */
import { DEFAULT_FOOD_COUNT } from "../../shared/growth.ts";
import { modelTick } from "./model.ts";

const pairs = Math.max(1, Number(process.argv[2] ?? 8) | 0);
const specks = Math.max(1, Number(process.argv[3] ?? DEFAULT_FOOD_COUNT) | 0);
const SIZE = 1000;
/** The const-density radius the load benchmark gives 1,000 tadpoles (~56 in view). */
const VIEW_RADIUS = 328;

const withFood: number[] = [];
const without: number[] = [];
const eating: number[] = [];
const foodBytes: number[] = [];
for (let i = 0; i < pairs; i++) {
  const fed = modelTick(SIZE, true, VIEW_RADIUS, { seed: 7 + i, food: specks, maxTicks: 200, maxMs: 30_000 });
  const bare = modelTick(SIZE, true, VIEW_RADIUS, { seed: 7 + i, food: 0, maxTicks: 200, maxMs: 30_000 });
  withFood.push(fed.cpuMs);
  without.push(bare.cpuMs);
  eating.push(fed.foodMs);
  foodBytes.push(fed.foodBytesPerClientPerSecond);
}
const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)];
const diffs = withFood.map((w, i) => w - without[i]);
console.log(`${SIZE} tadpoles, view radius ${VIEW_RADIUS}, ${specks} specks, ${pairs} pairs`);
console.log(`CPU per tick (median): ${median(withFood).toFixed(2)} ms with food, ${median(without).toFixed(2)} ms without`);
console.log(`food's cost (median of pair differences): ${median(diffs).toFixed(2)} ms; pairs: ${diffs.map((d) => d.toFixed(2)).join(" ")}`);
console.log(`eating alone (wall, median): ${median(eating).toFixed(3)} ms per tick; food sections: ${median(foodBytes).toFixed(0)} B/s per client`);
