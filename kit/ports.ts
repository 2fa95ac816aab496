import { createServer } from "node:net";

/**
 * Asks the OS for a TCP port that is free right now on `host`. Another process can take it
 * before we bind it, so callers that spawn servers should retry on EADDRINUSE (see
 * startServer in kit/server.ts); in-process servers should prefer listening on port 0 directly.
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error("could not read the probe's port"))));
    });
  });
}
