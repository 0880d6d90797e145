/** The service's health as /api/health reports it. */
import { databaseIsUp, db, type Db } from "./db";

export type HealthReport = { status: "ok" | "degraded"; database: "up" | "down"; version: string };

export async function healthReport(version: string, client: Db = db()): Promise<HealthReport> {
  const up = await databaseIsUp(client);
  return { status: up ? "ok" : "degraded", database: up ? "up" : "down", version };
}
