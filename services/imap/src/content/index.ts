/**
 * The IMAP content layer: what FETCH and SEARCH compute from a stored message's raw bytes and
 * its MIME index. Pure functions, no I/O; the command layer turns their Values into responses.
 */
export type { ImapAddress } from "./address.js";
export { parseAddressList } from "./address.js";
export { type BinaryError, binaryPart } from "./binary.js";
export { bodyStructure } from "./body-structure.js";
export { envelope, envelopeWire, envelopeWireCached } from "./envelope.js";
export { BadCharsetError, ImapSyntaxError, SupportedCharsets } from "./errors.js";
export type { SearchKey, SearchLeaf } from "./search-key.js";
export { compileSearch, parseSearchDate, someSearchLeaf } from "./search-key.js";
export type { SearchContext } from "./search-match.js";
export { matchSearch, needsRawFor, prepareSearch } from "./search-match.js";
export { parseSection } from "./section.js";
export type { SequenceRange, SequenceSet } from "./sequence-set.js";
export { inSequenceSet, parseSequenceSet } from "./sequence-set.js";
export { TimeSlicer } from "./time-slice.js";
