/**
 * A Content-Disposition header value with the filename in both forms of RFC 6266: an ASCII
 * fallback for old clients and the exact UTF-8 name as `filename*`.
 */
export function contentDisposition(type: "attachment" | "inline", filename: string | undefined): string {
  if (!filename) return type;
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, "_").replace(/[\r\n]/g, "") || "file";
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;

/** A media type safe to put in a header; anything malformed becomes application/octet-stream. */
export function safeMediaType(contentType: string): string {
  const bare = contentType.split(";")[0]?.trim() ?? "";
  return MEDIA_TYPE.test(bare) ? bare.toLowerCase() : "application/octet-stream";
}
