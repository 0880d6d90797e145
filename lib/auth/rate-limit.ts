/**
 * Fixed-window rate limits kept in PostgreSQL, so every app process shares them. An attempt is
 * counted before it is judged, in one atomic statement, so a burst of parallel attempts cannot
 * all slip past the check. Used for sign-in (per email and per client IP; the IP limit is higher
 * because an office shares one address), sign-up and password changes.
 */
import { db, type DbOrTx } from "../db";

export type Limit = { max: number; windowSeconds: number };
export type Counter = { key: string; limit: Limit };

export const SIGN_IN_PER_EMAIL: Limit = { max: 10, windowSeconds: 60 };
export const SIGN_IN_PER_IP: Limit = { max: 50, windowSeconds: 60 };
export const SIGN_UP_PER_IP: Limit = { max: 20, windowSeconds: 3600 };

/**
 * Counts one attempt on each counter and answers how long to wait when any is over its limit
 * (0: go ahead).
 */
export async function attempt(counters: Counter[], client: DbOrTx = db()): Promise<number> {
  let wait = 0;
  for (const { key, limit } of counters) {
    const [row] = await client.$queryRaw<{ count: number; retry: number }[]>`
      INSERT INTO "RateLimitBucket" (key, "windowStart", count) VALUES (${key}, now(), 1)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN "RateLimitBucket"."windowStart" <= now() - make_interval(secs => ${limit.windowSeconds})
                     THEN 1 ELSE "RateLimitBucket".count + 1 END,
        "windowStart" = CASE WHEN "RateLimitBucket"."windowStart" <= now() - make_interval(secs => ${limit.windowSeconds})
                     THEN now() ELSE "RateLimitBucket"."windowStart" END
      RETURNING count,
        CEIL(EXTRACT(EPOCH FROM ("windowStart" + make_interval(secs => ${limit.windowSeconds}) - now())))::int AS retry`;
    if (row && row.count > limit.max) wait = Math.max(wait, row.retry, 1);
  }
  return wait;
}

/** Forgets the counters (a successful sign-in clears its email's failures). */
export async function clear(keys: string[], client: DbOrTx = db()): Promise<void> {
  await client.rateLimitBucket.deleteMany({ where: { key: { in: keys } } });
}

/** Takes one attempt back (a success should not count against a shared IP). */
export async function refund(key: string, client: DbOrTx = db()): Promise<void> {
  await client.$executeRaw`UPDATE "RateLimitBucket" SET count = GREATEST(count - 1, 0) WHERE key = ${key}`;
}
