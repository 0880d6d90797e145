/** Which OAuth sign-in providers are configured (both id and secret set). */
import type { Env } from "../env";

export type OAuthProvider = { id: "github" | "google"; name: string };

export function oauthProviders(e: Pick<Env, "AUTH_GITHUB_ID" | "AUTH_GITHUB_SECRET" | "AUTH_GOOGLE_ID" | "AUTH_GOOGLE_SECRET">): OAuthProvider[] {
  const providers: OAuthProvider[] = [];
  if (e.AUTH_GITHUB_ID && e.AUTH_GITHUB_SECRET) providers.push({ id: "github", name: "GitHub" });
  if (e.AUTH_GOOGLE_ID && e.AUTH_GOOGLE_SECRET) providers.push({ id: "google", name: "Google" });
  return providers;
}
