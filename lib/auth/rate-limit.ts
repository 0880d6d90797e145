/**
 * Fixed-window rate limits kept in PostgreSQL, so every app process shares them. Used for failed
 * sign-ins: each failure counts against the email and against the client IP; when either
 * reaches its limit, sign-in is refused until that window ends. The IP limit is higher because
 * an office shares one address.
 */
import { db, type DbOrTx } from "../db";

export type Limit = { max: number; windowSeconds: number };
export type Counter = { key: string; limit: Limit };

export const SIGN_IN_PER_EMAIL: Limit = { max: 10, windowSeconds: 60 };
export const SIGN_IN_PER_IP: Limit = { max: 50, windowSeconds: 60 };

/** Seconds until every counter is below its limit again; 0 when none is blocked. */
export async function blockedFor(counters: Counter[], client: DbOrTx = db()): Promise<number> {
  let longest = 0;
  for (const { key, limit } of counters) {
    const rows = await client.$queryRaw<{ retry: number }[]>`
      SELECT CEIL(EXTRACT(EPOCH FROM ("windowStart" + make_interval(secs => ${limit.windowSeconds}) - now())))::int AS retry
      FROM "RateLimitBucket"
      WHERE key = ${key} AND count >= ${limit.max}
        AND "windowStart" > now() - make_interval(secs => ${limit.windowSeconds})`;
    longest = Math.max(longest, rows[0]?.retry ?? 0);
  }
  return longest;
}

/** Counts one hit on each counter; a new window starts when the old one has ended. */
export async function hit(counters: Counter[], client: DbOrTx = db()): Promise<void> {
  for (const { key, limit } of counters) {
    await client.$executeRaw`
      INSERT INTO "RateLimitBucket" (key, "windowStart", count) VALUES (${key}, now(), 1)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN "RateLimitBucket"."windowStart" <= now() - make_interval(secs => ${limit.windowSeconds})
                     THEN 1 ELSE "RateLimitBucket".count + 1 END,
        "windowStart" = CASE WHEN "RateLimitBucket"."windowStart" <= now() - make_interval(secs => ${limit.windowSeconds})
                     THEN now() ELSE "RateLimitBucket"."windowStart" END`;
  }
}

export async function clear(keys: string[], client: DbOrTx = db()): Promise<void> {
  await client.rateLimitBucket.deleteMany({ where: { key: { in: keys } } });
}
