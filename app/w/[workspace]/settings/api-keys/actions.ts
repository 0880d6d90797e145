"use server";
import { z } from "zod";
import { workspaceAction } from "@/lib/actions/define";
import { createApiKey, revokeApiKey } from "@/lib/api-keys";
import { idSchema, roleSchema } from "@/lib/authz/schemas";

export const createApiKeyAction = workspaceAction(
  {
    permission: "api-keys:manage",
    input: z.object({ name: z.string().trim().min(1, "Name the key after what uses it").max(80), role: roleSchema }),
  },
  async (ctx, input) => {
    const { key } = await createApiKey(ctx, input);
    return { ok: true, data: { key }, message: "Key created. Copy it now: it is shown only once." };
  },
);

export const revokeApiKeyAction = workspaceAction(
  { permission: "api-keys:manage", input: z.object({ apiKeyId: idSchema }) },
  async (ctx, input) => {
    await revokeApiKey(ctx, input.apiKeyId);
    return { ok: true, data: undefined, message: "Key revoked." };
  },
);
