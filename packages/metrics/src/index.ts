export { ActiveGauge } from "./active-gauge.js";
export { type LoopStallMeter, startLoopStallMeter } from "./loop-stall.js";
export {
  createMetrics,
  METRIC_PREFIX,
  type MetricsOptions,
  type SandmailMetrics,
  SMTP_RESULTS,
  type SmtpResult,
} from "./metrics.js";
