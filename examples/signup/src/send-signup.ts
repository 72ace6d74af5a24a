/**
 * Command-line entry for the CI example: `tsx src/send-signup.ts <email>` signs the address up,
 * with SMTP settings from the environment `sandmail run create --env` exports.
 */
import { createSignupService } from "./signup.js";

const email = process.argv[2];
if (!email) {
  console.error("usage: send-signup <email>");
  process.exit(2);
}
const service = createSignupService({
  smtp: {
    host: process.env.SANDMAIL_SMTP_HOST ?? "127.0.0.1",
    port: Number(process.env.SANDMAIL_SMTP_PORT ?? 2525),
    ...(process.env.SANDMAIL_SMTP_USER
      ? { user: process.env.SANDMAIL_SMTP_USER, pass: process.env.SANDMAIL_SMTP_PASS }
      : {}),
  },
  baseUrl: "https://app.example.com",
});
await service.signUp(email);
service.close();
