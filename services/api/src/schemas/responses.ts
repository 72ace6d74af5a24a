import type { z } from "zod";

/** A JSON success response with its own description in the OpenAPI document. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}
