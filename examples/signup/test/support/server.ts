/**
 * Starts the sandmail server these examples talk to, on free ports. In your own project the
 * server runs on its own (`sandmail serve`, the Docker image, or a CI service container) and the
 * tests only need SANDMAIL_URL.
 */
import { startTestSandbox, type TestSandbox } from "../../../../test/support/sandbox.js";

export async function startServer(): Promise<TestSandbox> {
  const sandbox = await startTestSandbox();
  process.env.SANDMAIL_URL = sandbox.apiUrl;
  return sandbox;
}
