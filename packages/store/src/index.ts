export { CatchAllRun, type CatchAllSettings } from "./catch-all.js";
export type * from "./contract.js";
export { MemoryStore, type MemoryStoreOptions } from "./memory/memory-store.js";
export { isClusterUrl, openQueueConnection, type RedisConnection } from "./redis/connection.js";
export { RedisStore, type RedisStoreOptions } from "./redis/redis-store.js";
export { byFolderName } from "./shared/mailbox-names.js";
export { FlagSets, UidColumns } from "./shared/uid-columns.js";
export { isDeliveryId, isWebhookId, newDeliveryId } from "./shared/webhook-inputs.js";
export * from "./webhook-contract.js";
