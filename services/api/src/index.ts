export { buildApp } from "./app.js";
export type { BuildAppOptions, Endpoints } from "./options.js";
export type { UiOptions } from "./ui/ui-routes.js";
export { uiUrl } from "./views/run.js";
