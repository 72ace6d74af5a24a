import { defineConfig } from "@playwright/test";

// No browser is needed to show the fixture: these tests use `run`, not `page`.
export default defineConfig({ testDir: "./playwright", reporter: "line", workers: 1 });
