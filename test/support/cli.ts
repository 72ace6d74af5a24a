import { fileURLToPath } from "node:url";

const root = new URL("../../", import.meta.url);

/**
 * Node arguments that run the `sandmail` command from its TypeScript sources, so a test sees the
 * code as it is now without a build. The built bin is tested by apps/sandmail/test (pack, layout).
 */
export const sandmailArgs: readonly string[] = [
  "--conditions=sandmail-source",
  "--import",
  new URL("node_modules/tsx/dist/loader.mjs", root).href,
  fileURLToPath(new URL("apps/sandmail/src/cli.ts", root)),
];
