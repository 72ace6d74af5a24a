import { fileURLToPath } from "node:url";

/**
 * Where the built web UI lives: services/web/dist of this workspace (written by `pnpm build`).
 * The API answers /ui/ with "not built" when the directory has no index.html.
 */
export function webUiRoot(): string {
  return fileURLToPath(new URL("../../../services/web/dist", import.meta.url));
}
