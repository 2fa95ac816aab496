import { launchBrowser, type LaunchedBrowser } from "../../kit/browser/launch.ts";
import { copyBuiltClient, startGameServer, type ClientCopy } from "../../kit/browser/builtClient.ts";
import type { ServerProcess } from "../../kit/server.ts";

export interface Stage { client: ClientCopy; server: ServerProcess; chromium: LaunchedBrowser }

/**
 * What both measurements play on: a private copy of dist/ (a build running meanwhile must not
 * swap the assets), a game server of its own serving it with `env` (LOG_LEVEL=warn), and
 * Chromium. `play` runs with them; all three are closed after, whatever happened.
 */
export async function onStage<T>(env: Record<string, string>, play: (stage: Stage) => Promise<T>, copy = copyBuiltClient): Promise<T> {
  const stage: Partial<Stage> = {};
  try {
    stage.client = await copy();
    stage.server = await startGameServer({ clientDir: stage.client.dir, env });
    stage.chromium = await launchBrowser();
    return await play(stage as Stage);
  } finally {
    await stage.chromium?.close();
    await stage.server?.stop();
    stage.client?.remove();
  }
}
