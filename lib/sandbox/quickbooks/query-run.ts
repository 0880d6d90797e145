/**
 * Runs a parsed query against a realm. Each entity has a list of queryable fields and their
 * types (an unknown field is QueryValidationError 4001); string comparisons and LIKE are
 * case-insensitive; MAXRESULTS defaults to 100 and is capped at 1000; STARTPOSITION is 1-based.
 * Like QuickBooks, Customer queries skip inactive customers unless the query filters on Active.
 */
import { faults } from "./errors";
import { toCents } from "./money";
import type { Condition, Literal, Query } from "./query";
import { isDate, parseDateTime } from "./time";
import { ENTITIES, tableOf, type QuickbooksData } from "./types";

type Kind = "id" | "string" | "date" | "datetime" | "money" | "boolean";
type Row = Record<string, unknown>;
type Field = { kind: Kind; get: (row: Row) => unknown };
type Comparable = number | string | boolean;

const at = (path: string) => {
  const keys = path.split(".");
  return (row: Row) => keys.reduce<unknown>((value, key) => (value as Row | undefined)?.[key], row);
};
// Names match case-insensitively, so "Metadata.LastUpdatedTime" and "MetaData.LastUpdatedTime" are one field.
const field = (kind: Kind, path: string): [string, Field] => [path.toLowerCase(), { kind, get: at(path) }];

const META = [field("datetime", "MetaData.CreateTime"), field("datetime", "MetaData.LastUpdatedTime")];
const FIELDS: Record<string, Map<string, Field>> = {
  Invoice: new Map([field("id", "Id"), field("string", "DocNumber"), field("date", "TxnDate"), field("date", "DueDate"), field("id", "CustomerRef.value"), field("money", "Balance"), field("money", "TotalAmt"), field("string", "EmailStatus"), field("string", "CurrencyRef.value"), ...META]),
  Customer: new Map([field("id", "Id"), field("string", "DisplayName"), field("string", "CompanyName"), field("string", "GivenName"), field("string", "FamilyName"), field("string", "PrimaryEmailAddr.Address"), field("boolean", "Active"), field("money", "Balance"), field("string", "CurrencyRef.value"), ...META]),
  Payment: new Map([field("id", "Id"), field("date", "TxnDate"), field("id", "CustomerRef.value"), field("money", "TotalAmt"), field("money", "UnappliedAmt"), field("string", "CurrencyRef.value"), ...META]),
  RefundReceipt: new Map([field("id", "Id"), field("string", "DocNumber"), field("date", "TxnDate"), field("id", "CustomerRef.value"), field("money", "TotalAmt"), field("string", "CurrencyRef.value"), ...META]),
  CompanyInfo: new Map([field("id", "Id"), field("string", "CompanyName"), ...META]),
};
// References and addresses are filtered by their value: `CustomerRef = '12'`.
for (const [entity, ref] of [["Invoice", "customerref"], ["Payment", "customerref"], ["RefundReceipt", "customerref"], ["Customer", "primaryemailaddr"]] as const) {
  FIELDS[entity]!.set(ref, FIELDS[entity]!.get(ref === "customerref" ? "customerref.value" : "primaryemailaddr.address")!);
}
for (const map of Object.values(FIELDS)) if (map.has("currencyref.value")) map.set("currencyref", map.get("currencyref.value")!);

/** Entities QuickBooks has that the sandbox keeps none of: their queries find nothing. */
const UNMODELLED = new Set(
  "Account Attachable Bill BillPayment Budget Class CompanyCurrency CreditMemo CustomerType Department Deposit Employee Estimate ExchangeRate Item JournalCode JournalEntry PaymentMethod Preferences Purchase PurchaseOrder RecurringTransaction SalesReceipt TaxAgency TaxCode TaxRate Term TimeActivity Transfer Vendor VendorCredit"
    .toLowerCase()
    .split(" "),
);

export type QuerySource = { data: QuickbooksData; companyInfo: () => Row };

/** A stored value as a comparable key; stored values are well-formed, so no validation. */
function stored(kind: Kind, value: unknown): Comparable {
  switch (kind) {
    case "id":
      return Number(value);
    case "string":
      return String(value).toLowerCase();
    case "date":
      return String(value);
    case "datetime":
      return Date.parse(String(value));
    case "money":
      return toCents(value) ?? 0;
    case "boolean":
      return value === true;
  }
}

/** A literal from the query as a comparable key, or QueryValidationError. */
function normalize(kind: Kind, value: unknown, fieldName: string): Comparable {
  const invalid = () => faults.queryValidation(`invalid value ${JSON.stringify(value)} for property '${fieldName}'`);
  switch (kind) {
    case "id": {
      const n = typeof value === "number" ? value : Number(String(value).trim());
      if (!Number.isFinite(n)) throw invalid();
      return n;
    }
    case "string":
      return String(value).toLowerCase();
    case "date": {
      const text = String(value).slice(0, 10);
      if (!isDate(text)) throw invalid();
      return text;
    }
    case "datetime": {
      const ms = parseDateTime(String(value));
      if (ms === null) throw invalid();
      return ms;
    }
    case "money": {
      const c = toCents(value);
      if (c === null) throw invalid();
      return c;
    }
    case "boolean":
      if (value === true || value === false) return value;
      if (String(value).toLowerCase() === "true" || String(value).toLowerCase() === "false") return String(value).toLowerCase() === "true";
      throw invalid();
  }
}

type Test = (row: Row) => boolean;

function compile(entity: string, cond: Condition): Test {
  const def = FIELDS[entity]!.get(cond.field.toLowerCase());
  if (!def) throw faults.queryValidation(`property '${cond.field}' is not queryable`);
  if (cond.op === "LIKE") {
    if (def.kind !== "string") throw faults.queryValidation(`operator LIKE is not supported for property '${cond.field}'`);
    const source = String(cond.values[0]).toLowerCase().split("%").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*");
    const pattern = new RegExp(`^${source}$`, "s");
    return (row) => {
      const v = def.get(row);
      return v !== undefined && pattern.test(String(v).toLowerCase());
    };
  }
  const wanted = cond.values.map((v: Literal) => normalize(def.kind, v, cond.field));
  const value = (row: Row): Comparable | undefined => {
    const v = def.get(row);
    return v === undefined || v === null ? undefined : stored(def.kind, v);
  };
  const first = wanted[0]!;
  const compare: Record<Condition["op"], (v: Comparable) => boolean> = {
    "=": (v) => v === first,
    IN: (v) => wanted.includes(v),
    "<": (v) => v < first,
    ">": (v) => v > first,
    "<=": (v) => v <= first,
    ">=": (v) => v >= first,
    LIKE: () => false,
  };
  const test = compare[cond.op];
  return (row) => {
    const v = value(row);
    return v !== undefined && test(v);
  };
}

function rowsOf(source: QuerySource, entity: string): Row[] {
  if (entity === "CompanyInfo") return [source.companyInfo()];
  const name = ENTITIES.find((e) => e === entity);
  return name ? (Object.values(tableOf(source.data, name)) as Row[]) : [];
}

function canonical(name: string): string | null {
  const lower = name.toLowerCase();
  return Object.keys(FIELDS).find((e) => e.toLowerCase() === lower) ?? (UNMODELLED.has(lower) ? "" : null);
}

/** The QueryResponse object for a query. */
export function runQuery(source: QuerySource, query: Query): Record<string, unknown> {
  const entity = canonical(query.from);
  if (entity === null) throw faults.queryValidation(`Invalid context declaration : ${query.from}`);
  if (entity === "") return query.select.kind === "count" ? { totalCount: 0 } : {};
  const conditions = [...query.where];
  if (entity === "Customer" && !conditions.some((c) => c.field.toLowerCase() === "active")) conditions.push({ field: "Active", op: "=", values: [true] });
  const tests = conditions.map((c) => compile(entity, c));
  let rows = rowsOf(source, entity).filter((row) => tests.every((t) => t(row)));
  if (query.select.kind === "count") return { totalCount: rows.length };

  if (query.orderBy.length) {
    const keys = query.orderBy.map((o) => {
      const def = FIELDS[entity]!.get(o.field.toLowerCase());
      if (!def) throw faults.queryValidation(`property '${o.field}' is not queryable`);
      return { def, sign: o.descending ? -1 : 1 };
    });
    const decorated = rows.map((row) => ({ row, values: keys.map((k) => (k.def.get(row) === undefined ? undefined : stored(k.def.kind, k.def.get(row)))) }));
    decorated.sort((a, b) => {
      for (let i = 0; i < keys.length; i++) {
        const x = a.values[i];
        const y = b.values[i];
        if (x === y) continue;
        if (x === undefined) return -keys[i]!.sign;
        if (y === undefined) return keys[i]!.sign;
        return (x < y ? -1 : 1) * keys[i]!.sign;
      }
      return 0;
    });
    rows = decorated.map((d) => d.row);
  }
  const max = Math.min(query.maxResults ?? 100, 1000);
  const page = rows.slice(query.startPosition - 1, query.startPosition - 1 + max);
  if (page.length === 0) return {};
  const items = query.select.kind === "fields" ? page.map((row) => project(row, (query.select as { fields: string[] }).fields)) : page;
  return { [entity]: items, startPosition: query.startPosition, maxResults: items.length };
}

function project(row: Row, fields: string[]): Row {
  const out: Row = {};
  for (const f of fields) {
    const top = f.split(".")[0]!.toLowerCase();
    const key = Object.keys(row).find((k) => k.toLowerCase() === top);
    if (key) out[key] = row[key];
  }
  out.domain = "QBO";
  return out;
}
