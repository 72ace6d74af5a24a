import { existsSync } from "node:fs";
import { defineConfig } from "tsdown";

/** The web UI's build, shipped inside the package as dist/ui (see src/ui-root.ts). */
const webDist = "../../services/web/dist";

// One self-contained package: the private @sandmail/* workspace packages are bundled in (from their
// sources), the npm packages in `dependencies` stay imports. A workspace package added to
// devDependencies tomorrow is bundled the same way with no change here.
export default defineConfig({
  entry: ["src/cli.ts", "src/index.ts"],
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
  copy: existsSync(webDist) ? [{ from: webDist, to: "dist/ui" }] : [],
});
