export { buildApp } from "./app.js";
export type { BuildAppOptions, Endpoints } from "./options.js";
export { type ApiServer, startApiServer } from "./server.js";
