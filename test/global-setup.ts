/**
 * Vitest global setup: uses the database `npm test` prepared (CONCORD_TEST_DATABASE_URL), or
 * makes a throwaway one for this run and drops it afterwards. Workers inherit DATABASE_URL.
 */
import { createTestDatabase } from "./database";

export default async function setup() {
  const given = process.env.CONCORD_TEST_DATABASE_URL;
  if (given) {
    process.env.DATABASE_URL = given;
    return;
  }
  const database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  process.env.CONCORD_TEST_DATABASE_URL = database.url;
  return async () => {
    await database.drop();
  };
}
