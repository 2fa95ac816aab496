/**
 * Imported first by the bot worker, before the SDK: with BENCH_WS=ws (the default) it hides
 * Node's built-in WebSocket so that @colyseus/sdk falls back to the `ws` package it depends on
 * (its transport picks `globalThis.WebSocket || ws` when the module loads). Both speak the same
 * protocol to the server; `ws` costs the bot processes less CPU per frame, which leaves more of
 * the shared machine to the server under test. BENCH_WS=native keeps the built-in one.
 */
if ((process.env.BENCH_WS ?? "ws") === "ws") {
  Reflect.deleteProperty(globalThis, "WebSocket");
}
export {};
