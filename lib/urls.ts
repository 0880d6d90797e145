/** Absolute URLs to the app, for links that leave it (emails, invitations, OAuth redirects). */
import { env } from "./env";

export function appUrl(path: string): string {
  const { APP_URL, HOST, PORT } = env();
  return new URL(path, APP_URL ?? `http://${HOST}:${PORT}`).toString();
}
