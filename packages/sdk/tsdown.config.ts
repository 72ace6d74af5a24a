import { defineConfig } from "tsdown";

// ESM for import, CommonJS for require (Jest 30 without ESM loads @sandmail/sdk/jest), each with
// its own declarations (.d.ts / .d.cts), so both module systems get types.
export default defineConfig({
  entry: ["src/index.ts", "src/vitest.ts", "src/jest.ts", "src/playwright.ts"],
  format: ["esm", "cjs"],
  platform: "node",
  target: "node20",
  tsconfig: "tsconfig.build.json",
  sourcemap: true,
  dts: true,
  fixedExtension: false,
  clean: true,
});
