/**
 * The OpenAPI 3.1 document of /api/v1, generated from the zod schemas the routes validate with
 * (OpenAPI 3.1 speaks JSON Schema 2020-12, which zod emits), so it describes what the code does.
 */
import { z } from "zod";
import { connectionSchema, invoiceDetailSchema, invoiceListQuery, invoicePageSchema } from "../invoices/schemas";
import { auditListQuery, auditPageSchema } from "../audit/schemas";

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
const ERROR_TEXT: Record<number, string> = { 400: "Invalid query parameters", 401: "Missing, unknown or revoked API key", 403: "The key's role may not do this", 404: "Not found in the key's workspace" };
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
      schemas: { InvoicePage: schema(invoicePageSchema), AuditPage: schema(auditPageSchema), InvoiceDetail: schema(invoiceDetailSchema), Connection: schema(connectionSchema), Error: schema(errorSchema) },
    },
  };
}
