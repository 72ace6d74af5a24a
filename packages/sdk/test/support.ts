import nodemailer from "nodemailer";
import type { CreatedRun } from "../src/index.js";

export interface Mail {
  to: string | string[];
  bcc?: string;
  from?: string;
  subject: string;
  text?: string;
  html?: string;
  headers?: Record<string, string>;
  attachments?: Array<{ filename: string; content: string | Buffer; contentType?: string }>;
}

/** Sends over real SMTP with the settings the SDK hands out, as an app under test would. */
export async function send(run: CreatedRun, mail: Mail): Promise<void> {
  const transport = nodemailer.createTransport(run.smtp.nodemailer);
  try {
    await transport.sendMail({ from: "Shop <no-reply@shop.example>", ...mail });
  } finally {
    transport.close();
  }
}
