export {
  ArcResult,
  AuthResultValue,
  AuthSummary as AuthView,
  DkimResult,
  DmarcResult,
  ReceivedAuthResult,
  SpfResult,
} from "@sandmail/core";
