import { ConfigError, readConfig } from "./config.ts";
import { createPondServer } from "./app.ts";
import { createLogger, routeConsoleWarnings } from "./logger.ts";
import { admission } from "./rooms/admission.ts";

let config;
try {
  config = readConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Configuration error: ${error.message}`);
  process.exit(2);
}

const log = createLogger(config.logLevel);
routeConsoleWarnings(log);
const server = createPondServer(config, { logger: log });
server.onBeforeShutdown(() => log.info({ players: admission.playerCount }, "shutting down: locking ponds, moving players"));
server.onShutdown(() => log.info("shutdown complete"));
await server.listen(config.port, config.host);
const shown = config.host === "0.0.0.0" ? "localhost" : config.host;
log.info({ port: config.port, host: config.host, tickRate: config.tickRate, redis: Boolean(config.redisUrl) },
  `Tadpole Pond listening on http://${shown}:${config.port}`);
