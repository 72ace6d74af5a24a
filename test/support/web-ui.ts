import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { webUiRoot } from "sandmail";

/**
 * The built web UI the server serves. `pnpm build` normally writes it; when it is missing (a test
 * run without a build), the package's own `build` script writes it once: one build recipe.
 */
export function ensureWebUiBuilt(): string {
  const root = webUiRoot();
  if (!existsSync(`${root}/index.html`)) {
    execFileSync("pnpm", ["--filter", "@sandmail/web", "run", "build"], {
      stdio: "ignore",
      timeout: 120_000,
    });
  }
  return root;
}
