/**
 * Secrets a local run needs but a newcomer has not set: generated once into
 * <data dir>/secrets.json (mode 600, git-ignored) and reused, so sessions and encrypted tokens
 * survive restarts. Values already in the environment always win. The demo's password lives in
 * the same file: generated once unless DEMO_PASSWORD is set, and never passed to the app.
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

type Stored = Partial<Record<SecretName | "DEMO_PASSWORD", string>>;

const fileOf = (dataDir: string) => path.join(dataDir, "secrets.json");
const load = (dataDir: string): Stored => (existsSync(fileOf(dataDir)) ? JSON.parse(readFileSync(fileOf(dataDir), "utf8")) : {});

function store(dataDir: string, stored: Stored): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(fileOf(dataDir), JSON.stringify(stored, null, 2) + "\n", { mode: 0o600 });
}

export function ensureLocalSecrets(dataDir: string, environment: Record<string, string | undefined>): Record<SecretName, string> {
  const stored = load(dataDir);
  let changed = false;
  for (const name of Object.keys(GENERATED) as SecretName[]) {
    if (!stored[name]) {
      stored[name] = GENERATED[name]();
      changed = true;
    }
  }
  if (changed) store(dataDir, stored);
  const result = {} as Record<SecretName, string>;
  for (const name of Object.keys(GENERATED) as SecretName[]) result[name] = environment[name] || stored[name]!;
  return result;
}

/** The demo person's password: DEMO_PASSWORD when set, otherwise one generated once and kept. */
export function ensureDemoPassword(dataDir: string, environment: Record<string, string | undefined>): string {
  if (environment.DEMO_PASSWORD) return environment.DEMO_PASSWORD;
  const stored = load(dataDir);
  if (!stored.DEMO_PASSWORD) {
    // 15 characters from an unambiguous alphabet: easy to type from a terminal, 75 bits.
    const alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
    stored.DEMO_PASSWORD = Array.from(randomBytes(15), (b) => alphabet[b % alphabet.length]).join("");
    store(dataDir, stored);
  }
  return stored.DEMO_PASSWORD;
}
