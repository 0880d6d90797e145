/** Outgoing email over SMTP when SMTP_URL is configured; otherwise callers show links to copy. */
import nodemailer from "nodemailer";
import { env } from "./env";
import { log } from "./log";

export function emailIsConfigured(): boolean {
  return Boolean(env().SMTP_URL);
}

export async function sendEmail(message: { to: string; subject: string; text: string }): Promise<boolean> {
  const { SMTP_URL, EMAIL_FROM } = env();
  if (!SMTP_URL) return false;
  const transport = nodemailer.createTransport(SMTP_URL);
  try {
    await transport.sendMail({ from: EMAIL_FROM, ...message });
    log().info({ subject: message.subject }, "email sent");
    return true;
  } catch (error) {
    log().warn({ err: error instanceof Error ? error.message : String(error) }, "email could not be sent");
    return false;
  } finally {
    transport.close();
  }
}
