import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { startRedisServer, type TestRedis } from "./redis-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of a redis-server started for this test run; tests may use any key space on it. */
    redisUrl: string;
  }
}

let redis: TestRedis | undefined;

export async function setup(project: TestProject): Promise<void> {
  redis = await startRedisServer();
  project.provide("redisUrl", redis.url);
}

export async function teardown(): Promise<void> {
  await redis?.stop();
}
