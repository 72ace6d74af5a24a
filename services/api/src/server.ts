import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.js";
import type { BuildAppOptions } from "./options.js";

export interface ApiServer {
  app: FastifyInstance;
  /** The port actually bound (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/** Builds the API and listens on host:port (port 0 picks a free port). */
export async function startApiServer(
  options: BuildAppOptions & { host: string; port: number },
): Promise<ApiServer> {
  const { host, port, ...appOptions } = options;
  const app = await buildApp(appOptions);
  try {
    await app.listen({ host, port });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address();
  return {
    app,
    port: typeof address === "object" && address ? address.port : port,
    close: () => app.close(),
  };
}
