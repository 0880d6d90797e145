/**
 * Signing outgoing webhooks, in Stripe's scheme: `Concord-Signature: t=<unix seconds>,v1=<hex>`
 * where v1 is HMAC-SHA256 of "<t>.<raw body>" keyed with the workspace's signing secret (the
 * whole `whsec_...` string). During a rotation's overlap the header carries one v1 per secret.
 * Secrets are stored sealed with the connections' vault key (AES-256-GCM), bound to the workspace.
 */
import { createHmac, randomBytes } from "node:crypto";
import { open, seal } from "../connections/crypto";
import type { Sealed } from "./schemas";

export const SIGNATURE_HEADER = "Concord-Signature";
export const EVENT_ID_HEADER = "Concord-Event-Id";

const purpose = (workspaceId: string) => `notification-webhook-secret:${workspaceId}`;

export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

export function sealSecret(workspaceId: string, secret: string): Sealed {
  return seal(secret, purpose(workspaceId));
}

export function openSecret(workspaceId: string, sealed: Sealed): string {
  return open(sealed.ciphertext, sealed.keyId, purpose(workspaceId));
}

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/** The header's value: the timestamp and one v1 per secret (current first). */
export function signatureHeader(secrets: string[], body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${signatureOf(s, timestamp, body)}`)].join(",");
}
