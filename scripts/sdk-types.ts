/**
 * The SDK's wire types are generated from the API's OpenAPI document, which is generated from the
 * zod schemas: one source for every shape a client sees. `pnpm --filter @sandmail/sdk generate`
 * (run by the SDK's build) writes packages/sdk/src/generated/openapi.ts; test/sdk-types.test.ts
 * regenerates it and fails when the committed file differs.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString, type OpenAPI3 } from "openapi-typescript";
import { loadConfig } from "../packages/core/src/index.js";
import { MemoryStore } from "../packages/store/src/index.js";
import { buildApp } from "../services/api/src/index.js";

export const generatedTypesPath = fileURLToPath(
  new URL("../packages/sdk/src/generated/openapi.ts", import.meta.url),
);

const banner = `/*
 * Generated from the API's /openapi.json by scripts/sdk-types.ts; do not edit.
 * Regenerate with \`pnpm --filter @sandmail/sdk generate\`.
 */
`;

/** The OpenAPI document as a default-configured server serves it. */
export async function openApiDocument(): Promise<OpenAPI3> {
  const store = new MemoryStore();
  const app = await buildApp({
    config: loadConfig({}),
    store,
    endpoints: { host: "127.0.0.1", smtpPort: 2525, smtpsPort: 4650 },
  });
  try {
    await app.ready();
    return (await app.inject({ url: "/openapi.json" })).json();
  } finally {
    await app.close();
    await store.close();
  }
}

export async function generateSdkTypes(): Promise<string> {
  const ast = await openapiTS(await openApiDocument(), {
    exportType: true,
  });
  return banner + astToString(ast);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(generatedTypesPath, await generateSdkTypes());
  console.log(`wrote ${generatedTypesPath}`);
}
