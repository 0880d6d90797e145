/**
 * Who may reach every page, route handler, API route and server action of the app. The access
 * matrix tests (lib/authz/access-matrix.test.ts for server actions, e2e/access-matrix.spec.ts
 * for pages and routes) call each entry as every role and as a member of another workspace and
 * hold the app to this table; a page, route or action missing here fails them.
 *
 * "public": anyone. "user": any signed-in person. A permission: members of the workspace in the
 * URL (or of the API key's workspace) whose role has it; everyone else in another workspace
 * gets 404, members without it 403.
 */
import type { Permission } from "./permissions";

export type Access = "public" | "user" | Permission;

export type PageEntry = {
  access: Access;
  /** Status when allowed (redirecting pages answer 307). */
  ok?: number;
  /** Status for signed-in people when it differs (sign-in and sign-up send them on). */
  signedIn?: number;
};

export const PAGES: Record<string, PageEntry> = {
  "/": { access: "public" },
  "/sign-in": { access: "public", signedIn: 307 },
  "/sign-up": { access: "public", signedIn: 307 },
  "/invite/[token]": { access: "public" },
  "/account": { access: "user" },
  "/workspaces/new": { access: "user" },
  "/w": { access: "user", ok: 307 },
  "/w/[workspace]": { access: "workspace:view", ok: 307 },
  "/w/[workspace]/invoices": { access: "workspace:view" },
  // The matrix asks for an invoice that does not exist: 404 even for those allowed.
  "/w/[workspace]/invoices/[id]": { access: "workspace:view", ok: 404 },
  "/w/[workspace]/conflicts": { access: "workspace:view" },
  "/w/[workspace]/audit": { access: "audit:view" },
  "/w/[workspace]/connections": { access: "workspace:view" },
  // Without a pending multi-account choice there is nothing to show: 404 even for those allowed.
  "/w/[workspace]/connections/choose": { access: "connections:manage", ok: 404 },
  "/w/[workspace]/settings": { access: "workspace:view" },
  "/w/[workspace]/settings/members": { access: "workspace:view" },
  "/w/[workspace]/settings/api-keys": { access: "api-keys:manage" },
  "/w/[workspace]/settings/notifications": { access: "notifications:manage" },
};

/**
 * Route handlers, "METHOD /path". `call` is the concrete request the matrix sends (ids in
 * `:name` form are filled in by the test); `body` is sent as JSON.
 */
export type RouteEntry = {
  access: Access;
  call: string;
  body?: unknown;
  /** none: public; api-key: Authorization: Bearer; session: the signed-in person's cookie. */
  auth: "none" | "api-key" | "session";
  /** Status for callers who may (the call may name something that does not exist: 404). */
  ok: number;
  /** The request a key of another workspace sends, naming this workspace's records: must be 404. */
  outsiderCall?: string;
  /** Session routes that serve data rather than pages answer signed-out callers with this status instead of a redirect to sign-in. */
  anonymous?: number;
};

export const ROUTES: Record<string, RouteEntry> = {
  "GET /api/health": { access: "public", auth: "none", call: "/api/health", ok: 200 },
  "GET /api/auth/[...nextauth]": { access: "public", auth: "none", call: "/api/auth/providers", ok: 200 },
  "POST /api/auth/[...nextauth]": { access: "public", auth: "none", call: "/api/auth/signout", ok: 302 },
  "POST /api/webhooks/[provider]": { access: "public", auth: "none", call: "/api/webhooks/stripe", ok: 401 },
  // Inngest's serve endpoint checks a signature on every call (the embedded executor signs too):
  // unsigned reads and calls get 401; a plain PUT asks Inngest to sync the app again.
  "GET /api/inngest": { access: "public", auth: "none", call: "/api/inngest", ok: 401 },
  "POST /api/inngest": { access: "public", auth: "none", call: "/api/inngest", ok: 401 },
  "PUT /api/inngest": { access: "public", auth: "none", call: "/api/inngest", ok: 200 },
  "GET /w/[workspace]/connections/[provider]/connect": { access: "connections:manage", auth: "session", call: "/w/:workspace/connections/stripe/connect", ok: 303 },
  "GET /api/oauth/[provider]/callback": { access: "user", auth: "session", call: "/api/oauth/stripe/callback?state=forged&code=x", ok: 303 },
  "GET /api/v1/[...path]": { access: "public", auth: "none", call: "/api/v1/no-such-thing", ok: 404 },
  "POST /api/v1/[...path]": { access: "public", auth: "none", call: "/api/v1/no-such-thing", ok: 404 },
  "PUT /api/v1/[...path]": { access: "public", auth: "none", call: "/api/v1/no-such-thing", ok: 404 },
  "PATCH /api/v1/[...path]": { access: "public", auth: "none", call: "/api/v1/no-such-thing", ok: 404 },
  "DELETE /api/v1/[...path]": { access: "public", auth: "none", call: "/api/v1/no-such-thing", ok: 404 },
  "GET /w/[workspace]/invoices/feed": { access: "workspace:view", auth: "session", call: "/w/:workspace/invoices/feed", ok: 200, anonymous: 401 },
  "GET /w/[workspace]/audit/feed": { access: "audit:view", auth: "session", call: "/w/:workspace/audit/feed", ok: 200, anonymous: 401 },
  "GET /w/[workspace]/conflicts/feed": { access: "workspace:view", auth: "session", call: "/w/:workspace/conflicts/feed", ok: 200, anonymous: 401 },
  "GET /w/[workspace]/conflicts/feed/[id]": { access: "workspace:view", auth: "session", call: "/w/:workspace/conflicts/feed/:missingId", ok: 404, anonymous: 401 },
  "GET /w/[workspace]/conflicts-count": { access: "workspace:view", auth: "session", call: "/w/:workspace/conflicts-count", ok: 200, anonymous: 401 },
  "GET /w/[workspace]/audit/export": { access: "audit:view", auth: "session", call: "/w/:workspace/audit/export?action=member", ok: 200, anonymous: 401 },
  "GET /api/v1/openapi.json": { access: "public", auth: "none", call: "/api/v1/openapi.json", ok: 200 },
  "GET /api/v1/invoices": { access: "workspace:view", auth: "api-key", call: "/api/v1/invoices", ok: 200 },
  "GET /api/v1/invoices/[id]": { access: "workspace:view", auth: "api-key", call: "/api/v1/invoices/:missingId", ok: 404 },
  "GET /api/v1/connections": { access: "workspace:view", auth: "api-key", call: "/api/v1/connections", ok: 200 },
  "GET /api/v1/audit": { access: "audit:view", auth: "api-key", call: "/api/v1/audit", ok: 200 },
  "GET /api/v1/conflicts": { access: "workspace:view", auth: "api-key", call: "/api/v1/conflicts", ok: 200 },
  "POST /api/v1/conflicts/[id]/resolve": { access: "conflicts:resolve", auth: "api-key", call: "/api/v1/conflicts/:missingId/resolve", body: { action: "ignore", reason: "matrix", version: 1 }, ok: 404 },
  "GET /api/v1/workspace": { access: "workspace:view", auth: "api-key", call: "/api/v1/workspace", ok: 200 },
  "GET /api/v1/members": { access: "workspace:view", auth: "api-key", call: "/api/v1/members", ok: 200 },
  "PATCH /api/v1/members/[id]": {
    access: "members:manage",
    auth: "api-key",
    call: "/api/v1/members/:viewerMembershipId",
    body: { role: "VIEWER" },
    ok: 200,
    outsiderCall: "/api/v1/members/:viewerMembershipId",
  },
  "DELETE /api/v1/members/[id]": {
    access: "members:manage",
    auth: "api-key",
    call: "/api/v1/members/:missingId",
    ok: 404,
    outsiderCall: "/api/v1/members/:viewerMembershipId",
  },
};

/** Server actions, "file#export". `sample` is valid input (ids that match nothing are fine). */
export type ActionEntry = { access: Access; sample?: Record<string, unknown> };

export const ACTIONS: Record<string, ActionEntry> = {
  "app/(auth)/actions.ts#signInAction": { access: "public" },
  "app/(auth)/actions.ts#signUpAction": { access: "public" },
  "app/(auth)/actions.ts#signOutAction": { access: "public" },
  "app/(auth)/actions.ts#oauthSignInAction": { access: "public" },
  "app/account/actions.ts#changePasswordAction": { access: "user" },
  "app/workspaces/new/actions.ts#createWorkspaceAction": { access: "user" },
  "app/invite/[token]/actions.ts#acceptInvitationAction": { access: "user" },
  "app/w/[workspace]/settings/actions.ts#renameWorkspaceAction": { access: "workspace:manage", sample: { name: "Renamed by the matrix" } },
  "app/w/[workspace]/settings/actions.ts#saveSyncRulesAction": { access: "sync-rules:manage", sample: { payments: "STRIPE", header: "QUICKBOOKS", lines: "QUICKBOOKS" } },
  "app/w/[workspace]/settings/actions.ts#saveAutoResolveAction": { access: "sync-rules:manage", sample: { roundingMinor: "1", dueDateFromSource: "on" } },
  "app/w/[workspace]/settings/members/actions.ts#inviteMemberAction": { access: "members:manage", sample: { email: "", role: "VIEWER" } },
  "app/w/[workspace]/settings/members/actions.ts#revokeInvitationAction": { access: "members:manage", sample: { invitationId: "missing" } },
  "app/w/[workspace]/settings/members/actions.ts#changeRoleAction": { access: "members:manage", sample: { membershipId: "missing", role: "VIEWER" } },
  "app/w/[workspace]/settings/members/actions.ts#removeMemberAction": { access: "members:manage", sample: { membershipId: "missing" } },
  "app/w/[workspace]/settings/api-keys/actions.ts#createApiKeyAction": { access: "api-keys:manage", sample: { name: "matrix", role: "VIEWER" } },
  "app/w/[workspace]/settings/api-keys/actions.ts#revokeApiKeyAction": { access: "api-keys:manage", sample: { apiKeyId: "missing" } },
  "app/w/[workspace]/connections/actions.ts#disconnectAction": { access: "connections:manage", sample: { connectionId: "missing" } },
  "app/w/[workspace]/connections/actions.ts#syncNowAction": { access: "connections:manage", sample: { connectionId: "missing" } },
  "app/w/[workspace]/connections/actions.ts#retryFailedAction": { access: "connections:manage", sample: { connectionId: "missing" } },
  "app/w/[workspace]/connections/actions.ts#retryFailedPushesAction": { access: "connections:manage", sample: { connectionId: "missing" } },
  "app/w/[workspace]/connections/actions.ts#catchUpHistoryAction": { access: "sync-rules:manage", sample: {} },
  "app/w/[workspace]/connections/actions.ts#chooseAccountAction": { access: "connections:manage", sample: { flowId: "missing", account: "x" } },
  "app/w/[workspace]/audit/actions.ts#verifyAuditAction": { access: "audit:view", sample: {} },
  // Conflicts that do not exist: 404 for those allowed, after the role check.
  "app/w/[workspace]/conflicts/actions.ts#resolveConflictAction": { access: "conflicts:resolve", sample: { conflictId: "missing", action: "ignore", reason: "matrix check", version: 1 } },
  "app/w/[workspace]/conflicts/actions.ts#bulkResolveAction": { access: "conflicts:resolve", sample: { action: "ignore", reason: "matrix check", items: [{ id: "missing", version: 1 }] } },
  "app/w/[workspace]/settings/notifications/actions.ts#saveDigestAction": { access: "notifications:manage", sample: { enabled: "on" } },
  // fetch refuses port 9 outright: "Send test event" fails at once, whoever sends it.
  "app/w/[workspace]/settings/notifications/actions.ts#saveWebhookAction": { access: "notifications:manage", sample: { url: "http://127.0.0.1:9/concord-matrix" } },
  "app/w/[workspace]/settings/notifications/actions.ts#rotateWebhookSecretAction": { access: "notifications:manage", sample: {} },
  "app/w/[workspace]/settings/notifications/actions.ts#sendTestWebhookAction": { access: "notifications:manage", sample: {} },
  "app/w/[workspace]/settings/notifications/actions.ts#removeWebhookAction": { access: "notifications:manage", sample: {} },
};
