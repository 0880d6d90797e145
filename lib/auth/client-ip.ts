/**
 * The client's IP for rate limiting. Headers a client sends (X-Forwarded-For, X-Real-IP) cannot
 * be trusted on their own, so the app's own server (scripts/server.ts) works the address out from
 * the socket and TRUSTED_PROXY_HOPS and passes it on in a header signed with AUTH_SECRET. Without
 * a valid signature (e.g. under plain `next dev`) there is no IP, and only per-email limits apply.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const CLIENT_IP_HEADER = "x-concord-client-ip";

function sign(ip: string, secret: string): string {
  return createHmac("sha256", secret).update(`client-ip:${ip}`).digest("base64url");
}

export function signedClientIp(ip: string, secret: string): string {
  return `${ip};${sign(ip, secret)}`;
}

export function clientIp(headers: Headers, secret: string | undefined = process.env.AUTH_SECRET): string | null {
  const value = headers.get(CLIENT_IP_HEADER);
  if (!value || !secret) return null;
  const at = value.lastIndexOf(";");
  if (at <= 0) return null;
  const ip = value.slice(0, at);
  const given = Buffer.from(value.slice(at + 1));
  const expected = Buffer.from(sign(ip, secret));
  return given.length === expected.length && timingSafeEqual(given, expected) ? ip : null;
}

/**
 * The address of the client: the socket's peer, or, behind `hops` trusted proxies, the entry
 * those proxies appended to X-Forwarded-For (counted from the right; anything further left was
 * written by the client and is ignored).
 */
export function resolveClientIp(peer: string, forwardedFor: string | undefined, hops: number): string {
  if (hops <= 0) return peer;
  const entries = (forwardedFor ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return entries[entries.length - hops] ?? peer;
}
