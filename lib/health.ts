/** The service's health as /api/health reports it. */
import { databaseIsUp, type Db } from "./db";

export type HealthReport = { status: "ok" | "degraded"; database: "up" | "down"; version: string };

export async function healthReport(client: Db, version: string): Promise<HealthReport> {
  const up = await databaseIsUp(client);
  return { status: up ? "ok" : "degraded", database: up ? "up" : "down", version };
}
