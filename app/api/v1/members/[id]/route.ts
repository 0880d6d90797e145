import { z } from "zod";
import { roleSchema } from "@/lib/authz/schemas";
import { apiRoute, json } from "@/lib/http/api";
import { readJson } from "@/lib/http/body";
import { changeMemberRole, removeMember } from "@/lib/members";

const patchBody = z.strictObject({ role: roleSchema });

export const PATCH = apiRoute<{ id: string }>("members:manage", async (ctx, request, { id }) => {
  const body = await readJson(request, patchBody);
  await changeMemberRole(ctx, id, body.role);
  return json({ id, role: body.role });
});

export const DELETE = apiRoute<{ id: string }>("members:manage", async (ctx, _request, { id }) => {
  await removeMember(ctx, id);
  return new Response(null, { status: 204 });
});
