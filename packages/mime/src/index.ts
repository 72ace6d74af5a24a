export * from "./auth/index.js";
export { CrlfNormalizer, isCrlfClean, normalizeCrlf } from "./crlf.js";
export {
  decodeCharset,
  decodeTextPieces,
  decodeTransferPieces,
  decodeWords,
  MalformedEncodingError,
  transferKind,
} from "./decode.js";
export * from "./extract/index.js";
export { findHeaderEnd, type HeaderField, parseHeaderBlock, unfold } from "./header-block.js";
export { fieldValue, type LocatedField, locateFields } from "./header-fields.js";
export { indexMessage, indexMimeTree, indexMimeTreeOrOpaque, summarizeMessage } from "./index-message.js";
export { internString } from "./intern.js";
export { type MimeValue, parseMimeValue } from "./mime-params.js";
export { countLines } from "./mime-tree.js";
export { type ParsedAttachment, type ParsedMessage, parseMessage } from "./parse-message.js";
export { foldHeader, prependHeaders } from "./prepend.js";
export { readQuotedString, skipCfws } from "./rfc5322-lexer.js";
export { findPart, type SectionSpec, type SectionSpecifier, sectionBytes } from "./sections.js";
export { bodyBytes, headerBytes } from "./slices.js";
export { parseAddressList, parseDate } from "./summary.js";
