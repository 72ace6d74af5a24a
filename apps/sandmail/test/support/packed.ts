import { cp, mkdtemp, readdir, readFile, realpath, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exec, outsideEnv, repoRoot } from "./outside.js";

export interface PackedProject {
  /** An npm project outside the workspace with both tarballs (and nodemailer) installed. */
  dir: string;
  tarballs: { sandmail: string; sdk: string };
}

async function npmPack(packageDir: string, destination: string): Promise<string> {
  const result = await exec("npm", ["pack", "--pack-destination", destination], {
    cwd: join(repoRoot, packageDir),
    env: outsideEnv(),
  });
  if (result.code !== 0) throw new Error(`npm pack ${packageDir} failed:\n${result.stderr}`);
  const name = result.stdout.trim().split("\n").at(-1) ?? "";
  return join(destination, name);
}

/**
 * Packs `sandmail` and `@sandmail/sdk` with npm from their built dist/ (`pnpm build`), and installs
 * both into an empty project in the system's temporary directory, as a user would. Their
 * dependencies come from the npm registry (npm's cache makes a second install quicker).
 */
export async function packAndInstall(): Promise<PackedProject> {
  for (const dir of ["apps/sandmail/dist", "packages/sdk/dist"]) {
    const files = await readdir(join(repoRoot, dir)).catch(() => []);
    if (!files.length) throw new Error(`${dir} is missing: run \`pnpm build\` (pnpm test does) first`);
  }
  const dir = await mkdtemp(join(tmpdir(), "sandmail-packed-"));
  const sandmail = await npmPack("apps/sandmail", dir);
  const sdk = await npmPack("packages/sdk", dir);
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  const install = await exec(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      "--loglevel=error",
      sandmail,
      sdk,
      "nodemailer@^10",
    ],
    { cwd: dir, env: outsideEnv({ npm_config_ignore_scripts: "true" }), timeout: 240_000 },
  );
  if (install.code !== 0) throw new Error(`npm install failed (${install.code}):\n${install.stderr}`);
  await prebuiltRe2(dir);
  return { dir, tarballs: { sandmail, sdk } };
}

/** Copies the workspace's compiled re2 addon into the project's re2 (the same version, same Node). */
async function prebuiltRe2(project: string): Promise<void> {
  const installed = join(project, "node_modules", "re2");
  const version = (JSON.parse(await readFile(join(installed, "package.json"), "utf8")) as { version: string })
    .version;
  const built = await realpath(join(repoRoot, "packages", "matcher", "node_modules", "re2"));
  const builtVersion = (
    JSON.parse(await readFile(join(built, "package.json"), "utf8")) as { version: string }
  ).version;
  if (builtVersion !== version)
    throw new Error(`re2 ${version} installed, but the workspace built ${builtVersion}`);
  await cp(join(built, "build", "Release", "re2.node"), join(installed, "build", "Release", "re2.node"));
}
