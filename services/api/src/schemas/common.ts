import { RUN_ID_PATTERN } from "@sandmail/core";
import { z } from "zod";

export const Timestamp = z.iso.datetime().meta({ examples: ["2026-03-01T12:00:00.000Z"] });

export const RunId = z
  .string()
  .regex(RUN_ID_PATTERN, "a run id: lowercase letters, digits and inner dashes")
  .describe("The run id, as returned by POST /v1/runs.")
  .meta({ examples: ["k3x9q2m7za"] });

export const MessageId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, "a message id")
  .describe("A message id, unique within its run.")
  .meta({ examples: ["1a"] });

export const RunParams = z.object({ run: RunId });

export const MessageParams = z.object({ run: RunId, id: MessageId });

export const AttachmentParams = z.object({
  run: RunId,
  id: MessageId,
  n: z.coerce
    .number()
    .int()
    .min(0)
    .describe("The attachment's `index` in the message view (0-based).")
    .meta({ examples: [0] }),
});

export const Address = z
  .object({
    name: z.string().describe("Display name, decoded; empty when there is none."),
    address: z.string().describe("The mail address as written."),
  })
  .meta({ id: "Address", examples: [{ name: "Shop", address: "no-reply@shop.example" }] });

/** Empty body, for 204 answers. */
export const NoContent = z.undefined().describe("No content.");
