/**
 * The OpenAPI 3.1 document of /api/v1, generated from the zod schemas the routes validate with
 * (OpenAPI 3.1 speaks JSON Schema 2020-12, which zod emits), so it describes what the code does.
 */
import { z } from "zod";
import { connectionSchema, invoiceDetailSchema, invoiceListQuery, invoicePageSchema } from "../invoices/schemas";
import { auditListQuery, auditPageSchema } from "../audit/schemas";
import { conflictListQuery, conflictPageSchema, conflictSchema, resolveInput } from "../conflicts/schemas";

const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), fields: z.record(z.string(), z.array(z.string())).optional() }),
});

const schema = (s: z.ZodType, io: "input" | "output" = "output") => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
};

/** Query parameters from an object schema: one entry per key, required unless optional or defaulted. */
function queryParameters(object: z.ZodObject) {
  return Object.entries(object.shape).map(([name, field]) => {
    const json = schema(field as z.ZodType, "input");
    const optional = (field as z.ZodType).safeParse(undefined).success;
    return { name, in: "query", required: !optional, description: (json.description as string | undefined) ?? undefined, schema: json };
  });
}

const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [String(code), { description: ERROR_TEXT[code], content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } }]));
const ERROR_TEXT: Record<number, string> = {
  400: "Invalid query parameters or malformed JSON",
  401: "Missing, unknown or revoked API key",
  403: "The key's role may not do this",
  404: "Not found in the key's workspace",
  409: "Someone changed the conflict since the version sent: nothing was changed",
  422: "The body does not fit: wrong types, unknown fields, or a value the conflict's field does not take (see `fields`)",
};
const ok = (ref: string) => ({ "200": { description: "OK", content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } } } });

export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Concord API",
      version: "1.0.0",
      description:
        "Invoices as Concord reconciles them across Stripe, QuickBooks Online, Xero and HubSpot. Amounts are integers in the currency's minor unit, sent as strings; dates are calendar dates (YYYY-MM-DD). Lists are paginated by cursor: pass `nextCursor` back as `cursor`.",
    },
    servers: [{ url: `${serverUrl}/api/v1` }],
    security: [{ apiKey: [] }],
    paths: {
      "/invoices": {
        get: { operationId: "listInvoices", summary: "List invoices, newest issue date first", parameters: queryParameters(invoiceListQuery), responses: { ...ok("InvoicePage"), ...errors(400, 401, 403) } },
      },
      "/invoices/{id}": {
        get: {
          operationId: "getInvoice",
          summary: "An invoice: canonical values, each system's snapshot, payments, conflicts and history",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: { ...ok("InvoiceDetail"), ...errors(401, 403, 404) },
        },
      },
      "/audit": {
        get: {
          operationId: "listAuditEntries",
          summary: "The audit trail, newest first: who or what did what, to which record, through which connection, with the before/after. Needs a key whose role may view the audit trail (not VIEWER).",
          parameters: queryParameters(auditListQuery),
          responses: { ...ok("AuditPage"), ...errors(400, 401, 403) },
        },
      },
      "/conflicts": {
        get: {
          operationId: "listConflicts",
          summary: "The conflict inbox: what the sync rules could not settle, newest first, with counts by kind. Each conflict carries every system's value, the actions it allows now, and after a resolution how the sync engine carried it out.",
          parameters: queryParameters(conflictListQuery),
          responses: { ...ok("ConflictPage"), ...errors(400, 401, 403) },
        },
      },
      "/conflicts/{id}/resolve": {
        post: {
          operationId: "resolveConflict",
          summary:
            "Decide a conflict: take one system's value (`source`), enter a value, merge a duplicate, confirm or reject a possible match, ignore with a reason, or reopen. Send the `version` you saw; the decision is written to the other systems by the sync engine (see `push` on the answer). Needs a key whose role may resolve conflicts (not VIEWER).",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/ResolveInput" } } } },
          responses: { ...ok("Conflict"), ...errors(400, 401, 403, 404, 409, 422) },
        },
      },
      "/connections": {
        get: {
          operationId: "listConnections",
          summary: "The workspace's connected systems",
          responses: { "200": { description: "OK", content: { "application/json": { schema: { type: "object", required: ["data"], properties: { data: { type: "array", items: { $ref: "#/components/schemas/Connection" } } } } } } }, ...errors(401, 403) },
        },
      },
    },
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An API key made under Settings → API keys." } },
      schemas: {
        ConflictPage: schema(conflictPageSchema),
        Conflict: schema(conflictSchema),
        ResolveInput: schema(resolveInput, "input"),
        InvoicePage: schema(invoicePageSchema),
        AuditPage: schema(auditPageSchema), InvoiceDetail: schema(invoiceDetailSchema), Connection: schema(connectionSchema), Error: schema(errorSchema) },
    },
  };
}
