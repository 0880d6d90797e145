/**
 * People: sign-up (a user and their first workspace, in one transaction), credential checks
 * with rate limiting, and password changes.
 */
import { db, type Db } from "../db";
import { Prisma } from "../db/generated/client";
import { ApiError } from "../http/errors";
import { burnPasswordCheck, hashPassword, verifyPassword } from "../auth/password";
import { attempt, clear, refund, SIGN_IN_PER_EMAIL, SIGN_IN_PER_IP, type Counter } from "../auth/rate-limit";
import { createWorkspaceFor, type WorkspaceSummary } from "../workspaces";

export type UserSummary = { id: string; email: string; name: string | null };

const userSummary = { id: true, email: true, name: true } as const;

export class EmailTakenError extends ApiError {
  constructor() {
    super("conflict", "An account with this email already exists. Sign in instead.", { email: ["This email is already registered"] });
  }
}

function isEmailTaken(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== "P2002") return false;
  return JSON.stringify(error.meta ?? {}).includes("email");
}

/** Creates a user with a password and their first workspace, where they are OWNER. */
export async function signUp(
  input: { name: string; email: string; password: string; workspaceName?: string },
  client: Db = db(),
): Promise<{ user: UserSummary; workspace: WorkspaceSummary }> {
  const passwordHash = await hashPassword(input.password);
  try {
    return await client.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { name: input.name, email: input.email, passwordHash }, select: userSummary });
      const workspace = await createWorkspaceFor(user.id, input.workspaceName ?? `${input.name}'s workspace`, tx);
      return { user, workspace };
    });
  } catch (error) {
    if (isEmailTaken(error)) throw new EmailTakenError();
    throw error;
  }
}

export type CredentialCheck =
  | { ok: true; user: UserSummary; sessionVersion: number }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

/**
 * Checks an email and password. Failures count against the email and the IP; an unknown email
 * costs the same time as a wrong password, and both answer the same, so nobody learns which
 * emails have accounts.
 */
export async function checkCredentials(
  input: { email: string; password: string; ip: string | null },
  client: Db = db(),
): Promise<CredentialCheck> {
  const emailKey = `sign-in:email:${input.email}`;
  const ipKey = input.ip ? `sign-in:ip:${input.ip}` : null;
  const counters: Counter[] = [{ key: emailKey, limit: SIGN_IN_PER_EMAIL }, ...(ipKey ? [{ key: ipKey, limit: SIGN_IN_PER_IP }] : [])];
  // Counted before the password is checked, so parallel guesses cannot all get through.
  const retryAfterSeconds = await attempt(counters, client);
  if (retryAfterSeconds > 0) return { ok: false, reason: "rate_limited", retryAfterSeconds };

  const user = await client.user.findUnique({ where: { email: input.email }, select: { ...userSummary, passwordHash: true, sessionVersion: true } });
  const valid = user?.passwordHash ? await verifyPassword(input.password, user.passwordHash) : (await burnPasswordCheck(input.password), false);
  if (!user || !valid) return { ok: false, reason: "invalid" };
  await clear([emailKey], client);
  if (ipKey) await refund(ipKey, client);
  return { ok: true, user: { id: user.id, email: user.email, name: user.name }, sessionVersion: user.sessionVersion };
}

/**
 * Changes the password after checking the current one (rate limited like sign-in, so a stolen
 * session cannot guess it), and ends every other session by bumping the session version.
 */
export async function changePassword(
  userId: string,
  input: { currentPassword: string; newPassword: string },
  client: Db = db(),
): Promise<void> {
  const user = await client.user.findUnique({ where: { id: userId }, select: { email: true, passwordHash: true } });
  if (!user) throw new ApiError("not_found", "No such user.");
  const wait = await attempt([{ key: `sign-in:email:${user.email}`, limit: SIGN_IN_PER_EMAIL }], client);
  if (wait > 0) throw new ApiError("rate_limited", "Too many wrong passwords. Wait a minute, then try again.");
  if (!user.passwordHash || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new ApiError("unprocessable", "The current password is not right.", { currentPassword: ["The current password is not right"] });
  }
  await clear([`sign-in:email:${user.email}`], client);
  await client.user.update({
    where: { id: userId },
    data: { passwordHash: await hashPassword(input.newPassword), sessionVersion: { increment: 1 } },
  });
}

/** The current session version of a user (null when the user is gone). */
export async function sessionVersionOf(userId: string, client: Db = db()): Promise<number | null> {
  const user = await client.user.findUnique({ where: { id: userId }, select: { sessionVersion: true } });
  return user?.sessionVersion ?? null;
}

export async function findUserByEmail(email: string, client: Db = db()): Promise<UserSummary | null> {
  return client.user.findUnique({ where: { email }, select: userSummary });
}
