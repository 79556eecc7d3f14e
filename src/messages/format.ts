/**
 * The one place numbers, durations, dates and column widths are formatted, for Discord and the
 * terminal alike. Precision rule: at most two decimals, trailing zeros dropped (1/3 point → 0.33,
 * 0.25 → 0.25, 2 → 2); percentages are whole numbers. Stored scores are rounded to two decimals by
 * the graders, so a shown score is exactly the stored one.
 */

const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, format);
  }
  return format;
}

/** A count or a score: two decimals at most, no grouping (ids and scores are copied into commands). */
export function formatNumber(value: number, locale = 'en-US'): string {
  if (!Number.isFinite(value)) return String(value);
  return numberFormat(locale, { maximumFractionDigits: 2, useGrouping: false }).format(value);
}

// English plurals for operator and teacher text (import reports, doctor, CLI summaries), which is
// English only; learner text goes through the catalogue's plural forms. Rounded as the number is
// shown, so 1.004 reads "1 point", not "1 points".
const englishPlurals = new Intl.PluralRules('en', { maximumFractionDigits: 2 });

/** The English form that agrees with a count: `pluralWord(1, 'file')` → `file`, `pluralWord(3, 'has', 'have')` → `have`. */
export function pluralWord(count: number, singular: string, plural = `${singular}s`): string {
  return englishPlurals.select(count) === 'one' ? singular : plural;
}

/** A count with its noun: `1 question`, `3 questions`, `2 analyses` (irregular plurals passed in). */
export function countNoun(count: number, singular: string, plural?: string): string {
  return `${formatNumber(count)} ${pluralWord(count, singular, plural)}`;
}

const BYTE_UNITS = ['KiB', 'MiB', 'GiB'] as const;

/** A size in binary units, one decimal at most: `512 B`, `1.5 KiB`, `20 MiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  if (Math.abs(bytes) < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  // Rounded first so 1023.96 KiB moves up to "1 MiB" instead of reading "1024 KiB".
  while (unit < BYTE_UNITS.length - 1 && Math.abs(Math.round(value * 10) / 10) >= 1024) {
    value /= 1024;
    unit += 1;
  }
  return `${numberFormat('en-US', { maximumFractionDigits: 1, useGrouping: false }).format(value)} ${BYTE_UNITS[unit]}`;
}

/** Points use the same rule as any number: one name so call sites read as what they show. */
export const formatPoints = formatNumber;

/** `score/max`, e.g. `1.5/2`. */
export function formatFraction(part: number, whole: number, locale = 'en-US'): string {
  return `${formatNumber(part, locale)}/${formatNumber(whole, locale)}`;
}

/** A share (0–1) as a whole percentage, e.g. 0.666 → `67%`; `–` when there is nothing to divide. */
export function formatPercent(fraction: number, locale = 'en-US'): string {
  if (!Number.isFinite(fraction)) return '–';
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(fraction);
}

/** Whole minutes and seconds of a duration, for the message catalogue's `duration.*` texts. */
export function splitDuration(ms: number): { minutes: number; seconds: number } {
  const totalSeconds = Math.max(0, Math.round(ms / 1000));
  return { minutes: Math.floor(totalSeconds / 60), seconds: totalSeconds % 60 };
}

/** A moment as the learner reads it, e.g. `Dec 6, 2026, 3:05 PM` / `2026年12月6日 15:05`. */
export function formatDateTime(date: Date, locale = 'en-US', timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(date);
}

/** How far away a moment is, in the largest whole unit: `in 3 days`, `in 2 hours`, `3天后`. */
export function formatRelativeTime(target: Date, now: Date, locale = 'en-US'): string {
  const seconds = Math.round((target.getTime() - now.getTime()) / 1000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(seconds, 'second');
}

// ---------------------------------------------------------------------------------------------
// Display width: a terminal shows CJK and full-width characters two columns wide.

// East Asian Wide and Fullwidth blocks (Unicode UAX #11), plus emoji presentation.
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1F64F}\u{1F900}-\u{1F9FF}\u{20000}-\u{3FFFD}]/u;
const ZERO_WIDTH = /[\p{Mn}\p{Me}\u200B-\u200F\u2060\uFEFF]/u;

/** Columns a string takes on a terminal (ANSI colour codes take none). */
export function displayWidth(text: string): number {
  let width = 0;
  // eslint-disable-next-line no-control-regex -- ANSI colour codes start with ESC.
  for (const char of text.replace(/\x1b\[[0-9;]*m/g, '')) {
    if (ZERO_WIDTH.test(char)) continue;
    width += WIDE.test(char) ? 2 : 1;
  }
  return width;
}

// C0 and C1 controls (ESC starts terminal commands), and the bidirectional overrides and isolates that
// reorder what follows them on screen.
// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const UNSAFE_FOR_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text a learner wrote (a name, an answer) made safe to print on an operator's terminal: each control
 * or bidi-override character is shown as its `\u{…}` escape instead of being obeyed, so an answer
 * cannot clear the screen, move the cursor or disguise itself.
 */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, (char) => `\\u{${char.codePointAt(0)!.toString(16)}}`);
}

/** Pads with spaces to `width` columns, counting wide characters as two. */
export function padEndWidth(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

export function padStartWidth(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}

/** Cuts to at most `width` columns, marking the cut with `…`. */
export function truncateWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = ZERO_WIDTH.test(char) ? 0 : WIDE.test(char) ? 2 : 1;
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return `${out}…`;
}

/**
 * Rows of cells as aligned columns: each column as wide as its widest cell (by display width), the
 * last column left unpadded. Cells in `alignRight` columns are right-aligned (numbers).
 */
export function formatColumns(rows: ReadonlyArray<readonly string[]>, options: { indent?: string; gap?: string; alignRight?: readonly number[] } = {}): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, displayWidth(cell))));
  const right = new Set(options.alignRight ?? []);
  return rows.map(
    (row) =>
      (options.indent ?? '') +
      row
        .map((cell, index) => {
          if (right.has(index)) return padStartWidth(cell, widths[index] ?? 0);
          return index === row.length - 1 ? cell : padEndWidth(cell, widths[index] ?? 0);
        })
        .join(options.gap ?? '  '),
  );
}
