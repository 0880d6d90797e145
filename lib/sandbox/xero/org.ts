/**
 * The fixed parts of every sandbox organisation: base currency, a small chart of accounts, tax
 * rates and exchange rates. Modelled on Xero's demo company: sales go to account 200, payments
 * land in bank account 090, and GST-style OUTPUT tax is 15%.
 */

export const BASE_CURRENCY = "USD";

export type AccountDef = { AccountID: string; Code: string; Name: string; Type: string; Class: string; TaxType: string; EnablePaymentsToAccount: boolean };

/** https://developer.xero.com/documentation/api/accounting/accounts */
export const ACCOUNTS: readonly AccountDef[] = [
  { AccountID: "13918178-849a-4823-9a31-57b7eac713d7", Code: "090", Name: "Business Bank Account", Type: "BANK", Class: "ASSET", TaxType: "NONE", EnablePaymentsToAccount: false },
  { AccountID: "26c4ef56-bd41-4b0c-8a4f-8f8e3a2c0a51", Code: "091", Name: "Business Savings Account", Type: "BANK", Class: "ASSET", TaxType: "NONE", EnablePaymentsToAccount: false },
  { AccountID: "5690f1e8-1d02-4893-90c2-ee1a69eff942", Code: "970", Name: "Owner A Funds Introduced", Type: "EQUITY", Class: "EQUITY", TaxType: "NONE", EnablePaymentsToAccount: true },
  { AccountID: "7d05a53d-613d-4eb2-a2fc-dcb6adb80b80", Code: "200", Name: "Sales", Type: "REVENUE", Class: "REVENUE", TaxType: "OUTPUT", EnablePaymentsToAccount: false },
  { AccountID: "3b3a8e2c-3c3f-4a4b-9e59-0f0e0b4a1f10", Code: "260", Name: "Other Revenue", Type: "REVENUE", Class: "REVENUE", TaxType: "OUTPUT", EnablePaymentsToAccount: false },
  { AccountID: "8f1c5a62-0e4a-4d8e-bb1a-4a6e7c1d2e30", Code: "310", Name: "Cost of Goods Sold", Type: "DIRECTCOSTS", Class: "EXPENSE", TaxType: "INPUT", EnablePaymentsToAccount: false },
  { AccountID: "a6b1c0e4-4c52-4f5e-9d3a-2b7e8f9a0c41", Code: "400", Name: "Advertising", Type: "EXPENSE", Class: "EXPENSE", TaxType: "INPUT", EnablePaymentsToAccount: false },
  { AccountID: "d2e3f4a5-b6c7-4d8e-9f01-2a3b4c5d6e72", Code: "429", Name: "General Expenses", Type: "EXPENSE", Class: "EXPENSE", TaxType: "INPUT", EnablePaymentsToAccount: false },
];

const BY_CODE = new Map(ACCOUNTS.map((a) => [a.Code, a]));
const BY_ID = new Map(ACCOUNTS.map((a) => [a.AccountID.toLowerCase(), a]));

export function accountByCode(code: string): AccountDef | undefined {
  return BY_CODE.get(code.trim());
}

export function accountById(id: string): AccountDef | undefined {
  return BY_ID.get(id.trim().toLowerCase());
}

/** Xero takes payments into bank accounts and accounts with "Enable payments to this account". */
export function acceptsPayments(account: AccountDef): boolean {
  return account.Type === "BANK" || account.EnablePaymentsToAccount;
}

/** Tax rates in basis points. https://developer.xero.com/documentation/api/accounting/taxrates */
export const TAX_RATES: Readonly<Record<string, { name: string; basisPoints: number }>> = {
  NONE: { name: "No GST", basisPoints: 0 },
  EXEMPTOUTPUT: { name: "Zero Rated", basisPoints: 0 },
  OUTPUT: { name: "GST on Income", basisPoints: 1500 },
  INPUT: { name: "GST on Expenses", basisPoints: 1500 },
};

export function taxRate(taxType: string): number | undefined {
  return Object.hasOwn(TAX_RATES, taxType) ? TAX_RATES[taxType]!.basisPoints : undefined;
}

/**
 * Units of each currency per 1 USD, standing in for the XE.com day rate Xero applies when a
 * foreign-currency invoice comes without a CurrencyRate. Rates, not money: never multiplied
 * into amounts by the sandbox.
 */
const RATES: Readonly<Record<string, number>> = {
  USD: 1, EUR: 0.92, GBP: 0.79, AUD: 1.52, NZD: 1.66, CAD: 1.36, CHF: 0.88, JPY: 151.2, SEK: 10.6, NOK: 10.7, DKK: 6.87,
  SGD: 1.34, HKD: 7.82, ZAR: 18.4, INR: 83.3, MXN: 17.1, BRL: 5.05, KWD: 0.307, BHD: 0.376, KRW: 1345,
};

export function isKnownCurrency(code: string): boolean {
  return Object.hasOwn(RATES, code);
}

export function defaultCurrencyRate(code: string): number {
  return Object.hasOwn(RATES, code) ? RATES[code]! : 1;
}
