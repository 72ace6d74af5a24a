#!/usr/bin/env node
// Runs the compiled bundle: nothing is compiled at start. In a clone of the repository,
// `pnpm build` makes dist/ (tests run the TypeScript sources through test/support/cli.ts).
const entry = new URL("../dist/cli.js", import.meta.url);
try {
  await import(entry.href);
} catch (err) {
  if (err?.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes(entry.pathname)) {
    console.error("sandmail: dist/cli.js is missing: run `pnpm build` in the repository first.");
    process.exit(2);
  }
  throw err;
}
