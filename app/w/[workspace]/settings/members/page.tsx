import type { Metadata } from "next";
import { PageHeader } from "@/components/empty-state";
import { workspacePage } from "@/lib/auth/workspace-page";
import { can, canAssignRole, ROLES } from "@/lib/authz/permissions";
import { listPendingInvitations } from "@/lib/invitations";
import { listMembers } from "@/lib/members";
import { InviteForm, MemberControls, RevokeInvitationButton } from "./member-forms";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ workspace: string }> }) {
  const ctx = await workspacePage((await params).workspace, "workspace:view");
  const manage = can(ctx.role, "members:manage");
  const [members, invitations] = await Promise.all([listMembers(ctx), manage ? listPendingInvitations(ctx) : Promise.resolve([])]);
  const grantable = ROLES.filter((role) => canAssignRole(ctx.role, null, role));

  return (
    <>
      <PageHeader title="Members" description="Who can see and change this workspace." />
      <div className="overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Members and their roles</caption>
          <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-3">Person</th>
              <th scope="col" className="px-4 py-3">Role</th>
              <th scope="col" className="px-4 py-3"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {members.map((m) => (
              <tr key={m.id} data-testid={`member-${m.email}`}>
                <td className="px-4 py-3">
                  <div className="font-medium">{m.name ?? m.email}</div>
                  <div className="text-slate-500">{m.email}</div>
                </td>
                <td className="px-4 py-3" data-testid="member-role">{m.role.toLowerCase()}</td>
                <td className="px-4 py-3 text-right">
                  {manage && canAssignRole(ctx.role, m.role, m.role) ? (
                    <MemberControls workspace={ctx.workspace.slug} membershipId={m.id} role={m.role} roles={grantable} label={m.email} />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {manage ? (
        <>
          <section className="mt-8" aria-labelledby="invite-heading">
            <h2 id="invite-heading" className="text-lg font-semibold">Invite someone</h2>
            <InviteForm workspace={ctx.workspace.slug} roles={grantable} />
          </section>
          <section className="mt-8" aria-labelledby="pending-heading">
            <h2 id="pending-heading" className="text-lg font-semibold">Pending invitations</h2>
            {invitations.length === 0 ? (
              <p className="mt-2 text-sm text-slate-600">None.</p>
            ) : (
              <ul className="mt-2 divide-y divide-slate-100 rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
                {invitations.map((inv) => (
                  <li key={inv.id} className="flex items-center justify-between px-4 py-3 text-sm">
                    <span>
                      {inv.email ?? "Anyone with the link"} · {inv.role.toLowerCase()} · expires {inv.expiresAt.toISOString().slice(0, 10)}
                    </span>
                    <RevokeInvitationButton workspace={ctx.workspace.slug} invitationId={inv.id} />
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      ) : (
        <p className="mt-6 text-sm text-slate-600" data-testid="members-readonly">
          Only owners and admins can invite people or change roles.
        </p>
      )}
    </>
  );
}
