import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { env as envOf, readDockerfile, type Stage } from "./support/dockerfile.js";
import { repoRoot } from "./support/outside.js";

/**
 * No Docker engine runs here, so docker-compose.yml and the README's `docker run` line are held to
 * the Dockerfile and to the deployment's promises by reading them: one image build, ports safe by
 * default, one certificate volume, every front end present.
 */

interface Service {
  image?: string;
  build?: unknown;
  pull_policy?: string;
  profiles?: string[];
  command?: string[];
  ports?: Array<string | { host_ip?: string; published?: string | number; target: number }>;
  volumes?: Array<string | { source?: string; target: string }>;
  environment?: Record<string, string | null>;
}

interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "[::1]"]);

/** Host address and container port of a published port, short or long syntax. */
function published(port: NonNullable<Service["ports"]>[number]): {
  hostIp: string | undefined;
  target: number;
} {
  if (typeof port !== "string") return { hostIp: port.host_ip, target: port.target };
  // [ip:]host:container[/proto]; an IPv6 address comes in brackets.
  const parts = /^(?:(\[[^\]]+\]|[^:]+):)?(?:([^:]+):)?(\d+)(?:\/\w+)?$/.exec(port);
  if (!parts) throw new Error(`unreadable port ${port}`);
  const [, first, second, target] = parts;
  return { hostIp: second === undefined ? undefined : first, target: Number(target) };
}

/** The API key is demanded (`${SANDMAIL_API_KEY:?...}`), not merely allowed. */
const keyRequired = (service: Service) =>
  /^\$\{SANDMAIL_API_KEY:?\?/.test(service.environment?.SANDMAIL_API_KEY ?? "");

describe("deployment files", () => {
  let compose: Compose;
  let runtime: Stage;
  let exposed: number[];
  let volume: string;

  beforeAll(async () => {
    compose = parse(await readFile(join(repoRoot, "docker-compose.yml"), "utf8"), { merge: true }) as Compose;
    const stages = await readDockerfile();
    runtime = stages.at(-1) as Stage;
    exposed = runtime.instructions
      .filter((i) => i.op === "EXPOSE")
      .flatMap((i) => i.args.split(" ").map(Number));
    volume = runtime.instructions.find((i) => i.op === "VOLUME")?.args ?? "";
  });

  const sandmailServices = () =>
    Object.entries(compose.services).filter(([, s]) => s.command?.[0] === "serve");

  it("docker-compose builds the sandmail image once and the other services reuse it", () => {
    const services = sandmailServices();
    expect(services.map(([name]) => name).sort()).toEqual(["api", "imap", "pop3", "smtp"]);
    const images = new Set(services.map(([, s]) => s.image));
    expect(images.size).toBe(1);
    const builders = services.filter(([, s]) => s.build !== undefined);
    expect(builders).toHaveLength(1);
    // Built from the repository's Dockerfile, the one packaged.test.ts replays.
    expect(builders[0]?.[1].build).toBe(".");
    for (const [name, s] of services)
      if (s.build === undefined) expect(s.pull_policy, `${name} must not pull the local image`).toBe("never");
    // Every other build belongs to an optional profile (spamd).
    for (const [name, s] of Object.entries(compose.services))
      if (s.build !== undefined && s.image !== [...images][0]) expect(s.profiles, name).toBeDefined();
  });

  it("publishes every port on loopback unless the API key is required, and only ports the image exposes", () => {
    let count = 0;
    for (const [name, s] of Object.entries(compose.services)) {
      for (const port of s.ports ?? []) {
        count++;
        const { hostIp, target } = published(port);
        if (!keyRequired(s))
          expect(LOOPBACK.has(hostIp ?? ""), `${name} publishes ${JSON.stringify(port)}`).toBe(true);
        if (s.command?.[0] === "serve") expect(exposed, `${name}: ${target}`).toContain(target);
      }
    }
    expect(count).toBeGreaterThan(0);
  });

  it("promises no `--scale` that fixed port maps would break", async () => {
    const text = await readFile(join(repoRoot, "docker-compose.yml"), "utf8");
    expect(text).not.toMatch(/--scale/);
  });

  it("shares one named volume for the certificate directory the image keeps", () => {
    const tlsDir = envOf(runtime).SANDMAIL_TLS_DIR ?? "";
    expect(tlsDir.startsWith(`${volume}/`)).toBe(true);
    const sources = new Set<string>();
    for (const [name, s] of sandmailServices()) {
      const mount = (s.volumes ?? [])
        .map((v) => (typeof v === "string" ? { source: v.split(":")[0], target: v.split(":")[1] } : v))
        .find((v) => v.target === volume);
      expect(mount, `${name} mounts ${volume}`).toBeDefined();
      sources.add(mount?.source ?? "");
    }
    expect(sources.size).toBe(1);
    expect(Object.keys(compose.volumes ?? {})).toContain([...sources][0]);
  });

  it("the README's one-container `docker run` line matches the Dockerfile", async () => {
    const readme = await readFile(join(repoRoot, "README.md"), "utf8");
    const line = /docker build -t (\S+) \. && docker run ([^`]*?)(\S+)\n {2}```/.exec(
      readme.replace(/\\\n\s*/g, ""),
    );
    expect(line).not.toBeNull();
    const [, tag, args = "", image] = line ?? [];
    expect(image).toBe(tag);
    expect(/-v \S+:(\S+)/.exec(args)?.[1]).toBe(volume);
    const ports = [...args.matchAll(/-p (\S+)/g)].map((m) => published(m[1] ?? ""));
    expect(ports.length).toBeGreaterThan(0);
    for (const p of ports) {
      expect(exposed).toContain(p.target);
      expect(LOOPBACK.has(p.hostIp ?? "")).toBe(true);
    }
    // Every front end reachable: SMTP, IMAP, POP3 and the API (the in-memory store, no Redis).
    expect(ports.map((p) => p.target)).toEqual(expect.arrayContaining([2525, 1143, 1110, 8025]));
    expect(args).not.toMatch(/REDIS_URL/);
  });

  it("names one repository in every published package, the image label and the README's action", async () => {
    const manifests = await Promise.all(
      ["apps/sandmail", "packages/sdk"].map(
        async (dir) =>
          JSON.parse(await readFile(join(repoRoot, dir, "package.json"), "utf8")) as {
            private?: boolean;
            repository: { url: string; directory: string };
            homepage: string;
            bugs: { url: string };
          },
      ),
    );
    const urls = new Set(manifests.map((m) => m.repository.url.replace(/^git\+/, "").replace(/\.git$/, "")));
    expect(urls.size).toBe(1);
    const [repo = ""] = urls;
    for (const m of manifests) {
      expect(m.private).not.toBe(true);
      expect(m.homepage.startsWith(repo)).toBe(true);
      expect(m.bugs.url).toBe(`${repo}/issues`);
    }
    const label = runtime.instructions.find((i) => i.op === "LABEL")?.args ?? "";
    expect(label).toContain(`org.opencontainers.image.source="${repo}"`);
    const readme = await readFile(join(repoRoot, "README.md"), "utf8");
    const slug = new URL(repo).pathname.slice(1);
    for (const [, uses] of readme.matchAll(/uses: ([\w-]+\/[\w-]+)@/g))
      if (uses?.startsWith("sandmail/") || uses === slug) expect(uses).toBe(slug);
  });

  it("gives each published package a README whose links work on the npm page: absolute, into the one repository", async () => {
    const repo = "https://github.com/sandmail/sandmail";
    for (const dir of ["apps/sandmail", "packages/sdk"]) {
      const readme = await readFile(join(repoRoot, dir, "README.md"), "utf8");
      // [text](target) and <https://...> autolinks; an in-page #anchor works anywhere.
      const targets = [
        ...[...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? ""),
        ...[...readme.matchAll(/<(https?:[^>]+)>/g)].map((m) => m[1] ?? ""),
      ].filter((t) => !t.startsWith("#"));
      expect(targets.length, dir).toBeGreaterThan(0);
      for (const target of targets) {
        expect(target, `${dir}/README.md`).toMatch(/^https:\/\//);
        if (target.includes("github.com")) expect(target.startsWith(repo), target).toBe(true);
      }
    }
  });
});
