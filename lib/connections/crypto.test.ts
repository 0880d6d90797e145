import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DecryptionError, keyringFrom, open, seal } from "./crypto";

const key = () => randomBytes(32).toString("base64");

describe("token encryption", () => {
  it("round-trips and never stores the plaintext", () => {
    const ring = keyringFrom({ CONCORD_ENCRYPTION_KEY: key() });
    const sealed = seal('{"accessToken":"sk_live_secret"}', "connection-tokens", ring);
    expect(sealed.ciphertext).not.toContain("sk_live_secret");
    expect(open(sealed.ciphertext, sealed.keyId, "connection-tokens", ring)).toBe('{"accessToken":"sk_live_secret"}');
  });

  it("uses a fresh IV every time", () => {
    const ring = keyringFrom({ CONCORD_ENCRYPTION_KEY: key() });
    expect(seal("same", "p", ring).ciphertext).not.toBe(seal("same", "p", ring).ciphertext);
  });

  it("refuses altered ciphertext, another purpose, and unknown keys", () => {
    const ring = keyringFrom({ CONCORD_ENCRYPTION_KEY: key() });
    const { ciphertext, keyId } = seal("secret", "connection-tokens", ring);
    const raw = Buffer.from(ciphertext, "base64url");
    raw[raw.length - 1]! ^= 1;
    expect(() => open(raw.toString("base64url"), keyId, "connection-tokens", ring)).toThrow(DecryptionError);
    expect(() => open(ciphertext, keyId, "oauth-verifier", ring)).toThrow(DecryptionError);
    expect(() => open(ciphertext, "nope", "connection-tokens", ring)).toThrow(/CONCORD_ENCRYPTION_KEYS_PREVIOUS/);
  });

  it("reads old ciphertexts after a key rotation and writes with the new key", () => {
    const oldKey = key();
    const before = keyringFrom({ CONCORD_ENCRYPTION_KEY: oldKey });
    const sealed = seal("tokens", "connection-tokens", before);
    const after = keyringFrom({ CONCORD_ENCRYPTION_KEY: key(), CONCORD_ENCRYPTION_KEYS_PREVIOUS: oldKey });
    expect(open(sealed.ciphertext, sealed.keyId, "connection-tokens", after)).toBe("tokens");
    expect(seal("tokens", "connection-tokens", after).keyId).not.toBe(sealed.keyId);
  });

  it("rejects keys that are not 32 bytes", () => {
    expect(() => keyringFrom({ CONCORD_ENCRYPTION_KEY: Buffer.alloc(16).toString("base64") })).toThrow(/32 bytes/);
    expect(() => keyringFrom({})).toThrow(/CONCORD_ENCRYPTION_KEY/);
  });
});
