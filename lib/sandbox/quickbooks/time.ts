/**
 * QuickBooks writes times in the company's time zone with an offset (our sandbox companies are
 * in US Pacific time, as Intuit's sandbox companies are): "2015-12-23T12:56:06.196-08:00" for a
 * response's `time`, no milliseconds in MetaData, and no colon in legacy webhook `lastUpdated`
 * ("2015-10-05T14:42:19-0700"). US daylight time: second Sunday of March to first Sunday of
 * November, switching at 2:00 local time.
 */

const transitions = new Map<number, [number, number]>();

function dstWindow(year: number): [number, number] {
  let window = transitions.get(year);
  if (!window) {
    const march1 = new Date(Date.UTC(year, 2, 1)).getUTCDay();
    const november1 = new Date(Date.UTC(year, 10, 1)).getUTCDay();
    const start = Date.UTC(year, 2, 1 + ((7 - march1) % 7) + 7, 10); // 2:00 PST = 10:00 UTC
    const end = Date.UTC(year, 10, 1 + ((7 - november1) % 7), 9); // 2:00 PDT = 09:00 UTC
    window = [start, end];
    transitions.set(year, window);
  }
  return window;
}

/** Minutes east of UTC for US Pacific time at `ms`: -420 in summer, -480 in winter. */
export function pacificOffsetMinutes(ms: number): number {
  const [start, end] = dstWindow(new Date(ms).getUTCFullYear());
  return ms >= start && ms < end ? -420 : -480;
}

function format(ms: number, opts: { millis: boolean; colon: boolean }): string {
  const offset = pacificOffsetMinutes(ms);
  const local = new Date(ms + offset * 60_000).toISOString(); // "YYYY-MM-DDTHH:mm:ss.sssZ" in local time
  const clock = opts.millis ? local.slice(0, 23) : local.slice(0, 19);
  const hours = String(Math.abs(offset) / 60).padStart(2, "0");
  return `${clock}${offset < 0 ? "-" : "+"}${hours}${opts.colon ? ":" : ""}00`;
}

/** A response's `time` field. */
export const responseTime = (ms: number) => format(ms, { millis: true, colon: true });
/** MetaData.CreateTime / LastUpdatedTime: second precision. */
export const metaTime = (ms: number) => format(ms, { millis: false, colon: true });
/** Legacy webhook `lastUpdated` and the `intuit-created-time` header. */
export const legacyTime = (ms: number) => format(ms, { millis: false, colon: false });

/** The company's calendar date (yyyy-mm-dd), the default TxnDate. */
export function localDate(ms: number): string {
  return new Date(ms + pacificOffsetMinutes(ms) * 60_000).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses the timestamps clients send (query literals, changedSince): ISO with an offset or Z,
 * "-0700" offsets, or a bare date/time, which QuickBooks reads in the company's time zone.
 */
export function parseDateTime(text: string): number | null {
  const value = text.trim();
  if (DATE_ONLY.test(value)) return fromLocal(`${value}T00:00:00`);
  const match = DATE_TIME.exec(value);
  if (!match) return null;
  const [, clock = "", zone] = match;
  if (!zone) return fromLocal(clock);
  const normalized = zone.toUpperCase() === "Z" ? "Z" : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${clock}${normalized}`);
  return Number.isNaN(ms) ? null : ms;
}

function fromLocal(clock: string): number | null {
  const asUtc = Date.parse(`${clock}Z`);
  if (Number.isNaN(asUtc)) return null;
  // The offset at the instant itself may differ by an hour around a switch; one correction settles it.
  const guess = asUtc - pacificOffsetMinutes(asUtc) * 60_000;
  return asUtc - pacificOffsetMinutes(guess) * 60_000;
}

export function isDate(text: string): boolean {
  return DATE_ONLY.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
}
