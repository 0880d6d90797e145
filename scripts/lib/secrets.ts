/**
 * Secrets a local run needs but a newcomer has not set: generated once into
 * <data dir>/secrets.json (mode 600, git-ignored) and reused, so sessions and encrypted tokens
 * survive restarts. Values already in the environment always win.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const GENERATED = {
  AUTH_SECRET: () => randomBytes(32).toString("base64url"),
  CONCORD_ENCRYPTION_KEY: () => randomBytes(32).toString("base64"),
  // App-level webhook secrets; the demo subscribes the sandboxes with the same values.
  STRIPE_WEBHOOK_SECRET: () => `whsec_${randomBytes(24).toString("base64url")}`,
  QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN: () => randomBytes(24).toString("base64url"),
  XERO_WEBHOOK_KEY: () => randomBytes(32).toString("base64"),
} as const;

type SecretName = keyof typeof GENERATED;

export function ensureLocalSecrets(dataDir: string, environment: Record<string, string | undefined>): Record<SecretName, string> {
  const file = path.join(dataDir, "secrets.json");
  const stored: Partial<Record<SecretName, string>> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  let changed = false;
  for (const name of Object.keys(GENERATED) as SecretName[]) {
    if (!stored[name]) {
      stored[name] = GENERATED[name]();
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2) + "\n", { mode: 0o600 });
  }
  const result = {} as Record<SecretName, string>;
  for (const name of Object.keys(GENERATED) as SecretName[]) result[name] = environment[name] || stored[name]!;
  return result;
}
