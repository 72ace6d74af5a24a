import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The bundle (dist/*.js) and the sources (src/*.ts) both sit one level below the package root,
// and the package two below the repository root, so the same relative URLs serve both.
const packaged = new URL("./ui/", import.meta.url);
const workspace = new URL("../../../services/web/dist/", import.meta.url);

/**
 * Where the built web UI lives: dist/ui in the published package (the build copies it there),
 * else services/web/dist of this workspace (written by `pnpm build`). The API answers /ui/ with
 * "not built" when the directory has no index.html.
 */
export function webUiRoot(): string {
  const found = [packaged, workspace].find((url) => existsSync(new URL("index.html", url)));
  return fileURLToPath(found ?? workspace);
}
