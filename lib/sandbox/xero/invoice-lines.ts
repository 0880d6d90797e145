/**
 * Invoice line items and totals in integer units. LineAmount = Quantity × UnitAmount rounded to
 * cents; tax per line from its TaxType, added on top (Exclusive), contained in the amount
 * (Inclusive) or absent (NoTax). Unit amounts keep 2 decimals unless the request says unitdp=4.
 * https://developer.xero.com/documentation/api/accounting/invoices#line-items
 * https://developer.xero.com/documentation/api/accounting/types#line-amount-types
 */
import { randomUUID } from "node:crypto";
import { divRound, lineAmountCents, taxCents, toUnits, unitsToString } from "./money";
import { accountByCode, taxRate } from "./org";
import type { LineItemInput } from "./schemas";
import type { InvoiceType, LineAmountTypes, LineItemRecord } from "./types";

/** Keeps every sum of a request's amounts a safe integer (10 billion per line). */
const MAX_LINE_CENTS = 1e12;

export type LineContext = { type: InvoiceType; lineAmountTypes: LineAmountTypes; unitdp: 2 | 4; previous: LineItemRecord[] };

function defaultTaxType(type: InvoiceType, accountCode: string | null): string {
  const account = accountCode ? accountByCode(accountCode) : undefined;
  return account?.TaxType ?? (type === "ACCREC" ? "OUTPUT" : "INPUT");
}

/** The tax of a line under the invoice's LineAmountTypes. */
function taxFor(lineAmount: number, taxType: string, lineAmountTypes: LineAmountTypes): number {
  if (lineAmountTypes === "NoTax") return 0;
  return taxCents(lineAmount, taxRate(taxType) ?? 0, lineAmountTypes === "Inclusive");
}

export function buildLines(inputs: LineItemInput[], ctx: LineContext): { lines: LineItemRecord[]; errors: string[] } {
  const errors: string[] = [];
  const previousIds = new Set(ctx.previous.map((l) => l.LineItemID));
  const lines = inputs.map((input): LineItemRecord => {
    const quantity4 = input.Quantity == null ? 10_000 : toUnits(input.Quantity, 4);
    if (quantity4 === null) errors.push("Line item Quantity is out of range.");
    const q4 = quantity4 ?? 0;
    const given = input.LineAmount == null ? null : toUnits(input.LineAmount, 2);
    let unit4: number | null = null;
    if (input.UnitAmount != null) {
      const units = ctx.unitdp === 4 ? toUnits(input.UnitAmount, 4) : toUnits(input.UnitAmount, 2);
      unit4 = units === null ? null : ctx.unitdp === 4 ? units : units * 100;
      if (unit4 === null) errors.push("Line item UnitAmount is out of range.");
    } else if (given !== null && q4 !== 0) {
      // Only a LineAmount: Xero derives the unit amount from it.
      unit4 = Number(divRound(BigInt(given) * 1_000_000n, BigInt(q4)));
    }
    const computed = lineAmountCents(q4, unit4 ?? 0);
    if (given !== null && input.UnitAmount != null && given !== computed) {
      errors.push(`The line total ${unitsToString(given, 2)} does not match the expected line total ${unitsToString(computed, 2)}`);
    }
    const lineAmount = given ?? computed;
    if (Math.abs(lineAmount) > MAX_LINE_CENTS) errors.push("The line amount is too large.");
    const accountCode = input.AccountCode?.trim() || null;
    const account = accountCode ? accountByCode(accountCode) : undefined;
    if (accountCode && (!account || account.Type === "BANK")) errors.push(`Account code '${accountCode}' is not a valid code for this document.`);
    const requested = input.TaxType?.trim().toUpperCase() || null;
    if (requested && taxRate(requested) === undefined) errors.push(`The TaxType code '${requested}' does not exist or cannot be used with this account.`);
    const taxType = ctx.lineAmountTypes === "NoTax" ? "NONE" : (requested ?? defaultTaxType(ctx.type, accountCode));
    return {
      LineItemID: input.LineItemID && previousIds.has(input.LineItemID.toLowerCase()) ? input.LineItemID.toLowerCase() : randomUUID(),
      Description: input.Description ?? "",
      quantity4: q4,
      unitAmount4: unit4 ?? 0,
      AccountCode: accountCode,
      ItemCode: input.ItemCode?.trim() || null,
      TaxType: taxType,
      taxAmount: taxFor(lineAmount, taxType, ctx.lineAmountTypes),
      lineAmount,
    };
  });
  return { lines, errors };
}

/** The same lines under another LineAmountTypes (tax recomputed). */
export function retax(lines: LineItemRecord[], type: InvoiceType, lineAmountTypes: LineAmountTypes): LineItemRecord[] {
  return lines.map((l) => {
    const taxType = lineAmountTypes === "NoTax" ? "NONE" : l.TaxType === "NONE" ? defaultTaxType(type, l.AccountCode) : l.TaxType;
    return { ...l, TaxType: taxType, taxAmount: taxFor(l.lineAmount, taxType, lineAmountTypes) };
  });
}

export function totals(lines: LineItemRecord[], lineAmountTypes: LineAmountTypes): { subTotal: number; totalTax: number; total: number } {
  const sum = lines.reduce((s, l) => s + l.lineAmount, 0);
  const totalTax = lines.reduce((s, l) => s + l.taxAmount, 0);
  if (lineAmountTypes === "Inclusive") return { subTotal: sum - totalTax, totalTax, total: sum };
  return { subTotal: sum, totalTax, total: sum + totalTax };
}
