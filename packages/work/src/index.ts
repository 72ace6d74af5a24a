export {
  createWorkerPool,
  type WorkerPool,
  type WorkerPoolOptions,
  WorkTimeoutError,
} from "./pool.js";
export type { ReadMessageOutput, TaskInput, TaskName, TaskOutput } from "./tasks.js";
