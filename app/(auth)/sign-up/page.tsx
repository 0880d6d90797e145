import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { safeReturnPath } from "@/lib/actions/public";
import { currentUser } from "@/lib/auth/session";
import { AuthCard } from "../auth-card";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  if (await currentUser()) redirect(safeReturnPath(callbackUrl, "/w"));
  const signInHref = callbackUrl ? `/sign-in?callbackUrl=${encodeURIComponent(safeReturnPath(callbackUrl, "/w"))}` : "/sign-in";
  return (
    <AuthCard title="Create your account" footer={<>Already have an account? <Link className="font-medium text-brand-700" href={signInHref}>Sign in</Link></>}>
      <SignUpForm callbackUrl={callbackUrl ? safeReturnPath(callbackUrl, "/w") : undefined} />
    </AuthCard>
  );
}
