/**
 * Seeds a realm from core/seed.ts's neutral records through the same code paths the API uses,
 * so balances, LinkedTxn and SyncTokens are what QuickBooks would show. Seeding sends no
 * webhooks. QuickBooks has no draft invoices: a seed draft is an invoice never emailed
 * (EmailStatus NotSet). Amounts keep two decimals for every currency (UnitPrice keeps the
 * currency's own precision); duplicate names get a " (2)" suffix, since DisplayName is unique.
 * Times follow the seed's dates but never pass the present.
 */
import type { ApiContext } from "../core/sandbox";
import { currencyExponent, generateSeed, type SeedInput, type SeedLine } from "../core/seed";
import { createCustomer } from "./customers";
import { createInvoice, voidInvoice } from "./invoices";
import { cents, fromCents, lineCents, toCents } from "./money";
import { createPayment } from "./payments";
import type { WriteContext } from "./store";
import { nameKey, type QuickbooksData } from "./types";

/** A minor-unit amount as a decimal string: (1234, 3) → "1.234". */
function decimal(minor: number, exponent: number): string {
  if (exponent === 0) return String(minor);
  const digits = String(Math.abs(minor)).padStart(exponent + 1, "0");
  return `${minor < 0 ? "-" : ""}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

const toHundredths = (minor: number, currency: string) => toCents(decimal(minor, currencyExponent(currency)))!;

export function seedRealm(api: ApiContext<QuickbooksData>, input: SeedInput): Record<string, number> {
  const { customers, invoices } = generateSeed(input);
  const { data } = api;
  const present = Date.now();
  const ctx: WriteContext = { data, realmId: api.account.id, now: present, user: "Sandbox Admin", notify: () => {}, injectStale: () => false };
  const at = (date: string, hour: number) => Math.min(Date.parse(`${date}T${String(hour).padStart(2, "0")}:00:00Z`), present);
  const created = { Customer: 0, Invoice: 0, Payment: 0 };

  const customerIds = new Map<string, string>();
  customers.forEach((c, i) => {
    let name = c.name;
    for (let n = 2; data.customerNames[nameKey(name)] !== undefined; n++) name = `${c.name.trim()} (${n})`;
    ctx.now = Math.min(Date.UTC(2026, 0, 2) + i * 60_000, present);
    const customer = createCustomer(ctx, {
      fields: { DisplayName: name, CompanyName: c.name.trim(), ...(c.email ? { PrimaryEmailAddr: { Address: c.email } } : {}), CurrencyRef: { value: c.currency } },
      extra: {},
    });
    customerIds.set(c.key, customer.Id);
    created.Customer += 1;
  });

  for (const seeded of invoices) {
    const customerId = customerIds.get(seeded.customerKey)!;
    const exponent = currencyExponent(seeded.currency);
    let docNumber = seeded.number;
    for (let n = 2; data.docNumbers[docNumber] !== undefined; n++) docNumber = `${seeded.number}-${n}`;
    ctx.now = at(seeded.issueDate, 17);
    const invoice = createInvoice(ctx, {
      fields: {
        CustomerRef: { value: customerId },
        DocNumber: docNumber,
        TxnDate: seeded.issueDate,
        DueDate: seeded.dueDate,
        Line: seeded.lines.map((line) => salesLine(line, exponent)),
        CustomerMemo: { value: "Thank you for your business and have a great day!" },
        EmailStatus: seeded.state === "draft" ? "NotSet" : "EmailSent",
      },
      extra: {},
    });
    created.Invoice += 1;
    if (seeded.state === "void") {
      ctx.now = at(seeded.issueDate, 20);
      voidInvoice(ctx, { Id: invoice.Id, SyncToken: invoice.SyncToken });
      continue;
    }
    const total = cents(invoice.TotalAmt);
    for (const payment of seeded.payments) {
      const amount = seeded.state === "paid" ? total : Math.min(toHundredths(payment.amountMinor, seeded.currency), total - 1);
      if (amount <= 0) continue;
      ctx.now = at(payment.date, 18);
      createPayment(ctx, {
        fields: {
          CustomerRef: { value: customerId },
          TotalAmt: fromCents(amount),
          TxnDate: payment.date,
          Line: [{ Amount: fromCents(amount), LinkedTxn: [{ TxnId: invoice.Id, TxnType: "Invoice" }] }],
        },
        extra: {},
      });
      created.Payment += 1;
    }
  }
  return created;
}

function salesLine(line: SeedLine, exponent: number) {
  const unitPrice = decimal(line.unitAmountMinor, exponent);
  return {
    DetailType: "SalesItemLineDetail",
    Description: line.description,
    Amount: fromCents(lineCents(line.quantity, unitPrice)!),
    SalesItemLineDetail: { Qty: line.quantity, UnitPrice: unitPrice, ItemRef: { value: "1", name: "Services" } },
  };
}
