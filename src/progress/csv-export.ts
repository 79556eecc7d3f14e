/**
 * The class export (`/class export`, `tutor export`) as CSV that opens cleanly in Excel and
 * LibreOffice: UTF-8 with a byte-order mark (without it Excel reads UTF-8 as the local code page and
 * garbles Chinese names), CRLF line ends and RFC 4180 quoting. A text cell that a spreadsheet would
 * run as a formula (it starts with = + - @, a tab or a carriage return: OWASP's "CSV injection" list)
 * gets a leading apostrophe, so a learner named `=HYPERLINK(…)` stays text. Numbers are written as
 * numbers and never escaped. Pure: src/storage reads the rows.
 */

export interface ExportTopic {
  topic: string | null;
  attempts: number;
  correct: number;
}

/** One learner in one bank. */
export interface ExportRow {
  userId: string;
  displayName: string;
  bankId: string;
  attempts: number;
  correct: number;
  pointsEarned: number;
  pointsAvailable: number;
  topics: ExportTopic[];
}

/** The column name used for questions without a topic. */
export const NO_TOPIC_COLUMN = '(no topic)';

const BOM = '\uFEFF';
const CRLF = '\r\n';
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * Fixed columns, then one "accuracy: <topic>" column per topic any row has (sorted, no-topic last);
 * a learner who never answered a topic gets an empty cell there, not 0.
 */
export function formatClassCsv(rows: readonly ExportRow[]): string {
  const topicNames = [...new Set(rows.flatMap((row) => row.topics.map((topic) => topic.topic ?? NO_TOPIC_COLUMN)))].sort((a, b) =>
    a === NO_TOPIC_COLUMN ? 1 : b === NO_TOPIC_COLUMN ? -1 : a < b ? -1 : a > b ? 1 : 0,
  );
  const header = ['learner_id', 'learner', 'bank', 'answers', 'correct', 'points', 'points_available', 'accuracy', ...topicNames.map((name) => `accuracy: ${name}`)];
  const lines = [header.map(textCell).join(',')];
  for (const row of rows) {
    const byTopic = new Map(row.topics.map((topic) => [topic.topic ?? NO_TOPIC_COLUMN, topic]));
    const cells = [
      textCell(row.userId),
      textCell(row.displayName),
      textCell(row.bankId),
      numberCell(row.attempts),
      numberCell(row.correct),
      numberCell(row.pointsEarned),
      numberCell(row.pointsAvailable),
      ratioCell(row.correct, row.attempts),
      ...topicNames.map((name) => {
        const topic = byTopic.get(name);
        return topic ? ratioCell(topic.correct, topic.attempts) : '';
      }),
    ];
    lines.push(cells.join(','));
  }
  return BOM + lines.join(CRLF) + CRLF;
}

/** A text cell: formula-looking text defused with an apostrophe, then quoted when RFC 4180 needs it. */
export function textCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function numberCell(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 100) / 100) : '';
}

/** Accuracy as a fraction 0..1 to four places (a spreadsheet formats it as a percentage if wanted). */
function ratioCell(correct: number, attempts: number): string {
  return attempts > 0 ? String(Math.round((correct / attempts) * 10_000) / 10_000) : '';
}
