import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { DEMO_USER } from "@/lib/demo";
import { env } from "@/lib/env";
import { oauthProviders } from "@/lib/auth/providers";
import { currentUser } from "@/lib/auth/session";
import { safeReturnPath } from "@/lib/actions/public";
import { oauthSignInAction } from "../actions";
import { AuthCard } from "../auth-card";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  const returnTo = safeReturnPath(callbackUrl, "/w");
  if (await currentUser()) redirect(returnTo);
  const demo = env().CONCORD_DEMO === "1";
  const providers = oauthProviders(env());
  const signUpHref = callbackUrl ? `/sign-up?callbackUrl=${encodeURIComponent(returnTo)}` : "/sign-up";
  return (
    <AuthCard title="Sign in" footer={<>New to Concord? <Link className="font-medium text-brand-700" href={signUpHref}>Create an account</Link></>}>
      {demo ? (
        <p className="mb-4 rounded-md bg-brand-50 px-3 py-2 text-sm text-brand-900" data-testid="demo-hint">
          Demo account: <strong>{DEMO_USER.email}</strong>, with the password printed in the terminal where <code>npm run demo</code> runs.
        </p>
      ) : null}
      <SignInForm callbackUrl={callbackUrl ? returnTo : undefined} demoEmail={demo ? DEMO_USER.email : undefined} />
      {providers.length ? (
        <div className="mt-6 space-y-2 border-t border-slate-200 pt-6">
          {providers.map((p) => (
            <form key={p.id} action={oauthSignInAction}>
              <input type="hidden" name="provider" value={p.id} />
              <input type="hidden" name="callbackUrl" value={returnTo} />
              <button type="submit" className="w-full rounded-md bg-white px-3 py-2 text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50">
                Continue with {p.name}
              </button>
            </form>
          ))}
        </div>
      ) : null}
    </AuthCard>
  );
}
