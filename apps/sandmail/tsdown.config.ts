import { existsSync } from "node:fs";
import { defineConfig } from "tsdown";

/** The web UI's build, shipped inside the package as dist/ui (see src/web-ui.ts). */
const webDist = "../../services/web/dist";

/**
 * The worker pool's thread module is found at run time beside the code that starts the pool
 * (`new URL("./worker-entry.mjs", import.meta.url)`), and it imports ./tasks.js: both go to the top
 * of dist/, where every bundled chunk lives.
 */
const workerEntry = "../../packages/work/src/worker-entry.mjs";
const withWorker = existsSync(workerEntry);

// One self-contained package: the private @sandmail/* workspace packages are bundled in (from their
// sources), the npm packages in `dependencies` stay imports. A workspace package added to
// devDependencies tomorrow is bundled the same way with no change here.
export default defineConfig({
  entry: {
    cli: "src/cli.ts",
    index: "src/index.ts",
    ...(withWorker ? { tasks: "../../packages/work/src/tasks.ts" } : {}),
  },
  format: "esm",
  platform: "node",
  target: "node20",
  tsconfig: "tsconfig.build.json",
  sourcemap: true,
  dts: { resolve: [/^@sandmail\//] },
  clean: true,
  fixedExtension: false,
  deps: { alwaysBundle: [/^@sandmail\//] },
  inputOptions: {
    resolve: { conditionNames: ["sandmail-source", "module", "node", "import", "default"] },
  },
  copy: [
    ...(existsSync(webDist) ? [{ from: webDist, to: "dist", rename: "ui" }] : []),
    ...(withWorker ? [{ from: workerEntry, to: "dist" }] : []),
  ],
});
