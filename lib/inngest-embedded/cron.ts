/**
 * Cron triggers: the standard five fields (minute hour day-of-month month day-of-week) with
 * `*`, lists, ranges, steps and month/day names, the @hourly-style macros, in UTC as Inngest
 * evaluates them. A `TZ=` prefix other than UTC is refused rather than silently shifted.
 */

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

type Field = { min: number; max: number; names?: string[]; nameBase?: number };
const FIELDS: Field[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { min: 0, max: 7, names: DAYS, nameBase: 0 },
];

export type CronSchedule = {
  source: string;
  /** The first firing strictly after `after` (epoch ms, minute precision). */
  next(after: number): number;
};

function parseValue(text: string, field: Field): number {
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  const value = index >= 0 ? index + field.nameBase! : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < field.min || value > field.max) throw new Error(`"${text}" is out of range ${field.min}-${field.max}`);
  return value;
}

function parseField(text: string, field: Field): { values: Set<number>; any: boolean } {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step in "${part}"`);
    let from: number;
    let to: number;
    if (range === "*") [from, to] = [field.min, field.max];
    else if (range?.includes("-")) {
      const [a, b] = range.split("-");
      [from, to] = [parseValue(a ?? "", field), parseValue(b ?? "", field)];
      if (from > to) throw new Error(`empty range "${range}"`);
    } else {
      from = parseValue(range ?? "", field);
      to = stepText === undefined ? from : field.max;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return { values, any: text === "*" };
}

/** Parses a cron expression; throws with the reason when it is not one this executor runs. */
export function parseCron(expression: string): CronSchedule {
  let text = expression.trim();
  const tz = /^(?:CRON_)?TZ=(\S+)\s+/.exec(text);
  if (tz) {
    if (!["UTC", "Etc/UTC", "GMT"].includes(tz[1]!)) throw new Error(`time zone ${tz[1]} is not supported (UTC only)`);
    text = text.slice(tz[0].length);
  }
  text = MACROS[text.toLowerCase()] ?? text;
  const parts = text.split(/\s+/);
  if (parts.length !== 5) throw new Error(`expected 5 fields, got ${parts.length}`);
  const [minutes, hours, monthDays, months, weekDays] = parts.map((p, i) => parseField(p, FIELDS[i]!));
  // 7 is Sunday too.
  if (weekDays!.values.delete(7)) weekDays!.values.add(0);

  const dayMatches = (date: Date): boolean => {
    const dom = monthDays!.values.has(date.getUTCDate());
    const dow = weekDays!.values.has(date.getUTCDay());
    // Classic cron: when both day fields are restricted, either one matching is enough.
    if (!monthDays!.any && !weekDays!.any) return dom || dow;
    return dom && dow;
  };

  return {
    source: expression,
    next(after) {
      let t = Math.floor(after / 60_000) * 60_000 + 60_000;
      // Five years of skipping month by month, day by day, hour by hour is a few thousand steps.
      for (let i = 0; i < 200_000; i++) {
        const d = new Date(t);
        const [y, mo, day, h] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()];
        if (!months!.values.has(mo + 1)) t = Date.UTC(y, mo + 1, 1);
        else if (!dayMatches(d)) t = Date.UTC(y, mo, day + 1);
        else if (!hours!.values.has(h)) t = Date.UTC(y, mo, day, h + 1);
        else if (!minutes!.values.has(d.getUTCMinutes())) t += 60_000;
        else return t;
      }
      throw new Error(`cron "${expression}" never fires`);
    },
  };
}
