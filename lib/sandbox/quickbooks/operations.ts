/**
 * One write or query, whether it arrives alone (POST /invoice?operation=void) or inside a batch.
 * A POST without `operation` creates, or updates when the body carries an Id, as QuickBooks does.
 */
import { createCustomer, updateCustomer } from "./customers";
import { faults } from "./errors";
import { createInvoice, deleteInvoice, updateInvoice, voidInvoice } from "./invoices";
import { createPayment, deletePayment, updatePayment, voidPayment } from "./payments";
import { parseQuery } from "./query";
import { createRefundReceipt, deleteRefundReceipt, updateRefundReceipt, voidRefundReceipt } from "./refund-receipts";
import { runQuery, type QuerySource } from "./query-run";
import { parseEntity } from "./schemas";
import type { WriteContext } from "./store";
import type { EntityName } from "./types";

export type WriteOperation = "create" | "update" | "delete" | "void";

/** The operation a request asks for: `operation` (and Intuit's `include=void` for payments). */
export function operationOf(operation: string | null | undefined, include: string | null | undefined, body: unknown): WriteOperation {
  const op = operation?.toLowerCase();
  if (op === "update" && include?.toLowerCase() === "void") return "void";
  if (op === "create" || op === "update" || op === "delete" || op === "void") return op;
  if (op) throw faults.unsupported(op);
  const hasId = typeof body === "object" && body !== null && "Id" in body && (body as { Id: unknown }).Id != null;
  return hasId ? "update" : "create";
}

export function write(ctx: WriteContext, entity: EntityName, operation: WriteOperation, body: unknown): object {
  switch (entity) {
    case "Customer": {
      const parsed = parseEntity("Customer", body);
      if (operation === "create") return createCustomer(ctx, parsed);
      if (operation === "update") return updateCustomer(ctx, parsed);
      // Customers are made inactive, never deleted or voided.
      throw faults.unsupported(operation === "delete" ? "Delete" : "Void");
    }
    case "Invoice": {
      const parsed = parseEntity("Invoice", body);
      if (operation === "create") return createInvoice(ctx, parsed);
      if (operation === "update") return updateInvoice(ctx, parsed);
      return operation === "delete" ? deleteInvoice(ctx, parsed.fields) : voidInvoice(ctx, parsed.fields);
    }
    case "Payment": {
      const parsed = parseEntity("Payment", body);
      if (operation === "create") return createPayment(ctx, parsed);
      if (operation === "update") return updatePayment(ctx, parsed);
      return operation === "delete" ? deletePayment(ctx, parsed.fields) : voidPayment(ctx, parsed.fields);
    }
    case "RefundReceipt": {
      const parsed = parseEntity("RefundReceipt", body);
      if (operation === "create") return createRefundReceipt(ctx, parsed);
      if (operation === "update") return updateRefundReceipt(ctx, parsed);
      return operation === "delete" ? deleteRefundReceipt(ctx, parsed.fields) : voidRefundReceipt(ctx, parsed.fields);
    }
    default: {
      const unknown: never = entity;
      throw new Error(`Unknown entity ${String(unknown)}`);
    }
  }
}

export function query(source: QuerySource, text: string): Record<string, unknown> {
  return runQuery(source, parseQuery(text));
}
