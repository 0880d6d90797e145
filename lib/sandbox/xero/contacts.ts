/**
 * Contacts: GET (list and one), PUT (create), POST (create or update). Names are unique across
 * active contacts; IsCustomer / IsSupplier are read-only and follow the invoices raised.
 * https://developer.xero.com/documentation/api/accounting/contacts
 */
import { randomUUID } from "node:crypto";
import type { ApiContext, ApiRoutes } from "../core/sandbox";
import { batchWrite, type Plan } from "./batch";
import { notFound } from "./errors";
import { listRecords } from "./listing";
import { isKnownCurrency } from "./org";
import type { Fields } from "./query";
import { contactInput, type ContactInput } from "./schemas";
import { type ContactRecord, contactNameKey, entry, type XeroData } from "./types";
import { emitEvent } from "./webhooks";
import { envelope, wireContact } from "./wire";

const BASE = "/api.xro/2.0";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function newContact(name: string, now: number, id: string = randomUUID()): ContactRecord {
  return { ContactID: id, Name: name, FirstName: null, LastName: null, EmailAddress: null, ContactNumber: null, AccountNumber: null, ContactStatus: "ACTIVE", IsCustomer: false, IsSupplier: false, DefaultCurrency: null, UpdatedDateUTC: now };
}

/** Stores a contact and keeps the active-name index right. */
export function putContact(data: XeroData, contact: ContactRecord, previous?: ContactRecord): void {
  if (previous && data.contactNames[contactNameKey(previous.Name)] === previous.ContactID) delete data.contactNames[contactNameKey(previous.Name)];
  data.contacts[contact.ContactID] = contact;
  if (contact.ContactStatus === "ACTIVE") data.contactNames[contactNameKey(contact.Name)] = contact.ContactID;
}

export function findContact(data: XeroData, idOrNumber: string): ContactRecord | undefined {
  if (UUID.test(idOrNumber)) return entry(data.contacts, idOrNumber.toLowerCase());
  return Object.values(data.contacts).find((c) => c.ContactNumber === idOrNumber);
}

export const CONTACT_FIELDS: Fields<ContactRecord> = {
  contactid: (c) => c.ContactID,
  name: (c) => c.Name,
  firstname: (c) => c.FirstName,
  lastname: (c) => c.LastName,
  emailaddress: (c) => c.EmailAddress,
  contactnumber: (c) => c.ContactNumber,
  accountnumber: (c) => c.AccountNumber,
  contactstatus: (c) => c.ContactStatus,
  iscustomer: (c) => c.IsCustomer,
  issupplier: (c) => c.IsSupplier,
  defaultcurrency: (c) => c.DefaultCurrency,
  updateddateutc: (c) => c.UpdatedDateUTC,
};

function contactPlanner(ctx: ApiContext<XeroData>, mode: "create" | "upsert", targetId?: string): (input: ContactInput) => Plan {
  const { data, sandbox, account } = ctx;
  const claimed = new Set<string>();
  return (input) => {
    const errors: string[] = [];
    const id = targetId ?? input.ContactID?.toLowerCase();
    const existing = id ? entry(data.contacts, id) : undefined;
    if (id && !existing) errors.push("The contact with the specified ContactID could not be found.");
    if (mode === "create" && existing) errors.push("A contact with this ContactID already exists; update it with POST.");
    const name = input.Name ?? existing?.Name ?? "";
    if (!name.trim()) errors.push("The Contact must contain at least 1 of the following elements to identify the contact: Name, ContactID, ContactNumber");
    const status = (input.ContactStatus?.toUpperCase() ?? existing?.ContactStatus ?? "ACTIVE") as ContactRecord["ContactStatus"];
    if (status !== "ACTIVE" && status !== "ARCHIVED") errors.push(`The ContactStatus ${input.ContactStatus} is not valid.`);
    const key = contactNameKey(name);
    const holder = data.contactNames[key];
    if (name.trim() && status === "ACTIVE" && ((holder && holder !== existing?.ContactID) || claimed.has(key))) {
      errors.push(`The contact name ${name} is already assigned to another contact. The contact name must be unique across all active contacts.`);
    }
    const email = input.EmailAddress === undefined ? existing?.EmailAddress ?? null : input.EmailAddress || null;
    if (email && !EMAIL.test(email)) errors.push("Email address must be valid.");
    const currency = input.DefaultCurrency?.toUpperCase() ?? existing?.DefaultCurrency ?? null;
    if (currency && !isKnownCurrency(currency)) errors.push(`Organisation is not subscribed to currency ${currency}`);
    if (errors.length) return { ok: false, errors };
    if (status === "ACTIVE") claimed.add(key);
    return {
      ok: true,
      apply: () => {
        // Re-read: an earlier object of the same request may have changed this contact.
        const current = existing ? data.contacts[existing.ContactID] ?? existing : undefined;
        const base = current ?? newContact(name, 0);
        const pick = (value: string | null | undefined, current: string | null) => (value === undefined ? current : value || null);
        const next: ContactRecord = {
          ...base,
          Name: name,
          FirstName: pick(input.FirstName, base.FirstName),
          LastName: pick(input.LastName, base.LastName),
          EmailAddress: email,
          ContactNumber: pick(input.ContactNumber, base.ContactNumber),
          AccountNumber: pick(input.AccountNumber, base.AccountNumber),
          ContactStatus: status,
          DefaultCurrency: currency,
          UpdatedDateUTC: sandbox.clock.now(),
        };
        putContact(data, next, current);
        emitEvent(sandbox, account.id, "CONTACT", current ? "UPDATE" : "CREATE", next.ContactID);
        return wireContact(next);
      },
    };
  };
}

export function contactRoutes(api: ApiRoutes<XeroData>): void {
  const spec = (ctx: ApiContext<XeroData>, mode: "create" | "upsert", targetId?: string) =>
    ({ collection: "Contacts", entity: "Contact", schema: contactInput, errorFlag: "HasValidationErrors", plan: contactPlanner(ctx, mode, targetId) }) as const;

  api
    .add("GET", `${BASE}/Contacts`, (req, ctx) => {
      const ids = req.query.get("IDs");
      const includeArchived = req.query.get("includeArchived")?.toLowerCase() === "true";
      const idSet = ids ? new Set(ids.split(",").map((s) => s.trim().toLowerCase())) : null;
      const records = idSet ? [...idSet].flatMap((id) => entry(ctx.data.contacts, id) ?? []) : Object.values(ctx.data.contacts);
      const result = listRecords(req, records, {
        typeName: "Contact",
        fields: CONTACT_FIELDS,
        updatedAt: (c) => c.UpdatedDateUTC,
        filters: includeArchived || idSet ? [] : [(c) => c.ContactStatus === "ACTIVE"],
        search: (c, term) => [c.Name, c.FirstName, c.LastName, c.EmailAddress, c.ContactNumber, c.AccountNumber].some((v) => v?.toLowerCase().includes(term)),
      });
      if (!result.ok) return result.response;
      return envelope("Contacts", result.items.map(wireContact), ctx.sandbox.clock.now(), result.pagination);
    })
    .add("GET", `${BASE}/Contacts/:id`, (req, ctx) => {
      const contact = findContact(ctx.data, req.params.id ?? "");
      return contact ? envelope("Contacts", [wireContact(contact)], ctx.sandbox.clock.now()) : notFound();
    })
    .add("PUT", `${BASE}/Contacts`, (req, ctx) => batchWrite(req, ctx, spec(ctx, "create")))
    .add("POST", `${BASE}/Contacts`, (req, ctx) => batchWrite(req, ctx, spec(ctx, "upsert")))
    .add("POST", `${BASE}/Contacts/:id`, (req, ctx) => {
      const contact = findContact(ctx.data, req.params.id ?? "");
      return contact ? batchWrite(req, ctx, spec(ctx, "upsert", contact.ContactID)) : notFound();
    });
}
