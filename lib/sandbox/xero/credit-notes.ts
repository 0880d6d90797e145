/**
 * Credit notes: GET list (If-Modified-Since, where, order, IDs, paging) and one; PUT creates,
 * POST creates or updates, POST /CreditNotes/{id} updates. Xero's rules, as for invoices: new
 * ones are DRAFT, SUBMITTED or AUTHORISED; DRAFT/SUBMITTED may be deleted, AUTHORISED voided
 * only while nothing was refunded from it; PAID comes from cash refunds (payments against it,
 * payments.ts) using up RemainingCredit. ACCRECCREDIT numbers are CN-nnnn, unique. Allocations to
 * invoices are not modelled.
 * https://developer.xero.com/documentation/api/accounting/creditnotes
 */
import { randomUUID } from "node:crypto";
import type { SandboxRequest } from "../core/http";
import type { ApiContext, ApiRoutes } from "../core/sandbox";
import { batchWrite, type Plan } from "./batch";
import { msToYmd, parseDateInput, ymdToMs } from "./dates";
import { notFound } from "./errors";
import { unitdp } from "./invoices";
import { buildLines, totals } from "./invoice-lines";
import { listRecords } from "./listing";
import { fromUnits, toUnits } from "./money";
import { BASE_CURRENCY, defaultCurrencyRate, isKnownCurrency } from "./org";
import { type Fields, listParam } from "./query";
import { creditNoteInput, type CreditNoteInput } from "./schemas";
import { contactNameKey, CREDIT_NOTE_TYPES, creditNotesOf, entry, INVOICE_STATUSES, LINE_AMOUNT_TYPES, type CreditNoteRecord, type InvoiceStatus, type LineAmountTypes, type XeroData } from "./types";
import { emitEvent } from "./webhooks";
import { envelope, wireCreditNote } from "./wire";

const BASE = "/api.xro/2.0";
const TRANSITIONS: Record<InvoiceStatus, readonly InvoiceStatus[]> = {
  DRAFT: ["DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"],
  SUBMITTED: ["SUBMITTED", "DRAFT", "AUTHORISED", "DELETED"],
  AUTHORISED: ["AUTHORISED", "VOIDED"],
  PAID: ["PAID"],
  VOIDED: ["VOIDED"],
  DELETED: ["DELETED"],
};
const MAX_TOTAL_CENTS = 1e13;

const oneOf = <T extends string>(values: readonly T[], raw: string | null | undefined): T | undefined => (raw == null ? undefined : values.find((v) => v.toLowerCase() === raw.trim().toLowerCase()));
const formatNumber = (n: number) => `CN-${String(n).padStart(4, "0")}`;

export function findCreditNote(data: XeroData, idOrNumber: string): CreditNoteRecord | undefined {
  const notes = creditNotesOf(data);
  return entry(notes, idOrNumber.toLowerCase()) ?? Object.values(notes).find((cn) => cn.CreditNoteNumber.toLowerCase() === idOrNumber.trim().toLowerCase());
}

function creditNoteFields(data: XeroData): Fields<CreditNoteRecord> {
  const money = (cents: number) => fromUnits(cents, 2);
  return {
    creditnoteid: (c) => c.CreditNoteID,
    creditnotenumber: (c) => c.CreditNoteNumber,
    type: (c) => c.Type,
    status: (c) => c.Status,
    reference: (c) => c.Reference,
    "contact.contactid": (c) => c.ContactID,
    "contact.name": (c) => data.contacts[c.ContactID]?.Name ?? null,
    date: (c) => ymdToMs(c.Date),
    updateddateutc: (c) => c.UpdatedDateUTC,
    currencycode: (c) => c.CurrencyCode,
    total: (c) => money(c.total),
    remainingcredit: (c) => money(c.remainingCredit),
  };
}

function creditNotePlanner(ctx: ApiContext<XeroData>, opts: { mode: "create" | "upsert"; unitdp: 2 | 4; targetId?: string }): (input: CreditNoteInput) => Plan {
  const { data, sandbox, account } = ctx;
  const notes = creditNotesOf(data);
  const claimed = new Set<string>();
  let nextNumber = data.nextCreditNoteNumber ?? 1;
  return (input) => {
    const errors: string[] = [];
    const explicitId = opts.targetId ?? input.CreditNoteID?.toLowerCase();
    const existing = explicitId ? entry(notes, explicitId) : undefined;
    if (explicitId && !existing) return { ok: false, errors: ["The Credit Note with the specified CreditNoteID could not be found."] };
    if (existing && opts.mode === "create") return { ok: false, errors: ["A credit note with this CreditNoteID already exists; update it with POST."] };

    const type = existing?.Type ?? oneOf(CREDIT_NOTE_TYPES, input.Type);
    if (!type) return { ok: false, errors: ["CreditNote not of valid type for creation"] };
    const requested = input.Status == null ? undefined : oneOf(INVOICE_STATUSES, input.Status);
    const status: InvoiceStatus = requested ?? existing?.Status ?? "DRAFT";
    if (!existing && (input.Status != null && !requested ? true : !["DRAFT", "SUBMITTED", "AUTHORISED"].includes(status))) errors.push("CreditNote not of valid status for creation");
    if (existing && ((input.Status != null && !requested) || !TRANSITIONS[existing.Status].includes(status))) errors.push("CreditNote not of valid status for modification");
    if (existing && status === "VOIDED" && existing.PaymentIDs.some((id) => data.payments[id]?.Status === "AUTHORISED")) {
      errors.push("This document cannot be voided as it has a payment or allocation against it.");
    }

    let contactId = existing?.ContactID;
    if (input.Contact) {
      const byId = input.Contact.ContactID ? entry(data.contacts, input.Contact.ContactID.toLowerCase()) : undefined;
      const byName = !input.Contact.ContactID && input.Contact.Name ? entry(data.contactNames, contactNameKey(input.Contact.Name)) : undefined;
      if (byId) contactId = byId.ContactID;
      else if (byName) contactId = byName;
      else errors.push("The contact with the specified ContactID could not be found.");
    } else if (!existing) errors.push("A Contact must be specified for this type of transaction");

    const date = input.Date ? parseDateInput(input.Date) : (existing?.Date ?? msToYmd(sandbox.clock.now()));
    if (!date) errors.push(`The string '${input.Date}' is not a valid AllXsd value.`);
    const currency = input.CurrencyCode?.trim().toUpperCase() || existing?.CurrencyCode || (contactId && data.contacts[contactId]?.DefaultCurrency) || BASE_CURRENCY;
    if (!isKnownCurrency(currency)) errors.push(`Organisation is not subscribed to currency ${currency}`);
    const rate6 = input.CurrencyRate == null ? null : toUnits(input.CurrencyRate, 6);
    const currencyRate = currency === BASE_CURRENCY ? 1 : rate6 && rate6 > 0 ? fromUnits(rate6, 6) : existing?.CurrencyCode === currency ? existing.CurrencyRate : defaultCurrencyRate(currency);

    const lineAmountTypes: LineAmountTypes | undefined = input.LineAmountTypes == null ? (existing?.LineAmountTypes ?? "Exclusive") : oneOf(LINE_AMOUNT_TYPES, input.LineAmountTypes);
    if (!lineAmountTypes) return { ok: false, errors: [...errors, `Error converting value "${input.LineAmountTypes}" to type 'LineAmountType'.`] };
    let lines = existing?.LineItems ?? [];
    if (input.LineItems) {
      const built = buildLines(input.LineItems, { type: type === "ACCRECCREDIT" ? "ACCREC" : "ACCPAY", lineAmountTypes, unitdp: opts.unitdp, previous: lines });
      errors.push(...built.errors);
      lines = built.lines;
    }
    if (status === "SUBMITTED" || status === "AUTHORISED") {
      if (lines.length === 0) errors.push("One or more line items must be specified");
      for (const l of lines) if (!l.AccountCode) errors.push("Account code '' is not a valid code for this document.");
    }
    const sums = totals(lines, lineAmountTypes);
    if (sums.total < 0) errors.push("The credit note total cannot be negative.");
    if (Math.abs(sums.total) > MAX_TOTAL_CENTS) errors.push("The credit note total is too large.");
    const refunded = existing ? existing.total - existing.remainingCredit : 0;
    const contentChanged = existing && (!!input.LineItems || contactId !== existing.ContactID || currency !== existing.CurrencyCode || date !== existing.Date);
    if (contentChanged && (refunded > 0 || ["PAID", "VOIDED", "DELETED"].includes(existing.Status))) errors.push("CreditNote not of valid status for modification");

    let number = input.CreditNoteNumber?.trim() || existing?.CreditNoteNumber || "";
    if (type === "ACCRECCREDIT") {
      const taken = (n: string) => claimed.has(n.toLowerCase()) || Object.values(notes).some((cn) => cn.Type === "ACCRECCREDIT" && cn.CreditNoteID !== existing?.CreditNoteID && cn.CreditNoteNumber.toLowerCase() === n.toLowerCase());
      if (number && taken(number)) errors.push("Credit Note # must be unique.");
      if (!number && !errors.length) {
        while (taken(formatNumber(nextNumber))) nextNumber++;
        number = formatNumber(nextNumber++);
      }
    }
    if (errors.length) return { ok: false, errors: [...new Set(errors)] };
    if (type === "ACCRECCREDIT") claimed.add(number.toLowerCase());

    const settled = status === "VOIDED" || status === "DELETED";
    const draft: Omit<CreditNoteRecord, "CreditNoteID" | "UpdatedDateUTC"> = {
      CreditNoteNumber: number,
      Type: type,
      ContactID: contactId!,
      Date: date!,
      Status: status,
      LineAmountTypes: lineAmountTypes,
      LineItems: lines,
      ...sums,
      remainingCredit: settled ? 0 : sums.total - refunded,
      CurrencyCode: currency,
      CurrencyRate: currencyRate,
      FullyPaidOnDate: existing?.FullyPaidOnDate ?? null,
      Reference: input.Reference ?? existing?.Reference ?? "",
      SentToContact: input.SentToContact ?? existing?.SentToContact ?? false,
      PaymentIDs: existing?.PaymentIDs ?? [],
    };
    return {
      ok: true,
      apply: () => {
        const now = sandbox.clock.now();
        const note: CreditNoteRecord = { ...draft, CreditNoteID: existing?.CreditNoteID ?? randomUUID(), UpdatedDateUTC: now };
        notes[note.CreditNoteID] = note;
        data.nextCreditNoteNumber = Math.max(data.nextCreditNoteNumber ?? 1, nextNumber);
        emitEvent(sandbox, account.id, "CREDITNOTE", existing ? "UPDATE" : "CREATE", note.CreditNoteID);
        return wireCreditNote(note, data, { lineItems: true, unitdp: opts.unitdp });
      },
    };
  };
}

function listCreditNotes(req: SandboxRequest, ctx: ApiContext<XeroData>) {
  const notes = creditNotesOf(ctx.data);
  const ids = listParam(req.query, "IDs");
  const records = ids ? ids.flatMap((id) => entry(notes, id.toLowerCase()) ?? []) : Object.values(notes);
  const result = listRecords(req, records, {
    typeName: "CreditNote",
    fields: creditNoteFields(ctx.data),
    updatedAt: (c) => c.UpdatedDateUTC,
    search: (c, term) => c.CreditNoteNumber.toLowerCase().includes(term) || c.Reference.toLowerCase().includes(term),
  });
  if (!result.ok) return result.response;
  const view = { lineItems: !!result.pagination, unitdp: unitdp(req), summaryOnly: req.query.get("summaryOnly")?.toLowerCase() === "true" };
  return envelope("CreditNotes", result.items.map((c) => wireCreditNote(c, ctx.data, view)), ctx.sandbox.clock.now(), result.pagination);
}

export function creditNoteRoutes(api: ApiRoutes<XeroData>): void {
  const spec = (req: SandboxRequest, ctx: ApiContext<XeroData>, mode: "create" | "upsert", targetId?: string) =>
    ({ collection: "CreditNotes", entity: "CreditNote", schema: creditNoteInput, errorFlag: "HasErrors", plan: creditNotePlanner(ctx, { mode, unitdp: unitdp(req), targetId }) }) as const;
  api
    .add("GET", `${BASE}/CreditNotes`, listCreditNotes)
    .add("GET", `${BASE}/CreditNotes/:id`, (req, ctx) => {
      const note = findCreditNote(ctx.data, req.params.id ?? "");
      return note ? envelope("CreditNotes", [wireCreditNote(note, ctx.data, { lineItems: true, unitdp: unitdp(req) })], ctx.sandbox.clock.now()) : notFound();
    })
    .add("PUT", `${BASE}/CreditNotes`, (req, ctx) => batchWrite(req, ctx, spec(req, ctx, "create")))
    .add("POST", `${BASE}/CreditNotes`, (req, ctx) => batchWrite(req, ctx, spec(req, ctx, "upsert")))
    .add("POST", `${BASE}/CreditNotes/:id`, (req, ctx) => {
      const note = findCreditNote(ctx.data, req.params.id ?? "");
      return note ? batchWrite(req, ctx, spec(req, ctx, "upsert", note.CreditNoteID)) : notFound();
    });
}
