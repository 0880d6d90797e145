/**
 * Invoice lines as QuickBooks computes them: sales lines need an Amount, which must equal
 * Qty × UnitPrice when both are given (6070); discount lines take a fixed Amount or a
 * percentage of the subtotal; QuickBooks adds a SubTotalLineDetail line and ignores one sent
 * in. Sending Line replaces every line; a line keeps its Id when the client sends it back.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice
 */
import { faults } from "./errors";
import { fromCents, lineCents, percentOf, toCents } from "./money";
import type { LineInput } from "./schemas";
import type { InvoiceLine } from "./types";

export type BuiltLines = { lines: InvoiceLine[]; totalCents: number };

const DEFAULT_ITEM = { value: "1", name: "Services" };
const SUPPORTED = new Set(["SalesItemLineDetail", "DescriptionOnly", "DiscountLineDetail", "SubTotalLineDetail"]);

export function buildLines(input: LineInput[] | undefined, previous: InvoiceLine[] = []): BuiltLines {
  if (!input || input.length === 0) throw faults.required("Line");
  const keptIds = new Set(previous.map((l) => l.Id).filter((id): id is string => id !== undefined));
  let nextId = Math.max(0, ...[...keptIds].map(Number).filter(Number.isFinite));
  const lineId = (given: string | undefined) => (given !== undefined && keptIds.has(given) ? given : String(++nextId));

  const sales: InvoiceLine[] = [];
  const discounts: { input: LineInput; id: string }[] = [];
  let subtotal = 0;
  for (const line of input) {
    if (!line.DetailType) throw faults.required("Line.DetailType");
    if (!SUPPORTED.has(line.DetailType)) throw faults.invalidProperty(`Line.DetailType (${line.DetailType})`, "DetailType");
    if (line.DetailType === "SubTotalLineDetail") continue;
    if (line.DetailType === "DiscountLineDetail") {
      discounts.push({ input: line, id: lineId(line.Id) });
      continue;
    }
    if (line.DetailType === "DescriptionOnly") {
      sales.push({ Id: lineId(line.Id), LineNum: sales.length + 1, Description: line.Description ?? "", DetailType: "DescriptionOnly", DescriptionLineDetail: {} });
      continue;
    }
    sales.push(salesLine(line, lineId(line.Id), sales.length + 1));
    subtotal += toCents(line.Amount)!;
  }
  if (discounts.length > 1) throw faults.business("An invoice can have only one discount line.");

  const lines = [...sales, { Amount: fromCents(subtotal), DetailType: "SubTotalLineDetail", SubTotalLineDetail: {} }];
  let total = subtotal;
  const discount = discounts[0];
  if (discount) {
    const detail = discount.input.DiscountLineDetail ?? {};
    const percentBased = detail.PercentBased === true;
    const amount = percentBased ? percentOf(subtotal, detail.DiscountPercent ?? 0) : toCents(discount.input.Amount ?? 0);
    if (amount === null || amount < 0) throw faults.invalidProperty("Line.Amount", "Amount");
    total -= amount;
    lines.push({
      Id: discount.id,
      LineNum: sales.length + 1,
      Amount: fromCents(amount),
      DetailType: "DiscountLineDetail",
      DiscountLineDetail: { ...detail, PercentBased: percentBased, ...(percentBased ? { DiscountPercent: Number(detail.DiscountPercent ?? 0) } : {}) },
    });
  }
  if (total < 0) throw faults.business("The transaction total can't be negative.");
  return { lines, totalCents: total };
}

function salesLine(line: LineInput, id: string, lineNum: number): InvoiceLine {
  if (line.Amount === undefined) throw faults.required("Line.Amount");
  const amount = toCents(line.Amount)!;
  const detail = line.SalesItemLineDetail ?? {};
  if (detail.Qty !== undefined && detail.UnitPrice !== undefined && lineCents(detail.Qty, detail.UnitPrice) !== amount) {
    throw faults.amountMismatch(fromCents(amount));
  }
  const { Qty, UnitPrice, ItemRef, TaxCodeRef, ...rest } = detail;
  return {
    Id: id,
    LineNum: lineNum,
    ...(line.Description !== undefined ? { Description: line.Description } : {}),
    Amount: fromCents(amount),
    DetailType: "SalesItemLineDetail",
    SalesItemLineDetail: {
      ...rest,
      ItemRef: ItemRef ? { ...ItemRef, name: ItemRef.name ?? (ItemRef.value === DEFAULT_ITEM.value ? DEFAULT_ITEM.name : undefined) } : DEFAULT_ITEM,
      ...(Qty !== undefined ? { Qty: Number(Qty) } : {}),
      ...(UnitPrice !== undefined ? { UnitPrice: Number(UnitPrice) } : {}),
      TaxCodeRef: TaxCodeRef ?? { value: "NON" },
    },
  };
}

/** A voided invoice keeps its lines with amounts and quantities zeroed. */
export function zeroLines(lines: InvoiceLine[]): InvoiceLine[] {
  return lines.map((line) => {
    if (line.DetailType === "DescriptionOnly") return line;
    const zeroed: InvoiceLine = { ...line, Amount: 0 };
    const detail = line.SalesItemLineDetail as Record<string, unknown> | undefined;
    if (detail) {
      const { Qty: _qty, UnitPrice: _price, ...rest } = detail;
      zeroed.SalesItemLineDetail = rest;
    }
    return zeroed;
  });
}
