/**
 * `npm run dev` (README, "Developing"): the game server under `tsx watch` on POND_SERVER_PORT, and
 * the client through Vite's dev server on DEV_PORT, which passes the API and the room sockets to
 * it (vite.config.ts). Every other variable goes to the game server as usual. Ctrl-C stops both.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { createServer } from "vite";

const root = fileURLToPath(new URL("../", import.meta.url));
const serverPort = process.env.POND_SERVER_PORT ?? "2567";
const devPort = Number(process.env.DEV_PORT ?? 5173);
const host = process.env.HOST ?? "127.0.0.1";
process.env.POND_SERVER_PORT = serverPort; // read by vite.config.ts's proxy

const tsx = createRequire(import.meta.url).resolve("tsx/cli");
const server = spawn(process.execPath, [tsx, "watch", "--clear-screen=false", "server/main.ts"], {
  cwd: root,
  stdio: "inherit",
  // The page comes from Vite; the game server serves only its API and sockets, on loopback.
  env: { ...process.env, PORT: serverPort, HOST: "127.0.0.1", CLIENT_DIR: "" },
});

const vite = await createServer({ configFile: `${root}vite.config.ts`, server: { port: devPort, strictPort: true, host } });
await vite.listen();
vite.printUrls();
console.info(`game server on http://127.0.0.1:${serverPort} (restarts on change); open the page above`);

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  server.kill("SIGTERM");
  await vite.close();
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void stop(0));
server.once("exit", (code) => {
  if (!stopping) {
    console.error(`game server exited (${code}); stopping the dev server`);
    void stop(code ?? 1);
  }
});
