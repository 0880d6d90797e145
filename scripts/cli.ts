/**
 * Operator command line: `npm run cli -- <command> [--flag value ...]`. Same rules as the UI
 * (lib does the work); the operator acts as SYSTEM with owner rights, recorded in the audit trail.
 *
 *   user:create   --email E --password P [--name N] [--workspace "Name of their first workspace"]
 *                 (or CONCORD_PASSWORD=P instead of --password, to keep it out of `ps` and shell history)
 *   member:add    --workspace SLUG --email E --role OWNER|ADMIN|MEMBER|VIEWER
 *   apikey:create --workspace SLUG --role ROLE [--name N]      prints the key once
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { emailSchema, passwordSchema, personNameSchema, workspaceNameSchema } from "../lib/accounts/schemas";
import { signUp } from "../lib/accounts/users";
import { createApiKey } from "../lib/api-keys";
import type { WorkspaceContext } from "../lib/authz/context";
import { roleSchema } from "../lib/authz/schemas";
import { db } from "../lib/db";
import { parseEnv } from "../lib/env";
import { ApiError } from "../lib/http/errors";
import { addMember } from "../lib/members";
import { findWorkspaceBySlug } from "../lib/workspaces";
import { applyMigrations, openLocalDatabase } from "./lib/database";
import { ROOT } from "./lib/run";

const slugSchema = z.string().min(1, "--workspace is required (the workspace's slug)");

const COMMANDS = {
  "user:create": {
    args: z.object({ email: emailSchema, password: passwordSchema, name: personNameSchema.optional(), workspace: workspaceNameSchema.optional() }),
    async run(a: { email: string; password: string; name?: string; workspace?: string }) {
      const name = a.name ?? a.email.split("@")[0]!;
      const { user, workspace } = await signUp({ name, email: a.email, password: a.password, workspaceName: a.workspace });
      console.log(`Created user ${user.email} (${user.id}), owner of workspace "${workspace.name}" (slug ${workspace.slug}).`);
    },
  },
  "member:add": {
    args: z.object({ workspace: slugSchema, email: emailSchema, role: roleSchema }),
    async run(a: { workspace: string; email: string; role: z.infer<typeof roleSchema> }) {
      await addMember(await operatorContext(a.workspace), a.email, a.role);
      console.log(`${a.email} is now ${a.role} of ${a.workspace}.`);
    },
  },
  "apikey:create": {
    args: z.object({ workspace: slugSchema, role: roleSchema, name: z.string().trim().min(1).max(80).default("CLI key") }),
    async run(a: { workspace: string; role: z.infer<typeof roleSchema>; name: string }) {
      const { key, apiKey } = await createApiKey(await operatorContext(a.workspace), { name: a.name, role: a.role });
      console.error(`Created API key "${apiKey.name}" (${apiKey.role}) for ${a.workspace}. It is shown once:`);
      console.log(key);
    },
  },
} as const;

type CommandName = keyof typeof COMMANDS;

const FLAGS = {
  email: { type: "string" },
  password: { type: "string" },
  name: { type: "string" },
  workspace: { type: "string" },
  role: { type: "string" },
} as const;

async function operatorContext(slug: string): Promise<WorkspaceContext> {
  const workspace = await findWorkspaceBySlug(slug);
  if (!workspace) throw new ApiError("not_found", `No workspace with the slug "${slug}".`);
  return { workspace, role: "OWNER", actor: { type: "SYSTEM", label: "operator CLI" } };
}

function usage(message?: string): never {
  if (message) console.error(message);
  console.error(`usage: npm run cli -- <command> [--flag value ...]\ncommands: ${Object.keys(COMMANDS).join(", ")}`);
  process.exit(2);
}

async function main(): Promise<number> {
  let parsedArgs;
  try {
    parsedArgs = parseArgs({ allowPositionals: true, strict: true, args: process.argv.slice(2), options: FLAGS });
  } catch (error) {
    usage(error instanceof Error ? error.message : String(error));
  }
  const { positionals, values } = parsedArgs;
  const name = positionals[0];
  if (!name || !(name in COMMANDS)) usage(name ? `Unknown command "${name}".` : undefined);
  const command = COMMANDS[name as CommandName];
  const parsed = command.args.safeParse(name === "user:create" ? { password: process.env.CONCORD_PASSWORD, ...values } : values);
  if (!parsed.success) {
    usage(parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("\n"));
  }

  const base = parseEnv(process.env);
  const database = await openLocalDatabase({
    databaseUrl: base.DATABASE_URL,
    dataDir: path.resolve(ROOT, base.CONCORD_DATA_DIR),
    port: base.EMBEDDED_DB_PORT,
    reuseRunning: true,
  });
  process.env.DATABASE_URL = database.url;
  process.env.DATABASE_POOL_MAX = "1";
  try {
    if (database.embedded) await applyMigrations({ ...process.env });
    await (command.run as (a: unknown) => Promise<void>)(parsed.data);
    return 0;
  } catch (error) {
    if (error instanceof ApiError) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await db().$disconnect();
    await database.stop();
  }
}

main().then((code) => process.exit(code));
