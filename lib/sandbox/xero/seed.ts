/**
 * Turns the shared seed (core/seed.ts) into Xero objects: contacts with the seed's messy names
 * (made unique, as Xero requires of active contacts), sales invoices and some supplier bills,
 * tax-exclusive or without tax, in several currencies, drafts, submitted, authorised, part-paid,
 * paid and voided. Ids come from the seed, so the same seed gives the same objects and seeding
 * it again adds nothing.
 */
import type { ApiContext } from "../core/sandbox";
import { Rng } from "../core/rng";
import { currencyExponent, generateSeed, type SeedInput, type SeedInvoice } from "../core/seed";
import { newContact, putContact } from "./contacts";
import { uuidFrom } from "./ids";
import { totals } from "./invoice-lines";
import { lineAmountCents, share, taxCents } from "./money";

/** Cents rounded down to what the currency can hold (whole units for JPY; cents otherwise). */
function roundToCurrency(cents: number, currency: string): number {
  const unit = 10 ** (2 - Math.min(2, currencyExponent(currency)));
  return Math.floor(cents / unit) * unit;
}
import { BASE_CURRENCY, defaultCurrencyRate, taxRate } from "./org";
import { contactNameKey, type InvoiceRecord, invoiceNumberKey, type InvoiceStatus, type InvoiceType, type LineAmountTypes, type PaymentRecord, type XeroData } from "./types";

function uniqueName(data: XeroData, name: string): string {
  let candidate = name;
  for (let n = 2; data.contactNames[contactNameKey(candidate)]; n++) candidate = `${name.trim()} (${n})`;
  return candidate;
}

function uniqueNumber(data: XeroData, number: string): string {
  let candidate = number;
  for (let n = 2; data.invoiceNumbers[invoiceNumberKey(candidate)]; n++) candidate = `${number}-${n}`;
  return candidate;
}

function status(seed: SeedInvoice, submitted: boolean): InvoiceStatus {
  switch (seed.state) {
    case "draft":
      return submitted ? "SUBMITTED" : "DRAFT";
    case "open":
    case "partially_paid":
      return "AUTHORISED";
    case "paid":
      return "PAID";
    case "void":
      return "VOIDED";
  }
}

export function seedXero(ctx: ApiContext<XeroData>, input: SeedInput): Record<string, number> {
  const { data, sandbox } = ctx;
  const { customers, invoices } = generateSeed(input);
  const rng = new Rng(`xero:${input.seed}`);
  const now = sandbox.clock.now();
  const created = { contacts: 0, invoices: 0, payments: 0, bills: 0 };

  const contactIds = new Map<string, string>();
  for (const c of customers) {
    const id = uuidFrom(rng);
    contactIds.set(c.key, id);
    if (data.contacts[id]) continue;
    putContact(data, { ...newContact(uniqueName(data, c.name), now, id), EmailAddress: c.email, DefaultCurrency: c.currency });
    created.contacts++;
  }

  for (const seed of invoices) {
    // Every draw happens before the skip below, so the sequence never depends on what exists.
    const id = uuidFrom(rng);
    const lineIds = seed.lines.map(() => uuidFrom(rng));
    const paymentIds = seed.payments.map(() => uuidFrom(rng));
    // Every seeded invoice is a sales invoice, as in the other systems; a tenth also get a supplier bill beside them.
    const withBill = rng.chance(0.1);
    const billId = uuidFrom(rng);
    const billLineIds = seed.lines.map(() => uuidFrom(rng));
    const type = "ACCREC" as InvoiceType;
    // Tax included in the amounts (or none), so totals are what the other systems hold for the same invoice.
    const lineAmountTypes: LineAmountTypes = rng.chance(0.5) ? "Inclusive" : "NoTax";
    const submitted = rng.chance(0.3);
    const reference = rng.chance(0.4) ? `PO ${rng.int(1000, 99_999)}` : "";
    if (data.invoices[id]) continue;

    const taxType = lineAmountTypes === "NoTax" ? "NONE" : type === "ACCREC" ? "OUTPUT" : "INPUT";
    const toUnit4 = 10 ** (4 - currencyExponent(seed.currency));
    const lines = seed.lines.map((l, i) => {
      const quantity4 = l.quantity * 10_000;
      // Seed amounts are in the currency's minor unit (JPY 0, KWD 3 decimals); Xero keeps 4.
      const unitAmount4 = l.unitAmountMinor * toUnit4;
      const lineAmount = lineAmountCents(quantity4, unitAmount4);
      return {
        LineItemID: lineIds[i]!,
        Description: l.description,
        quantity4,
        unitAmount4,
        AccountCode: type === "ACCREC" ? "200" : "429",
        ItemCode: null,
        TaxType: taxType,
        // Tax rounded to the currency's own unit (whole yen), as an organisation in that currency books it.
        taxAmount: roundToCurrency(taxCents(lineAmount, taxRate(taxType) ?? 0, lineAmountTypes === "Inclusive"), seed.currency),
        lineAmount,
      };
    });
    const sums = totals(lines, lineAmountTypes);
    const invoiceStatus = status(seed, submitted);
    const contactId = contactIds.get(seed.customerKey)!;
    const contact = data.contacts[contactId];
    if (contact) data.contacts[contactId] = { ...contact, [type === "ACCREC" ? "IsCustomer" : "IsSupplier"]: true };

    // Seed payments are shares of the seed's own total; apply the same share to Xero's total.
    const payments: PaymentRecord[] = seed.payments.map((p, i) => {
      const unit = 10 ** (2 - Math.min(2, currencyExponent(seed.currency)));
      const amount = seed.state === "paid" ? sums.total : Math.min(sums.total - unit, Math.max(unit, roundToCurrency(share(sums.total, p.amountMinor, seed.totalMinor), seed.currency)));
      return {
        PaymentID: paymentIds[i]!,
        InvoiceID: id,
        AccountCode: "090",
        Date: p.date,
        amount,
        CurrencyRate: seed.currency === BASE_CURRENCY ? 1 : defaultCurrencyRate(seed.currency),
        Reference: "",
        Status: "AUTHORISED",
        PaymentType: type === "ACCREC" ? "ACCRECPAYMENT" : "ACCPAYPAYMENT",
        IsReconciled: seed.state === "paid",
        UpdatedDateUTC: now,
      };
    });
    const amountPaid = payments.reduce((s, p) => s + p.amount, 0);
    const number = type === "ACCREC" ? uniqueNumber(data, seed.number) : `BILL-${seed.number.slice(4)}`;
    const invoice: InvoiceRecord = {
      InvoiceID: id,
      InvoiceNumber: number,
      Type: type,
      ContactID: contactId,
      Date: seed.issueDate,
      DueDate: seed.dueDate,
      Status: invoiceStatus,
      LineAmountTypes: lineAmountTypes,
      LineItems: lines,
      ...sums,
      amountDue: invoiceStatus === "VOIDED" ? 0 : sums.total - amountPaid,
      amountPaid,
      amountCredited: 0,
      CurrencyCode: seed.currency,
      CurrencyRate: seed.currency === BASE_CURRENCY ? 1 : defaultCurrencyRate(seed.currency),
      FullyPaidOnDate: invoiceStatus === "PAID" ? (payments[payments.length - 1]?.Date ?? null) : null,
      Reference: reference,
      SentToContact: invoiceStatus === "AUTHORISED" || invoiceStatus === "PAID",
      PaymentIDs: payments.map((p) => p.PaymentID),
      UpdatedDateUTC: now,
    };
    data.invoices[id] = invoice;
    if (type === "ACCREC") data.invoiceNumbers[invoiceNumberKey(number)] = id;
    for (const p of payments) data.payments[p.PaymentID] = p;
    created.invoices++;
    created.payments += payments.length;
    if (withBill) {
      data.invoices[billId] = {
        ...invoice,
        InvoiceID: billId,
        InvoiceNumber: `BILL-${seed.number.slice(4)}`,
        Type: "ACCPAY",
        Status: "AUTHORISED",
        LineItems: lines.map((l, i) => ({ ...l, LineItemID: billLineIds[i]!, AccountCode: "429", TaxType: l.TaxType === "NONE" ? "NONE" : "INPUT" })),
        amountDue: sums.total,
        amountPaid: 0,
        FullyPaidOnDate: null,
        Reference: "",
        SentToContact: false,
        PaymentIDs: [],
      };
      if (contact) data.contacts[contactId] = { ...data.contacts[contactId]!, IsSupplier: true };
      created.bills++;
    }
  }
  sandbox.touch();
  return created;
}
