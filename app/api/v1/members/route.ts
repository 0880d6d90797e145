import { apiRoute, json } from "@/lib/http/api";
import { listMembers } from "@/lib/members";

export const GET = apiRoute("workspace:view", async (ctx) => {
  const members = await listMembers(ctx);
  return json({ data: members.map((m) => ({ id: m.id, email: m.email, name: m.name, role: m.role, joinedAt: m.joinedAt })) });
});
