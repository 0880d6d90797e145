/** Random bearer tokens (invitations, API keys) and the hashes that are stored instead of them. */
import { createHash, randomBytes } from "node:crypto";

export function newToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

/** Tokens are 256 random bits, so a fast hash is enough: nothing to brute-force. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
