/**
 * The one Prisma client of the process, on PostgreSQL through @prisma/adapter-pg (no native
 * engine). Created on first use so that importing lib never opens a connection.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";
import { env } from "../env";

export type Db = PrismaClient;

const globalForDb = globalThis as unknown as { concordDb?: PrismaClient };

export function createDb(url: string, poolMax: number): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, max: poolMax, connectionTimeoutMillis: 5_000 });
  return new PrismaClient({ adapter });
}

/** The shared client (kept on globalThis so dev hot reloads do not leak pools). */
export function db(): PrismaClient {
  if (!globalForDb.concordDb) {
    const { DATABASE_URL, DATABASE_POOL_MAX } = env();
    if (!DATABASE_URL) throw new Error("DATABASE_URL is not set (npm run dev|demo set it for the embedded database)");
    globalForDb.concordDb = createDb(DATABASE_URL, DATABASE_POOL_MAX);
  }
  return globalForDb.concordDb;
}

/** Answers whether the database takes a query within `timeoutMs`. */
export async function databaseIsUp(client: PrismaClient = db(), timeoutMs = 3_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const ping = client.$queryRaw`SELECT 1`.then(() => true, () => false);
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
