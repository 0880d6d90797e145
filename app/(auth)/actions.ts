"use server";
import { headers } from "next/headers";
import { AuthError } from "next-auth";
import { clientIp } from "@/lib/auth/client-ip";
import { attempt, SIGN_UP_PER_IP } from "@/lib/auth/rate-limit";
import { signUp } from "@/lib/accounts/users";
import { signInSchema, signUpSchema } from "@/lib/accounts/schemas";
import { fail, fromError, invalidInput, type ActionResult } from "@/lib/actions/result";
import { publicAction, safeReturnPath } from "@/lib/actions/public";
import { signIn, signOut } from "@/lib/auth";

function isRateLimited(error: AuthError): boolean {
  return "code" in error && error.code === "rate_limited";
}

async function signInOrExplain(email: string, password: string, redirectTo: string): Promise<ActionResult<never>> {
  try {
    await signIn("credentials", { email, password, redirectTo });
  } catch (error) {
    if (!(error instanceof AuthError)) throw error; // includes Next's redirect on success
    return isRateLimited(error)
      ? fail("rate_limited", "Too many failed sign-ins. Wait a minute, then try again.")
      : fail("unauthorized", "Email or password is incorrect.");
  }
  return fail("internal", "Sign-in did not complete.");
}

export const signInAction = publicAction(async (_previous: unknown, form: FormData): Promise<ActionResult<never>> => {
  const parsed = signInSchema.safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return invalidInput(parsed.error);
  return signInOrExplain(parsed.data.email, parsed.data.password, safeReturnPath(form.get("callbackUrl"), "/w"));
});

export const signUpAction = publicAction(async (_previous: unknown, form: FormData): Promise<ActionResult<never>> => {
  const parsed = signUpSchema.safeParse({ name: form.get("name"), email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return invalidInput(parsed.error);
  const ip = clientIp(await headers());
  if (ip && (await attempt([{ key: `sign-up:ip:${ip}`, limit: SIGN_UP_PER_IP }])) > 0) {
    return fail("rate_limited", "Too many sign-ups from your network. Try again later.");
  }
  let slug: string;
  try {
    slug = (await signUp(parsed.data)).workspace.slug;
  } catch (error) {
    return fromError(error);
  }
  return signInOrExplain(parsed.data.email, parsed.data.password, safeReturnPath(form.get("callbackUrl"), `/w/${slug}/invoices`));
});

export const signOutAction = publicAction(async (): Promise<void> => {
  await signOut({ redirectTo: "/" });
});

export const oauthSignInAction = publicAction(async (form: FormData): Promise<void> => {
  const provider = form.get("provider");
  if (provider !== "github" && provider !== "google") return;
  await signIn(provider, { redirectTo: safeReturnPath(form.get("callbackUrl"), "/w") });
});
