export { isCrlfClean, normalizeCrlf } from "./crlf.js";
export { findHeaderEnd, type HeaderField, parseHeaderBlock, unfold } from "./header-block.js";
export { indexMessage } from "./index-message.js";
export { countLines } from "./mime-tree.js";
export { type ParsedAttachment, type ParsedMessage, parseMessage } from "./parse-message.js";
export { foldHeader, prependHeaders } from "./prepend.js";
export { bodyBytes, entityBytes, findPart, headerBytes } from "./slices.js";
export { decodeWords, parseAddressList, parseDate } from "./summary.js";
