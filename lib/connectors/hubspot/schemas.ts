/**
 * zod schemas for everything HubSpot sends us, parsed where it enters: CRM records and pages
 * (as @hubspot/api-client hands them over, or as raw JSON in recorded fixtures), v4 association
 * batches, OAuth token answers, the SDK's error objects, and webhook bodies.
 * Property values are always strings or null: HubSpot sends numbers and dates as strings.
 * https://developers.hubspot.com/docs/api/crm/understanding-the-crm
 */
import { z } from "zod";

/** The SDK turns timestamps into Date objects; raw JSON has ISO strings (or epoch ms). */
const instant = z.union([z.date(), z.string(), z.number()]).transform((value, ctx) => {
  const date = value instanceof Date ? value : typeof value === "number" || /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: "custom", message: `not a timestamp: ${String(value)}` });
    return z.NEVER;
  }
  return date;
});

/** HubSpot ids are numeric strings; some payloads (webhooks, v4 associations) send them as numbers. */
export const objectId = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);

const associatedIds = z.object({ results: z.array(z.object({ id: objectId, type: z.string().optional() })) });

/** SimplePublicObject(WithAssociations): one CRM record. */
export const crmObjectSchema = z.object({
  id: objectId,
  properties: z.record(z.string(), z.string().nullable()),
  createdAt: instant,
  updatedAt: instant,
  archived: z.boolean().optional(),
  archivedAt: instant.optional(),
  associations: z.record(z.string(), associatedIds).optional(),
});
export type CrmObject = z.output<typeof crmObjectSchema>;

const paging = z.object({ next: z.object({ after: z.string().min(1) }).optional() }).optional();

/** GET /crm/v3/objects/{type}: cursor paging with paging.next.after. */
export const crmPageSchema = z.object({ results: z.array(crmObjectSchema), paging });

/** POST /crm/v3/objects/{type}/search: offset paging (after is a number as a string), total. */
export const searchPageSchema = z.object({ total: z.number().int().nonnegative(), results: z.array(crmObjectSchema), paging });

/**
 * POST /crm/v4/associations/{from}/{to}/batch/read. The SDK renames `from` to `_from`; records
 * with nothing associated come back as per-input errors (HTTP 207), which we ignore.
 */
export const associationBatchSchema = z.object({
  results: z.array(
    z
      .object({ _from: z.object({ id: objectId }).optional(), from: z.object({ id: objectId }).optional(), to: z.array(z.object({ toObjectId: objectId })) })
      .transform((r, ctx) => {
        const from = r._from ?? r.from;
        if (!from) {
          ctx.addIssue({ code: "custom", message: "association result without from" });
          return z.NEVER;
        }
        return { fromId: from.id, toIds: r.to.map((t) => t.toObjectId) };
      }),
  ),
});

/** POST /oauth/v1/token as the SDK returns it (camelCased). HubSpot's answer has no scope. */
export const tokenResponseSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  expiresIn: z.number().int().positive(),
  tokenType: z.string().optional(),
});

/** GET /oauth/v1/access-tokens/{token}: the portal (hub) the token belongs to. */
export const accessTokenInfoSchema = z.object({
  hubId: z.number().int().positive(),
  hubDomain: z.string().optional(),
  scopes: z.array(z.string()).default([]),
});

/** The SDK's ApiException: HTTP status in `code`, the deserialized error body, lower-cased headers. */
export const apiExceptionSchema = z.object({
  code: z.number().int(),
  body: z.unknown(),
  headers: z.record(z.string(), z.string()).catch({}),
});

/**
 * HubSpot error bodies: CRM errors carry `category`; the OAuth endpoints put their code in
 * `status` ("BAD_REFRESH_TOKEN"); standard OAuth servers use `error`.
 * https://developers.hubspot.com/docs/api/error-handling
 */
export const errorBodySchema = z
  .object({
    category: z.string().optional(),
    subCategory: z.string().optional(),
    status: z.string().optional(),
    error: z.string().optional(),
    message: z.string().optional(),
  })
  .catch({});

/**
 * One webhook event. Invoices arrive as generic `object.*` events with `objectTypeId: "0-53"`;
 * contacts and companies as `contact.*` / `company.*` (or `object.*` with 0-1 / 0-2).
 * https://developers.hubspot.com/docs/api/webhooks#webhook-payloads
 */
export const webhookEventSchema = z.object({
  eventId: objectId,
  portalId: objectId,
  occurredAt: z.number().int().nonnegative(),
  subscriptionType: z.string().min(1),
  objectId: objectId.optional(),
  objectTypeId: z.string().optional(),
  changeFlag: z.string().optional(),
  propertyName: z.string().optional(),
  // Merges: the surviving record and the ones merged into it (which stop existing).
  primaryObjectId: objectId.optional(),
  newObjectId: objectId.optional(),
  mergedObjectIds: z.array(objectId).optional(),
  // Association changes.
  fromObjectId: objectId.optional(),
  toObjectId: objectId.optional(),
  fromObjectTypeId: z.string().optional(),
  toObjectTypeId: z.string().optional(),
});
export type HubspotWebhookEvent = z.output<typeof webhookEventSchema>;

export const webhookBodySchema = z.array(webhookEventSchema);
