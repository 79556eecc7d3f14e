import { describe, expect, it } from 'vitest';
import { computeStreaks, dayNumberToDate, formatLocalMinute, localDayNumber, startOfLocalDay, zoneOffsetAt, zoneOffsetSegments } from '../../src/progress/calendar.ts';

const HOUR = 3_600_000;
const day = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);

describe('zone offsets', () => {
  it.each([
    ['UTC', '2026-01-15T12:00:00Z', 0],
    ['Asia/Shanghai', '2026-07-01T00:00:00Z', 8 * HOUR],
    ['Asia/Kolkata', '2026-07-01T00:00:00Z', 5.5 * HOUR],
    ['Asia/Kathmandu', '2026-07-01T00:00:00Z', 5.75 * HOUR],
    ['America/Los_Angeles', '2026-01-15T12:00:00Z', -8 * HOUR],
    ['America/Los_Angeles', '2026-07-15T12:00:00Z', -7 * HOUR],
  ])('gives %s at %s an offset of %d ms', (zone, when, offset) => {
    expect(zoneOffsetAt(Date.parse(when), zone)).toBe(offset);
  });

  it('finds both daylight-saving changes of a year to the minute', () => {
    const segments = zoneOffsetSegments('Europe/Berlin', Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-12-31T00:00:00Z'));
    expect(segments.map((segment) => [Number.isFinite(segment.startMs) ? new Date(segment.startMs).toISOString() : 'start', segment.offsetMs])).toEqual([
      ['start', HOUR],
      ['2026-03-29T01:00:00.000Z', 2 * HOUR],
      ['2026-10-25T01:00:00.000Z', HOUR],
    ]);
  });

  it('needs one segment for a zone without daylight saving', () => {
    expect(zoneOffsetSegments('Asia/Shanghai', Date.parse('2025-01-01T00:00:00Z'), Date.parse('2026-12-31T00:00:00Z'))).toHaveLength(1);
  });
});

describe('local day numbers', () => {
  it.each([
    ['2026-03-07T23:30:00Z', 'UTC', '2026-03-07'],
    ['2026-03-07T23:30:00Z', 'Asia/Shanghai', '2026-03-08'],
    ['2026-03-07T15:59:59Z', 'Asia/Shanghai', '2026-03-07'],
    ['2026-03-07T16:00:00Z', 'Asia/Shanghai', '2026-03-08'],
    ['2026-03-08T07:59:00Z', 'America/Los_Angeles', '2026-03-07'],
    ['2026-03-08T08:00:00Z', 'America/Los_Angeles', '2026-03-08'],
    ['2026-03-09T06:59:00Z', 'America/Los_Angeles', '2026-03-08'],
    ['2026-03-09T07:00:00Z', 'America/Los_Angeles', '2026-03-09'],
  ])('puts %s on the local day of %s as %s', (when, zone, date) => {
    expect(dayNumberToDate(localDayNumber(Date.parse(when), zone))).toBe(date);
  });
});

describe('computeStreaks', () => {
  const today = day('2026-03-10');
  it.each([
    ['no days', [], 0, 0],
    ['only today', ['2026-03-10'], 1, 1],
    ['a run ending today', ['2026-03-08', '2026-03-09', '2026-03-10'], 3, 3],
    ['a run ending yesterday (today not over yet)', ['2026-03-07', '2026-03-08', '2026-03-09'], 3, 3],
    ['a run that ended two days ago', ['2026-03-07', '2026-03-08'], 0, 2],
    ['a longer run in the past', ['2026-02-01', '2026-02-02', '2026-02-03', '2026-02-04', '2026-03-10'], 1, 4],
    ['a run across a month end', ['2026-02-27', '2026-02-28', '2026-03-01'], 0, 3],
    ['duplicates and any order', ['2026-03-10', '2026-03-09', '2026-03-10', '2026-03-09'], 2, 2],
    ['days after today (clock skew) ignored', ['2026-03-11', '2026-03-12'], 0, 0],
  ] as const)('%s', (_label, dates, current, longest) => {
    expect(computeStreaks(dates.map(day), today)).toEqual({ current, longest });
  });
});

describe('startOfLocalDay and formatLocalMinute', () => {
  it('finds the instant a local day starts, also on the day a zone changes its offset', () => {
    expect(startOfLocalDay('2026-03-10', 'UTC').toISOString()).toBe('2026-03-10T00:00:00.000Z');
    expect(startOfLocalDay('2026-03-10', 'Asia/Shanghai').toISOString()).toBe('2026-03-09T16:00:00.000Z');
    // New York moves to daylight time at 02:00 on 8 March 2026: that day starts at −5 h, the next at −4 h.
    expect(startOfLocalDay('2026-03-08', 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(startOfLocalDay('2026-03-09', 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
  });

  it('writes an instant as the local date and minute', () => {
    expect(formatLocalMinute(new Date('2026-03-09T16:30:00Z'), 'Asia/Shanghai')).toBe('2026-03-10 00:30');
    expect(formatLocalMinute(new Date('2026-03-09T16:30:00Z'), 'UTC')).toBe('2026-03-09 16:30');
  });
});
