import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generatedTypesPath, generateSdkTypes } from "../scripts/sdk-types.js";

describe("the SDK's wire types", () => {
  it("are what the server's OpenAPI document generates today", async () => {
    const committed = readFileSync(generatedTypesPath, "utf8");
    const fresh = await generateSdkTypes();
    // On failure: run `pnpm --filter @sandmail/sdk generate` and commit the result.
    expect(committed === fresh, "packages/sdk/src/generated/openapi.ts is stale").toBe(true);
    expect(fresh).toContain("MessageDetail: {");
  });
});
