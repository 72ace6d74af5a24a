export {
  createIngest,
  type Delivery,
  type DeliveryResult,
  type Ingest,
  type IngestOptions,
  type Route,
} from "./ingest.js";
export { PromptGreetingServer } from "./prompt-greeting.js";
export { receivedHeader, rfc5322Date } from "./received.js";
export { SmtpReplyError } from "./replies.js";
export { createSmtpService, type SmtpPorts, type SmtpService, type SmtpServiceOptions } from "./service.js";
