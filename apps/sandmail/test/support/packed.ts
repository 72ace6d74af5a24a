import { copyFile, mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exec, outsideEnv, repoRoot } from "./outside.js";

export interface PackedProject {
  /** An npm project outside the workspace with both tarballs (and nodemailer) installed. */
  dir: string;
  tarballs: { sandmail: string; sdk: string };
}

/** `npm pack` of a workspace package (from its built dist/) into `destination`; the tarball path. */
export async function npmPack(packageDir: string, destination: string): Promise<string> {
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
/**
 * re2 (the regex engine) is a native addon: its install downloads a prebuilt binary or compiles one
 * (minutes, and the download needs the network). Hand it the one this workspace already built, the
 * way its installer takes a mirror: a folder holding `<platform>-<arch>-<abi>`.
 */
export async function re2Mirror(dir: string): Promise<Record<string, string>> {
  const built = join(repoRoot, "packages/matcher/node_modules/re2/build/Release/re2.node");
  const mirror = join(dir, "re2-mirror");
  await mkdir(mirror);
  await copyFile(built, join(mirror, `${process.platform}-${process.arch}-${process.versions.modules}`));
  return { RE2_DOWNLOAD_MIRROR: mirror, RE2_DOWNLOAD_SKIP_PATH: "1", RE2_DOWNLOAD_SKIP_VER: "1" };
}

/** Packing takes dist/ as it is: a missing build fails here rather than as a broken install. */
export async function assertBuilt(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    const files = await readdir(join(repoRoot, dir)).catch(() => []);
    if (!files.length) throw new Error(`${dir} is missing: run \`pnpm build\` (pnpm test does) first`);
  }
}

/** `also`: more npm packages for the consumer project, installed in the same (one) npm install. */
export async function packAndInstall(also: readonly string[] = []): Promise<PackedProject> {
  await assertBuilt(["apps/sandmail/dist", "packages/sdk/dist"]);
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
      ...also,
    ],
    { cwd: dir, env: outsideEnv(await re2Mirror(dir)), timeout: 240_000 },
  );
  if (install.code !== 0) throw new Error(`npm install failed (${install.code}):\n${install.stderr}`);
  return { dir, tarballs: { sandmail, sdk } };
}
