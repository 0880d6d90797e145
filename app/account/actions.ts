"use server";
import { userAction } from "@/lib/actions/define";
import { changePasswordSchema } from "@/lib/accounts/schemas";
import { changePassword } from "@/lib/accounts/users";

export const changePasswordAction = userAction({ input: changePasswordSchema, redirectTo: () => "/account?password=changed" }, async (person, input) => {
  await changePassword(person.id, input);
  // The change ended every session, this one too: sign this browser in again with the new password.
  const { signIn } = await import("@/lib/auth"); // lazily: the action's rules are testable without Auth.js
  await signIn("credentials", { email: person.email, password: input.newPassword, redirect: false });
  return { ok: true, data: undefined };
});
