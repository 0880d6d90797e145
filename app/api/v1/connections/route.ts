import { apiRoute, json } from "@/lib/http/api";
import { listConnections } from "@/lib/connections/manage";

export const GET = apiRoute("workspace:view", async (ctx) => {
  const connections = await listConnections(ctx);
  return json({
    data: connections.map(({ provider, lastWebhookAt: _webhook, ...c }) => ({
      ...c,
      system: provider,
      lastSyncedAt: c.lastSyncedAt?.toISOString() ?? null,
      createdAt: c.createdAt.toISOString(),
    })),
  });
});
