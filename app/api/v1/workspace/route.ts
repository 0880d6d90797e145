import { apiRoute, json } from "@/lib/http/api";

export const GET = apiRoute("workspace:view", async (ctx) => json({ workspace: ctx.workspace, role: ctx.role }));
