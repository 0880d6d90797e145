/**
 * Encryption at rest for provider tokens: AES-256-GCM with a random 96-bit IV per message. The
 * key comes from CONCORD_ENCRYPTION_KEY; its id (a hash prefix) is stored beside each ciphertext,
 * so keys can rotate: new writes use the current key, and old ciphertexts are read with any key
 * listed in CONCORD_ENCRYPTION_KEYS_PREVIOUS.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

export type Keyring = { current: { id: string; key: Buffer }; all: Map<string, Buffer> };

export function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 12);
}

function decodeKey(base64: string, name: string): Buffer {
  const key = Buffer.from(base64.trim(), "base64");
  if (key.length !== 32) throw new Error(`${name} must be base64 of exactly 32 bytes`);
  return key;
}

export function keyringFrom(env: Record<string, string | undefined> = process.env): Keyring {
  const currentValue = env.CONCORD_ENCRYPTION_KEY;
  if (!currentValue) throw new Error("CONCORD_ENCRYPTION_KEY is not set (npm run dev|demo generate one into .data/)");
  const current = decodeKey(currentValue, "CONCORD_ENCRYPTION_KEY");
  const all = new Map([[keyId(current), current]]);
  for (const old of (env.CONCORD_ENCRYPTION_KEYS_PREVIOUS ?? "").split(",").filter((s) => s.trim())) {
    const key = decodeKey(old, "CONCORD_ENCRYPTION_KEYS_PREVIOUS");
    all.set(keyId(key), key);
  }
  return { current: { id: keyId(current), key: current }, all };
}

let cached: Keyring | undefined;
export function keyring(): Keyring {
  cached ??= keyringFrom();
  return cached;
}

/** `purpose` is bound into the ciphertext (GCM additional data): a token blob cannot be replayed as a verifier. */
export function seal(plaintext: string, purpose: string, ring: Keyring = keyring()): { ciphertext: string; keyId: string } {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", ring.current.key, iv);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url"), keyId: ring.current.id };
}

export class DecryptionError extends Error {}

export function open(ciphertext: string, id: string, purpose: string, ring: Keyring = keyring()): string {
  const key = ring.all.get(id);
  if (!key) throw new DecryptionError(`No encryption key with id ${id}: add the old key to CONCORD_ENCRYPTION_KEYS_PREVIOUS`);
  const raw = Buffer.from(ciphertext, "base64url");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    throw new DecryptionError("The ciphertext was altered or the key is wrong");
  }
}
