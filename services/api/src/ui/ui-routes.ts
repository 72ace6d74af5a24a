import { existsSync } from "node:fs";
import { join } from "node:path";
import { SandmailError } from "@sandmail/core";
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from "fastify";
import { lazyApp } from "../plugins/lazy-app.js";

export interface UiOptions {
  /** The built web UI (services/web/dist): index.html and hashed files under assets/. */
  root: string;
}

/**
 * The UI's own pages may load only what this server serves: no inline script, no other host.
 * The message preview is a frame of this origin (its own, stricter CSP sandboxes it).
 */
const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const securityHeaders = {
  "content-security-policy": UI_CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

/** Vite names every file under assets/ by its content hash, so a name never changes meaning. */
const IMMUTABLE = "public, max-age=31536000, immutable";

/** Whether `ui` names a built UI; without one, /ui/ says so and no run is handed a UI link. */
export function isUiBuilt(ui: UiOptions | undefined): boolean {
  return ui !== undefined && existsSync(join(ui.root, "index.html"));
}

function uiNotBuilt(app: FastifyInstance): void {
  const notBuilt = async () => {
    throw new SandmailError(
      "not_found",
      "the web UI is not built in this installation: run `pnpm build` (it writes services/web/dist)",
    );
  };
  app.get("/ui", { schema: { hide: true } }, notBuilt);
  app.get("/ui/*", { schema: { hide: true } }, notBuilt);
}

/** The UI's files, served by @fastify/static on an instance of their own (see lazyApp). */
async function filesApp(root: string): Promise<FastifyInstance> {
  const { default: fastifyStatic } = await import("@fastify/static");
  const files = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  await files.register(fastifyStatic, {
    root,
    prefix: "/ui/",
    // /ui and /ui/ are one route (the router ignores trailing slashes); it is declared below.
    index: false,
    cacheControl: false,
    etag: true,
    lastModified: true,
    setHeaders(res, filePath) {
      const hashed = filePath.startsWith(join(root, "assets"));
      res.header("cache-control", hashed ? IMMUTABLE : "no-cache");
    },
  });
  files.get("/ui/", (_request, reply) => reply.sendFile("index.html"));
  return files;
}

/**
 * GET / (redirect) and /ui/: the single-page app, served from `ui.root` once a browser first asks
 * for it. Without a built UI the routes answer a problem saying so, instead of a bare 404.
 */
export function uiRoutes(ui: UiOptions | undefined): FastifyPluginAsync {
  return async (app) => {
    app.get("/", { schema: { hide: true } }, async (_request, reply) => reply.redirect("/ui/"));
    if (!ui || !isUiBuilt(ui)) {
      if (ui) app.log.warn({ root: ui.root }, "web UI directory has no index.html; /ui/ is off");
      uiNotBuilt(app);
      return;
    }
    app.addHook("onSend", async (_request, reply) => {
      reply.headers(securityHeaders);
    });
    const files = lazyApp(() => filesApp(ui.root));
    app.addHook("onClose", () => files.close());
    app.get("/ui", { schema: { hide: true } }, files.forward);
    app.get("/ui/*", { schema: { hide: true } }, files.forward);
  };
}
