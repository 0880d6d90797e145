import type { Metadata } from "next";
import { PageHeader } from "@/components/empty-state";
import { listApiKeys } from "@/lib/api-keys";
import { workspacePage } from "@/lib/auth/workspace-page";
import { canAssignRole, ROLES } from "@/lib/authz/permissions";
import { CreateApiKeyForm, RevokeApiKeyButton } from "./api-key-forms";

export const metadata: Metadata = { title: "API keys" };

function when(date: Date | null): string {
  return date ? date.toISOString().replace("T", " ").slice(0, 16) + " UTC" : "never";
}

export default async function ApiKeysPage({ params }: { params: Promise<{ workspace: string }> }) {
  const ctx = await workspacePage((await params).workspace, "api-keys:manage");
  const keys = await listApiKeys(ctx);
  const roles = ROLES.filter((role) => canAssignRole(ctx.role, null, role));
  return (
    <>
      <PageHeader title="API keys" description="For scripts and other systems calling /api/v1 with Authorization: Bearer <key>." />
      <CreateApiKeyForm workspace={ctx.workspace.slug} roles={roles} />
      <div className="mt-8 overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">API keys</caption>
          <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-3">Name</th>
              <th scope="col" className="px-4 py-3">Key</th>
              <th scope="col" className="px-4 py-3">Role</th>
              <th scope="col" className="px-4 py-3">Last used</th>
              <th scope="col" className="px-4 py-3"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {keys.length === 0 ? (
              <tr>
                <td colSpan={5} className="px-4 py-6 text-center text-slate-600">No keys yet.</td>
              </tr>
            ) : (
              keys.map((k) => (
                <tr key={k.id} data-testid={`api-key-${k.name}`}>
                  <td className="px-4 py-3 font-medium">{k.name}</td>
                  <td className="px-4 py-3 font-mono text-xs">{k.prefix}…</td>
                  <td className="px-4 py-3">{k.role.toLowerCase()}</td>
                  <td className="px-4 py-3" data-testid="api-key-last-used">{when(k.lastUsedAt)}</td>
                  <td className="px-4 py-3 text-right">
                    {k.revokedAt ? <span className="text-slate-500" data-testid="api-key-revoked">revoked</span> : <RevokeApiKeyButton workspace={ctx.workspace.slug} apiKeyId={k.id} name={k.name} />}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </>
  );
}
