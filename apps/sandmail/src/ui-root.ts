import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The bundle (dist/*.js) and the sources (src/*.ts) both sit two levels below the package root,
// and the package three below the repository root, so the same relative URLs serve both.
const candidates = [
  // The published package: `pnpm build` copies services/web/dist to dist/ui.
  new URL("./ui/", import.meta.url),
  // A clone of the repository: the web package's own build.
  new URL("../../../services/web/dist/", import.meta.url),
];

/** The directory of the built web UI (it holds index.html), or undefined when none was built. */
export function uiRoot(): string | undefined {
  for (const url of candidates) {
    if (existsSync(new URL("index.html", url))) return fileURLToPath(url);
  }
  return undefined;
}
