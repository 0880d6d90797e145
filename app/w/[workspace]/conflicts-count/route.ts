import { json } from "@/lib/http/api";
import { sessionRoute } from "@/lib/http/session-route";
import { openConflictCount } from "@/lib/notifications/count";

export const dynamic = "force-dynamic";

/** The shell's badge: `{ open }`, the workspace's open conflicts (polled by components/notifications/conflict-count.ts). */
export const GET = sessionRoute("workspace:view", async (ctx) => json({ open: await openConflictCount(ctx) }, { headers: { "cache-control": "no-store" } }));
