/**
 * Calendar dates (YYYY-MM-DD) from the ways providers and people write them: ISO dates and
 * timestamps (the date as written, never shifted into another time zone), Stripe's unix seconds
 * and Xero's /Date(ms+0000)/ (both UTC), and MM/DD/YYYY or DD/MM/YYYY by the connection's hint.
 * A day-month order the text cannot settle without a hint is refused, not guessed.
 */
export class DateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DateError";
  }
}

export type DateOrder = "MDY" | "DMY";

function iso(year: number, month: number, day: number, original: string): string {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) throw new DateError(`"${original}" is not a calendar date`);
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

const utcDate = (ms: number, original: string) => {
  if (!Number.isFinite(ms)) throw new DateError(`"${original}" is not a date`);
  const d = new Date(ms);
  return iso(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), original);
};

/** Unix seconds (Stripe) to the UTC calendar date. */
export function fromUnixSeconds(seconds: number): string {
  return utcDate(seconds * 1000, String(seconds));
}

export function parseCalendarDate(value: string, order?: DateOrder): string {
  const text = value.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]), value); // the date as written
  m = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(text);
  if (m) return utcDate(Number(m[1]), value);
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  if (m) {
    const [a, b, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const resolved: DateOrder | undefined = a > 12 ? "DMY" : b > 12 ? "MDY" : a === b ? "MDY" : order;
    if (!resolved) throw new DateError(`"${value}" could be ${a}/${b} or ${b}/${a}: set the connection's date format`);
    if (order && resolved !== order && (a > 12 || b > 12)) throw new DateError(`"${value}" does not fit the connection's ${order} date format`);
    return resolved === "MDY" ? iso(year, a, b, value) : iso(year, b, a, value);
  }
  throw new DateError(`"${value}" is not a date Concord reads`);
}
