/**
 * The CRM object types the sandbox serves and their properties: type, options, read-only, and
 * which properties a read returns by default. Property values travel as strings; datetimes as
 * ISO instants, numbers as decimal strings.
 * https://developers.hubspot.com/docs/api/crm/properties
 * https://knowledge.hubspot.com/payments/hubspots-default-invoice-properties
 */
export type ObjectType = "invoices" | "contacts" | "companies";

export type PropertyDef = {
  type: "string" | "number" | "enumeration" | "datetime" | "bool";
  options?: readonly string[];
  readOnly?: boolean;
  /** A money amount in the invoice's currency (kept in minor units while computing). */
  money?: boolean;
  format?: "email" | "currency";
};

export type ObjectMeta = {
  name: ObjectType;
  typeId: string;
  singular: string;
  properties: Record<string, PropertyDef>;
  /** Returned when a read names no properties. */
  defaults: readonly string[];
  /** Returned with every read. */
  always: readonly string[];
  created: string;
  modified: readonly string[];
  required: readonly string[];
  /** Searched by the search endpoint's free-text `query`. */
  text: readonly string[];
  idBase: number;
  /** Webhook subscription types: generic `object.*` for invoices, legacy `contact.*` / `company.*`. */
  webhookPrefix: "object" | "contact" | "company";
};

const ro = (type: PropertyDef["type"]): PropertyDef => ({ type, readOnly: true });
const str: PropertyDef = { type: "string" };

export const INVOICE_STATUSES = ["draft", "open", "paid", "voided"] as const;

const invoices: ObjectMeta = {
  name: "invoices",
  typeId: "0-53",
  singular: "invoice",
  properties: {
    hs_object_id: ro("number"),
    hs_createdate: ro("datetime"),
    hs_lastmodifieddate: ro("datetime"),
    hs_currency: { type: "enumeration", format: "currency" },
    hs_invoice_status: { type: "enumeration", options: INVOICE_STATUSES },
    // Calculated from line items in HubSpot; the sandbox has no line items, so it is writable.
    hs_amount_billed: { type: "number", money: true },
    hs_amount_paid: { type: "number", money: true },
    hs_balance_due: { type: "number", money: true, readOnly: true },
    hs_invoice_date: { type: "datetime" },
    hs_due_date: { type: "datetime" },
    hs_payment_date: { type: "datetime" },
    hs_number: str,
    hs_title: str,
    hs_purchase_order_number: str,
    hs_comments: str,
    hs_invoice_link: str,
    hs_invoice_source: { type: "enumeration", options: ["hubspot", "data_sync", "legacy_quickbooks_integration"] },
    hs_language: str,
    // Custom properties an integrator defines once per portal (POST /crm/v3/properties/invoices);
    // the sandbox has them built in because it doesn't model the properties API. Concord keeps
    // its invoice id and the idempotency keys of the payments it applied here.
    concord_invoice_id: str,
    concord_payment_keys: str,
  },
  defaults: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
  always: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
  created: "hs_createdate",
  modified: ["hs_lastmodifieddate"],
  // "The only property required for creating a draft invoice is hs_currency."
  required: ["hs_currency"],
  text: ["hs_number", "hs_title", "hs_purchase_order_number"],
  idBase: 44_446_244_001,
  webhookPrefix: "object",
};

const contacts: ObjectMeta = {
  name: "contacts",
  typeId: "0-1",
  singular: "contact",
  properties: {
    hs_object_id: ro("number"),
    createdate: ro("datetime"),
    lastmodifieddate: ro("datetime"),
    email: { type: "string", format: "email" },
    firstname: str,
    lastname: str,
    phone: str,
    company: str,
    jobtitle: str,
    lifecyclestage: { type: "enumeration", options: ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist", "other"] },
  },
  defaults: ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"],
  always: ["createdate", "hs_object_id", "lastmodifieddate"],
  created: "createdate",
  modified: ["lastmodifieddate"],
  required: [],
  text: ["email", "firstname", "lastname", "phone", "company"],
  idBase: 51_001,
  webhookPrefix: "contact",
};

const companies: ObjectMeta = {
  name: "companies",
  typeId: "0-2",
  singular: "company",
  properties: {
    hs_object_id: ro("number"),
    createdate: ro("datetime"),
    hs_lastmodifieddate: ro("datetime"),
    name: str,
    domain: str,
    city: str,
    country: str,
    phone: str,
    industry: str,
  },
  defaults: ["createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"],
  always: ["createdate", "hs_lastmodifieddate", "hs_object_id"],
  created: "createdate",
  modified: ["hs_lastmodifieddate"],
  required: [],
  text: ["name", "domain", "phone"],
  idBase: 9_876_543_001,
  webhookPrefix: "company",
};

export const OBJECTS: Record<ObjectType, ObjectMeta> = { invoices, contacts, companies };

const ALIASES: Record<string, ObjectType> = {
  invoices: "invoices",
  invoice: "invoices",
  "0-53": "invoices",
  contacts: "contacts",
  contact: "contacts",
  "0-1": "contacts",
  companies: "companies",
  company: "companies",
  "0-2": "companies",
};

/** Object types are addressed by name, singular name or type id ("0-53"). */
export function resolveType(param: string): ObjectMeta | null {
  const type = ALIASES[param.toLowerCase()];
  return type ? OBJECTS[type] : null;
}

/** A datetime as HubSpot prints it (Java's Instant: milliseconds only when not zero). */
export function instant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
}

/** Datetime input: epoch milliseconds, a date (midnight UTC) or an ISO datetime. */
export function parseInstant(value: string): number | null {
  const v = value.trim();
  if (/^-?\d{1,15}$/.test(v)) return Number(v);
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) return null;
  const ms = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : /(Z|[+-]\d{2}:?\d{2})$/.test(v) ? v : `${v}Z`);
  return Number.isNaN(ms) ? null : ms;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks and normalises one written value; "" clears the property. */
export function normalize(name: string, def: PropertyDef, raw: string): { ok: true; value: string } | { ok: false; error: string; message: string } {
  if (raw === "") return { ok: true, value: "" };
  switch (def.type) {
    case "number":
      return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? { ok: true, value: raw.trim() } : { ok: false, error: "INVALID_DOUBLE", message: `${raw} was not a valid number.` };
    case "datetime": {
      const ms = parseInstant(raw);
      return ms === null ? { ok: false, error: "INVALID_DATE", message: `${raw} was not a valid date or datetime for ${name}.` } : { ok: true, value: instant(ms) };
    }
    case "bool":
      return raw === "true" || raw === "false" ? { ok: true, value: raw } : { ok: false, error: "INVALID_BOOLEAN", message: `${raw} was not a valid boolean.` };
    case "enumeration":
      if (def.format === "currency") {
        return /^[A-Z]{3}$/.test(raw) ? { ok: true, value: raw } : { ok: false, error: "INVALID_OPTION", message: `${raw} was not one of the allowed options: ISO 4217 currency codes` };
      }
      return def.options?.includes(raw) ? { ok: true, value: raw } : { ok: false, error: "INVALID_OPTION", message: `${raw} was not one of the allowed options: [${def.options?.join(", ")}]` };
    case "string":
      if (def.format === "email" && !EMAIL.test(raw)) return { ok: false, error: "INVALID_EMAIL", message: `Email address ${raw} is invalid` };
      return raw.length > 65_536 ? { ok: false, error: "INVALID_STRING", message: `${name} is longer than 65536 characters` } : { ok: true, value: raw };
  }
}
