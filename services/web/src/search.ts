/**
 * The search box -> the list's query parameters, which are the API's wait criteria:
 * `to:alice subject:/welcome/i from:shop text:482913 header:"X-Campaign: spring" is:unread`.
 * Words without a field search the subject. Values are passed through as the API reads them
 * (contains, `/re/flags`, `"exact"`), so the list shows what a wait with them would match.
 */
const FIELDS = new Set(["to", "from", "subject", "text", "header"]);

export function searchParams(query: string): URLSearchParams {
  const params = new URLSearchParams();
  const free: string[] = [];
  // field:"quoted value", field:/regex/flags, field:word, or a bare word
  const tokens = query.match(/[a-z]+:(?:"[^"]*"|\/(?:\\.|[^/])*\/[a-z]*|\S+)|"[^"]*"|\S+/gi) ?? [];
  for (const token of tokens) {
    const colon = token.indexOf(":");
    const field = colon > 0 ? token.slice(0, colon).toLowerCase() : "";
    const value = colon > 0 ? token.slice(colon + 1) : token;
    if (field === "is" && value.toLowerCase() === "unread") params.set("unread", "true");
    else if (field === "is" && value.toLowerCase() === "read") params.set("unread", "false");
    else if (FIELDS.has(field)) {
      // header values are "Name: value"; quotes only group the words of the search box
      params.append(field, field === "header" ? value.replace(/^"|"$/g, "") : value);
    } else free.push(token);
  }
  if (free.length > 0 && !params.has("subject")) params.set("subject", free.join(" "));
  return params;
}
