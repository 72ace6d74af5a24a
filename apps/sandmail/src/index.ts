export { DEFAULT_RUN_ID, defaultCatchAll } from "./default-run.js";
export * from "./serve.js";
export { createStore } from "./store.js";
export { webUiRoot } from "./web-ui.js";
