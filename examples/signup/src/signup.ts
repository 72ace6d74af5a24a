import { randomBytes, randomInt } from "node:crypto";
import nodemailer from "nodemailer";

export interface SmtpOptions {
  host: string;
  port: number;
  /** SMTP AUTH, e.g. a sandmail run's id and token. */
  user?: string;
  pass?: string;
}

export interface SignupOptions {
  smtp: SmtpOptions;
  /** Where the magic link points. */
  baseUrl: string;
  from?: string;
}

/**
 * The application under test: signing up mails a 6-digit code and a magic link; either confirms
 * the account. Nothing in it knows about sandmail: it only speaks SMTP.
 */
export function createSignupService(options: SignupOptions) {
  const transport = nodemailer.createTransport({
    host: options.smtp.host,
    port: options.smtp.port,
    secure: false,
    tls: { rejectUnauthorized: false },
    ...(options.smtp.user ? { auth: { user: options.smtp.user, pass: options.smtp.pass ?? "" } } : {}),
  });
  const pending = new Map<string, { code: string; token: string }>();
  const confirmed = new Set<string>();

  return {
    async signUp(email: string): Promise<void> {
      const code = String(randomInt(100000, 1000000));
      const token = randomBytes(16).toString("hex");
      pending.set(email, { code, token });
      const link = `${options.baseUrl}/confirm?token=${token}`;
      await transport.sendMail({
        from: options.from ?? '"Example App" <no-reply@example.com>',
        to: email,
        subject: "Confirm your Example App account",
        text: `Welcome!\n\nYour verification code is ${code}. It expires in 15 minutes.\n\nOr open ${link}\n`,
        html: `<p>Welcome!</p><p>Your verification code is <b>${code}</b>.</p><p><a href="${link}">Confirm my account</a></p>`,
      });
    },
    confirmWithCode(email: string, code: string): boolean {
      if (pending.get(email)?.code !== code) return false;
      pending.delete(email);
      confirmed.add(email);
      return true;
    },
    confirmWithLink(url: string): string | undefined {
      const token = new URL(url).searchParams.get("token");
      for (const [email, p] of pending) {
        if (p.token === token) {
          pending.delete(email);
          confirmed.add(email);
          return email;
        }
      }
      return undefined;
    },
    isConfirmed: (email: string) => confirmed.has(email),
    close: () => transport.close(),
  };
}
