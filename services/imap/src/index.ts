export { capabilityList } from "./commands/index.js";
export { createImapService, type ImapService, type ImapServiceOptions } from "./service.js";
