import { normalizeAddress, SandmailError, type StoreEvent } from "@sandmail/core";
import { STREAM_EVENT_TYPES, type StreamEventType } from "../schemas/events.js";

export type EventFilter = (event: StoreEvent) => boolean;

const known = new Set<string>(STREAM_EVENT_TYPES);

/** `?types=a,b`: the listed types; blanks between commas are ignored; an unknown name is a 400. */
function parseTypes(types: string | undefined): Set<StreamEventType> | undefined {
  if (types === undefined) return undefined;
  const names = types
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  const unknown = names.filter((t) => !known.has(t));
  if (unknown.length > 0) {
    throw new SandmailError(
      "invalid_request",
      `unknown event type ${JSON.stringify(unknown[0])}; known: ${STREAM_EVENT_TYPES.join(", ")}`,
      { errors: [{ in: "querystring", path: "types", message: `unknown event type ${unknown[0]}` }] },
    );
  }
  if (names.length === 0) {
    throw new SandmailError("invalid_request", "`types` names no event type", {
      errors: [{ in: "querystring", path: "types", message: "empty list" }],
    });
  }
  return new Set(names as StreamEventType[]);
}

/**
 * Which events a stream forwards. `run.deleted` always passes: it ends the stream, and a client
 * filtering it out would otherwise see the stream close for no reason it was told.
 */
export function eventFilter(query: { types?: string | undefined; inbox?: string | undefined }): EventFilter {
  const types = parseTypes(query.types);
  const inbox = query.inbox === undefined ? undefined : normalizeAddress(query.inbox);
  return (event) => {
    if (event.type === "run.deleted") return true;
    if (types && !types.has(event.type)) return false;
    if (inbox !== undefined && event.address !== inbox) return false;
    return true;
  };
}
