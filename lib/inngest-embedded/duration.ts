/**
 * Durations as the Inngest SDK writes them in function configs and step ops ("30s", "1h30m",
 * "2d", "1w", and "500ms" from people), and the instant a step.sleep / sleepUntil op names.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
// "ms" before "m": the longest unit wins at each position.
const PART = /(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/y;

/** Milliseconds of an Inngest duration; throws on anything else (no silent zero). */
export function parseDuration(text: string): number {
  const source = text.trim();
  if (!source) throw new Error(`Invalid duration "${text}"`);
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < source.length) {
    const at = PART.lastIndex;
    const match = PART.exec(source);
    if (!match || match.index !== at) throw new Error(`Invalid duration "${text}"`);
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
  }
  return total;
}

/**
 * When a sleep op ends: its name is a duration (step.sleep) or an ISO instant (step.sleepUntil).
 */
export function sleepEndsAt(name: string, now: number): number {
  try {
    return now + parseDuration(name);
  } catch {
    const at = Date.parse(name);
    if (Number.isNaN(at)) throw new Error(`Invalid sleep "${name}": neither a duration nor an ISO date`);
    return at;
  }
}
