export { db, createDb, databaseIsUp, type Db } from "./client";
export * from "./generated/enums";
import type { Db } from "./client";
import type { Prisma } from "./generated/client";

/** Either the client or the client inside `$transaction`: lib functions accept both. */
export type DbOrTx = Db | Prisma.TransactionClient;
