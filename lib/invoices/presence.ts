/** Whether a workspace has started: any connection or invoice (the timeline shows a first-steps hint until then). */
import { db } from "../db";
import { assertCan, type WorkspaceContext } from "../authz/context";

export async function hasAnyInvoiceOrConnection(ctx: WorkspaceContext): Promise<boolean> {
  assertCan(ctx, "workspace:view");
  const [connection, invoice] = await Promise.all([
    db().connection.findFirst({ where: { workspaceId: ctx.workspace.id }, select: { id: true } }),
    db().invoice.findFirst({ where: { workspaceId: ctx.workspace.id }, select: { id: true } }),
  ]);
  return Boolean(connection || invoice);
}
