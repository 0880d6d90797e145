/**
 * People: sign-up (a user and their first workspace, in one transaction), credential checks
 * with rate limiting, and password changes.
 */
import { db, type Db } from "../db";
import { Prisma } from "../db/generated/client";
import { ApiError } from "../http/errors";
import { burnPasswordCheck, hashPassword, verifyPassword } from "../auth/password";
import { blockedFor, clear, hit, SIGN_IN_PER_EMAIL, SIGN_IN_PER_IP, type Counter } from "../auth/rate-limit";
import { createWorkspaceFor, type WorkspaceSummary } from "../workspaces";

export type UserSummary = { id: string; email: string; name: string | null };

const userSummary = { id: true, email: true, name: true } as const;

export class EmailTakenError extends ApiError {
  constructor() {
    super("conflict", "An account with this email already exists. Sign in instead.", { email: ["This email is already registered"] });
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
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
    if (isUniqueViolation(error)) throw new EmailTakenError();
    throw error;
  }
}

export type CredentialCheck =
  | { ok: true; user: UserSummary }
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
  const emailCounter: Counter = { key: `sign-in:email:${input.email}`, limit: SIGN_IN_PER_EMAIL };
  const counters = [emailCounter, ...(input.ip ? [{ key: `sign-in:ip:${input.ip}`, limit: SIGN_IN_PER_IP }] : [])];
  const retryAfterSeconds = await blockedFor(counters, client);
  if (retryAfterSeconds > 0) return { ok: false, reason: "rate_limited", retryAfterSeconds };

  const user = await client.user.findUnique({ where: { email: input.email }, select: { ...userSummary, passwordHash: true } });
  const valid = user?.passwordHash ? await verifyPassword(input.password, user.passwordHash) : (await burnPasswordCheck(input.password), false);
  if (!user || !valid) {
    await hit(counters, client);
    return { ok: false, reason: "invalid" };
  }
  await clear([emailCounter.key], client);
  return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
}

export async function changePassword(
  userId: string,
  input: { currentPassword: string; newPassword: string },
  client: Db = db(),
): Promise<void> {
  const user = await client.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  if (!user?.passwordHash || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new ApiError("unprocessable", "The current password is not right.", { currentPassword: ["The current password is not right"] });
  }
  await client.user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(input.newPassword) } });
}

export async function findUserByEmail(email: string, client: Db = db()): Promise<UserSummary | null> {
  return client.user.findUnique({ where: { email }, select: userSummary });
}
