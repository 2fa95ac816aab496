import { afterAll, beforeAll } from "vitest";
import { stopAll } from "../../../kit/process.ts";
import { freshDatabase, startNode, type ClusterNode } from "./cluster.ts";
import type { SessionPool } from "./sessions.ts";

/**
 * Two server processes in one cluster, on a Redis database of the file's own (so files running
 * side by side never share ponds), started before the file's tests. At the end the file's
 * sessions close first, so the processes stop with no players left, then both stop and
 * stopAll() kills anything a failed start left behind. `started` hands the nodes to the file.
 */
export function useTwoNodes(
  testRedis: string,
  db: number,
  maxPlayers: number,
  pool: SessionPool,
  started: (a: ClusterNode, b: ClusterNode) => void,
): void {
  let nodes: ClusterNode[] = [];

  beforeAll(async () => {
    const redisUrl = await freshDatabase(testRedis, db);
    const [a, b] = await Promise.all([
      startNode({ redisUrl, maxPlayers }),
      startNode({ redisUrl, maxPlayers }),
    ]);
    nodes = [a, b];
    started(a, b);
  });

  afterAll(async () => {
    await pool.closeAll();
    await Promise.all(nodes.map((node) => node.stop()));
    await stopAll();
  });
}
