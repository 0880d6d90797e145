/**
 * The client's IP for rate limiting. The nearest proxy (Next.js itself under `next start`)
 * appends the peer address to x-forwarded-for, so the last entry is the one a client cannot forge.
 */
export function clientIp(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded?.split(",").pop()?.trim();
  return last || headers.get("x-real-ip") || null;
}
