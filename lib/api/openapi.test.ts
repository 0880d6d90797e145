/** The OpenAPI document: generated from the request schemas, so it names what the code accepts. */
import { describe, expect, it } from "vitest";
import { INVOICE_STATUSES, invoiceListQuery } from "../invoices/schemas";
import { ACTOR_TYPES, auditListQuery } from "../audit/schemas";
import { CONFLICT_KINDS, RESOLVE_ACTIONS, conflictListQuery } from "../conflicts/schemas";
import { openApiDocument } from "./openapi";

const doc = openApiDocument("https://concord.example");
type Parameter = { name: string; in: string; required: boolean; schema: Record<string, unknown> };

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 with the v1 endpoints and bearer API keys", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual(["/audit", "/conflicts", "/conflicts/{id}/resolve", "/connections", "/invoices", "/invoices/{id}"]);
    expect(doc.servers[0]!.url).toBe("https://concord.example/api/v1");
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("lists every query parameter the list endpoint validates, with its constraints", () => {
    const parameters = doc.paths["/invoices"].get.parameters as Parameter[];
    expect(parameters.map((p) => p.name).sort()).toEqual(Object.keys(invoiceListQuery.shape).sort());
    expect(parameters.every((p) => p.in === "query" && p.required === false)).toBe(true);
    const system = parameters.find((p) => p.name === "system")!;
    expect(system.schema.enum).toEqual(["stripe", "quickbooks", "xero", "hubspot"]);
    const limit = parameters.find((p) => p.name === "limit")!;
    expect(JSON.stringify(limit.schema)).toMatch(/"maximum":200/);
  });

  it("documents the audit trail's filters and cursor pagination, and its entries", () => {
    const parameters = doc.paths["/audit"].get.parameters as Parameter[];
    expect(parameters.map((p) => p.name).sort()).toEqual(Object.keys(auditListQuery.shape).sort());
    expect(parameters.map((p) => p.name)).toEqual(expect.arrayContaining(["actorType", "actor", "action", "subjectType", "subjectId", "connectionId", "correlationId", "from", "to", "q", "cursor", "limit"]));
    expect(parameters.every((p) => p.in === "query" && p.required === false)).toBe(true);
    expect(parameters.find((p) => p.name === "actorType")!.schema.enum).toEqual([...ACTOR_TYPES]);
    const page = doc.components.schemas.AuditPage as { required: string[]; properties: { nextCursor: unknown; data: { items: { properties: Record<string, { type?: unknown }> } } } };
    expect(page.required).toEqual(expect.arrayContaining(["data", "nextCursor"]));
    const entry = page.properties.data.items.properties;
    expect(Object.keys(entry)).toEqual(expect.arrayContaining(["id", "at", "actorType", "actorLabel", "action", "subjectType", "subjectId", "connectionId", "changes", "correlationId", "prevHash", "hash"]));
    expect(entry.id!.type).toBe("string");
  });

  it("documents the conflict inbox: its filters, the resolve body per action, and 409 for a stale version", () => {
    const parameters = doc.paths["/conflicts"].get.parameters as Parameter[];
    expect(parameters.map((p) => p.name).sort()).toEqual(Object.keys(conflictListQuery.shape).sort());
    const resolve = doc.paths["/conflicts/{id}/resolve"].post;
    expect(Object.keys(resolve.responses)).toEqual(expect.arrayContaining(["200", "409", "422", "403"]));
    const body = doc.components.schemas.ResolveInput as { oneOf?: { properties: { action: { const: string } }; required: string[] }[]; anyOf?: { properties: { action: { const: string } }; required: string[] }[] };
    const variants = body.oneOf ?? body.anyOf ?? [];
    expect(variants.map((v) => v.properties.action.const).sort()).toEqual([...RESOLVE_ACTIONS].sort());
    expect(variants.every((v) => v.required.includes("version"))).toBe(true);
    const conflict = doc.components.schemas.Conflict as { properties: { kind: { enum: string[] }; push: unknown } };
    expect(conflict.properties.kind.enum).toEqual([...CONFLICT_KINDS]);
  });

  it("describes the responses with the same schemas the code returns", () => {
    const page = doc.components.schemas.InvoicePage as { properties: { data: { items: { properties: Record<string, { enum?: string[] }> } } } };
    const invoice = page.properties.data.items.properties;
    expect(invoice.status!.enum).toEqual([...INVOICE_STATUSES]);
    expect(Object.keys(invoice)).toEqual(expect.arrayContaining(["id", "number", "customer", "currency", "totalMinor", "systems", "disagreement"]));
    const detail = doc.components.schemas.InvoiceDetail as { properties: Record<string, unknown> };
    expect(Object.keys(detail.properties)).toEqual(expect.arrayContaining(["records", "payments", "history", "lines"]));
    // Every $ref points at a component that exists.
    for (const ref of JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? []) {
      expect(Object.keys(doc.components.schemas)).toContain(ref.split("/").pop());
    }
  });
});
