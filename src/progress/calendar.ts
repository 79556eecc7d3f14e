/**
 * Calendar days in an IANA time zone, for streaks and per-day counts. Pure: no storage.
 * A "day number" is the count of days since 1970-01-01 in local time, so consecutive local days
 * differ by exactly 1 whatever the zone's daylight-saving rules.
 */

export const MS_PER_MINUTE = 60_000;
export const MS_PER_DAY = 86_400_000;

/** From `startMs` on (until the next segment), local time = UTC + `offsetMs`. */
export interface OffsetSegment {
  startMs: number;
  offsetMs: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's UTC offset at `ms`, in milliseconds (e.g. +28 800 000 for Asia/Shanghai). */
export function zoneOffsetAt(ms: number, timeZone: string): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 0;
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(fields.year ?? 1970, (fields.month ?? 1) - 1, fields.day ?? 1, fields.hour ?? 0, fields.minute ?? 0, fields.second ?? 0);
  const wholeSeconds = Math.floor(ms / 1000) * 1000;
  return Math.round((asUtc - wholeSeconds) / MS_PER_MINUTE) * MS_PER_MINUTE;
}

export function localDayNumber(ms: number, timeZone: string): number {
  return Math.floor((ms + zoneOffsetAt(ms, timeZone)) / MS_PER_DAY);
}

export function dayNumberToDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

const segmentCache = new Map<string, OffsetSegment[]>();
const SEGMENT_CACHE_LIMIT = 256;

/**
 * The zone's offsets between `fromMs` and `toMs` as segments, found by sampling once a day and
 * bisecting to the minute wherever the offset changed (zones change offset at most a few times a year).
 */
export function zoneOffsetSegments(timeZone: string, fromMs: number, toMs: number): OffsetSegment[] {
  const firstDay = Math.floor(fromMs / MS_PER_DAY);
  const lastDay = Math.floor(toMs / MS_PER_DAY) + 1;
  const key = `${timeZone}|${firstDay}|${lastDay}`;
  const cached = segmentCache.get(key);
  if (cached) return cached;

  const segments: OffsetSegment[] = [{ startMs: Number.NEGATIVE_INFINITY, offsetMs: zoneOffsetAt(firstDay * MS_PER_DAY, timeZone) }];
  if (timeZone !== 'UTC' && timeZone !== 'Etc/UTC') {
    let previousMs = firstDay * MS_PER_DAY;
    let previousOffset = segments[0]!.offsetMs;
    for (let day = firstDay + 1; day <= lastDay; day += 1) {
      const ms = day * MS_PER_DAY;
      const offset = zoneOffsetAt(ms, timeZone);
      if (offset !== previousOffset) {
        segments.push({ startMs: findChange(previousMs, ms, previousOffset, timeZone), offsetMs: offset });
        previousOffset = offset;
      }
      previousMs = ms;
    }
  }
  if (segmentCache.size >= SEGMENT_CACHE_LIMIT) segmentCache.clear();
  segmentCache.set(key, segments);
  return segments;
}

/** The first minute in (low, high] whose offset differs from `lowOffset`. */
function findChange(lowMs: number, highMs: number, lowOffset: number, timeZone: string): number {
  let low = Math.floor(lowMs / MS_PER_MINUTE);
  let high = Math.floor(highMs / MS_PER_MINUTE);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (zoneOffsetAt(mid * MS_PER_MINUTE, timeZone) === lowOffset) low = mid;
    else high = mid;
  }
  return high * MS_PER_MINUTE;
}

export interface StreakResult {
  current: number;
  longest: number;
}

/**
 * `days`: local day numbers with at least one answer, in any order. The current streak ends today or
 * yesterday; days after `today` (clock skew) are ignored.
 */
export function computeStreaks(days: Iterable<number>, today: number): StreakResult {
  const sorted = [...new Set(days)].filter((day) => day <= today).sort((a, b) => a - b);
  let longest = 0;
  let run = 0;
  let previous = Number.NaN;
  for (const day of sorted) {
    run = day === previous + 1 ? run + 1 : 1;
    longest = Math.max(longest, run);
    previous = day;
  }
  const last = sorted.at(-1);
  const current = last !== undefined && last >= today - 1 ? run : 0;
  return { current, longest };
}

/**
 * The instant a local calendar day (`YYYY-MM-DD`) starts in the zone. The offset is read twice: once
 * at UTC midnight to get near, then at that guess, so a day that starts just after an offset change
 * still lands on its first minute.
 */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  const guess = utcMidnight - zoneOffsetAt(utcMidnight, timeZone);
  return new Date(utcMidnight - zoneOffsetAt(guess, timeZone));
}

/** `YYYY-MM-DD HH:MM` of an instant in the zone, for terminal tables. */
export function formatLocalMinute(date: Date, timeZone: string): string {
  return new Date(date.getTime() + zoneOffsetAt(date.getTime(), timeZone)).toISOString().slice(0, 16).replace('T', ' ');
}
