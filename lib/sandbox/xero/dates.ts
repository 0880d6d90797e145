/**
 * Xero's date formats. The Accounting API writes dates as Microsoft JSON dates
 * (`/Date(1550793549320+0000)/`, with a `DateString` twin like `2019-02-22T00:00:00` for
 * invoice dates) and reads `YYYY-MM-DD`, ISO date-times or the same JSON dates. Webhook events
 * use ISO without a zone designator; /connections uses ISO with seven fractional digits.
 * https://developer.xero.com/documentation/api/accounting/requests-and-responses
 */

const YMD = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const MS_JSON = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;

/** `/Date(1550793549320+0000)/`, how Xero writes UpdatedDateUTC, Date, DueDate, FullyPaidOnDate. */
export function msDate(ms: number): string {
  return `/Date(${ms}+0000)/`;
}

/** The envelope's DateTimeUTC, which Xero writes without an offset: `/Date(1552326816230)/`. */
export function msDateNoOffset(ms: number): string {
  return `/Date(${ms})/`;
}

export function ymdToMs(ymd: string): number {
  const [y, m, d] = ymd.split("-").map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

/** An invoice date as `/Date(...)/` (midnight UTC of that day). */
export function ymdToMsDate(ymd: string): string {
  return msDate(ymdToMs(ymd));
}

/** The `DateString` twin: `2019-02-22T00:00:00`. */
export function ymdToDateString(ymd: string): string {
  return `${ymd}T00:00:00`;
}

export function msToYmd(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A date as clients send it (YYYY-MM-DD, an ISO date-time, or a JSON date) as YYYY-MM-DD; null if invalid. */
export function parseDateInput(value: string): string | null {
  const text = value.trim();
  const json = MS_JSON.exec(text);
  if (json) {
    const ms = Number(json[1]);
    return Number.isSafeInteger(ms) && Math.abs(ms) < 8.64e15 ? msToYmd(ms) : null;
  }
  const m = YMD.exec(text);
  if (!m) return null;
  const ymd = `${m[1]}-${m[2]}-${m[3]}`;
  // Reject 2026-02-31 and the like: the date must survive a round trip.
  return msToYmd(ymdToMs(ymd)) === ymd ? ymd : null;
}

/**
 * If-Modified-Since as Xero reads it: an HTTP date, an ISO date-time (a missing zone means UTC,
 * which `Date.parse` would otherwise read as local time) or a JSON date. Null when unreadable.
 */
export function parseModifiedSince(value: string): number | null {
  const text = value.trim();
  const json = MS_JSON.exec(text);
  if (json) return Number(json[1]);
  const iso = YMD.exec(text);
  const ms = iso && !iso[7] ? Date.parse(`${text.replace(" ", "T")}${iso[4] ? "" : "T00:00:00"}Z`) : Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

/** Webhook eventDateUtc: ISO in UTC without the `Z`, e.g. `2026-11-21T10:00:00.123`. */
export function eventDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, -1);
}

/** /connections dates: `2019-12-07T18:46:19.5165400` (seven fractional digits, no zone). */
export function connectionDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}0000`;
}
