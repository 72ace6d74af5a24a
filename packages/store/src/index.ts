export { CatchAllRun, type CatchAllSettings } from "./catch-all.js";
export type * from "./contract.js";
export { MemoryStore, type MemoryStoreOptions } from "./memory/memory-store.js";
export { RedisStore, type RedisStoreOptions } from "./redis/redis-store.js";
export { byFolderName } from "./shared/mailbox-names.js";
export { FlagSets, UidColumns } from "./shared/uid-columns.js";
