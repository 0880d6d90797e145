"use server";
import { userAction } from "@/lib/actions/define";
import { changePasswordSchema } from "@/lib/accounts/schemas";
import { changePassword } from "@/lib/accounts/users";

export const changePasswordAction = userAction({ input: changePasswordSchema }, async (person, input) => {
  await changePassword(person.id, input);
  return { ok: true, data: undefined, message: "Password changed." };
});
