/**
 * Auth.js (next-auth v5): email + password through the Credentials provider, GitHub and Google
 * when configured, JWT sessions. The config is built per request (a function), so importing this
 * module reads no environment and opens no database connection.
 */
import { PrismaAdapter } from "@auth/prisma-adapter";
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import { db } from "../db";
import { checkCredentials, sessionVersionOf } from "../accounts/users";
import { signInSchema } from "../accounts/schemas";
import { env } from "../env";
import { log } from "../log";
import { createWorkspaceFor } from "../workspaces";
import { clientIp } from "./client-ip";
import { oauthProviders } from "./providers";

export class RateLimitedSignIn extends CredentialsSignin {
  code = "rate_limited";
}

function config(): NextAuthConfig {
  const e = env();
  const oauth = oauthProviders(e);
  return {
    secret: e.AUTH_SECRET,
    trustHost: true,
    session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
    pages: { signIn: "/sign-in" },
    // The adapter stores OAuth users and accounts; password users are created by lib/accounts.
    adapter: PrismaAdapter(db() as unknown as Parameters<typeof PrismaAdapter>[0]),
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(raw, request) {
          const parsed = signInSchema.safeParse(raw);
          if (!parsed.success) return null;
          const result = await checkCredentials({ ...parsed.data, ip: clientIp(request.headers) });
          if (result.ok) return { id: result.user.id, email: result.user.email, name: result.user.name, sessionVersion: result.sessionVersion };
          if (result.reason === "rate_limited") throw new RateLimitedSignIn();
          return null;
        },
      }),
      ...(oauth.some((p) => p.id === "github") ? [GitHub({ clientId: e.AUTH_GITHUB_ID, clientSecret: e.AUTH_GITHUB_SECRET })] : []),
      ...(oauth.some((p) => p.id === "google") ? [Google({ clientId: e.AUTH_GOOGLE_ID, clientSecret: e.AUTH_GOOGLE_SECRET })] : []),
    ],
    callbacks: {
      // Sessions carry the user's session version; a password change bumps it and ends them.
      async jwt({ token, user }) {
        if (user) {
          token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
          return token;
        }
        if (!token.sub) return null;
        const current = await sessionVersionOf(token.sub);
        return current !== null && current === token.sv ? token : null;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        return session;
      },
    },
    events: {
      // A person who arrives through GitHub or Google gets a first workspace, like a password sign-up.
      async createUser({ user }) {
        if (!user.id) return;
        const name = `${(user.name ?? user.email ?? "My").slice(0, 60)}'s workspace`;
        try {
          await createWorkspaceFor(user.id, name);
        } catch (error) {
          // The person can still sign in; /w sends people without a workspace to create one.
          log().error({ err: error instanceof Error ? error.message : String(error) }, "first workspace for an OAuth sign-up failed");
        }
      },
    },
    logger: {
      error: (error) => log().warn({ err: error.message, type: error.name }, "auth error"),
      warn: (code) => log().warn({ code }, "auth warning"),
      debug: () => {},
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => config());
