import { ConfigError, readConfig } from "./config.ts";
import { createPondServer } from "./app.ts";

try {
  const config = readConfig();
  const server = createPondServer(config);
  await server.listen(config.port, config.host);
  const shown = config.host === "0.0.0.0" ? "localhost" : config.host;
  console.log(`Tadpole Pond listening on http://${shown}:${config.port} (tick ${config.tickRate} Hz)`);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
