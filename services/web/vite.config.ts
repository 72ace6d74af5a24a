import { defineConfig } from "vite";

// The API serves dist/ at /ui/; hashed files under assets/ are cached for a year.
export default defineConfig({
  base: "/ui/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // The page's CSP allows no inline script; the polyfill is for browsers older than the target anyway.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
