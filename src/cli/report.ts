import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatLocalMinute, startOfLocalDay } from '../progress/calendar.ts';
import type { ClassFilter, ClassReport } from '../progress/class-report.ts';
import type { ItemReportRow } from '../progress/item-report.ts';
import type { GroupStats } from '../progress/types.ts';
import { countNoun, escapeForTerminal as safe, formatColumns, formatFraction, formatPercent, formatPoints } from '../messages/format.ts';
import { createCliRecordsApp } from './app.ts';
import type { CliCommand, CliIo } from './types.ts';

/**
 * `tutor report class`, `tutor report items` and `tutor export`: the teacher's views (issue 12) for the
 * person running the bot, who sees every learner (the Discord `/class` commands check the teacher role).
 */

const SPARK = ' ▁▂▃▄▅▆▇█';

/** An error message when `--since` is not a real calendar day (2026-02-30 is refused, not rolled over). */
function checkSince(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const utc = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(utc.getTime()) || utc.toISOString().slice(0, 10) !== value) {
    return `--since must be a date like 2026-03-01, got "${value}"`;
  }
  return undefined;
}

/** `--since` counts from the start of that day in TIME_ZONE, the zone the report's days are in. */
function filterFrom(values: { bank?: string | undefined; guild?: string | undefined; since?: string | undefined }, timeZone: string): ClassFilter {
  const since = values.since === undefined ? undefined : startOfLocalDay(values.since, timeZone);
  return {
    ...(values.bank ? { bankId: values.bank } : {}),
    ...(values.guild ? { guildId: values.guild } : {}),
    ...(since ? { since } : {}),
  };
}

function percent(part: number, whole: number): string {
  return whole > 0 ? formatPercent(part / whole) : '–';
}

function groupCells(label: string, group: GroupStats): string[] {
  return [label, countNoun(group.attempts, 'answer'), percent(group.correct, group.attempts), `${formatFraction(group.pointsEarned, group.pointsAvailable)} points`];
}

/** The last 30 days as one line of block characters, scaled to the busiest day, with the total beside it. */
export function sparkline(counts: readonly number[]): string {
  const max = Math.max(0, ...counts);
  return counts.map((count) => (count === 0 ? '·' : SPARK[Math.max(1, Math.round((count / max) * (SPARK.length - 1)))])).join('');
}

export function renderClassReportText(report: ClassReport): string {
  const scope = [
    report.guildId ? `guild ${safe(report.guildId)}` : 'all guilds',
    report.bankId ? `bank ${safe(report.bankId)}` : 'all banks',
    report.since ? `since ${formatLocalMinute(new Date(report.since), report.timeZone).slice(0, 10)}` : 'all time',
  ].join(', ');
  const lines = [`Class report: ${scope}; days in ${report.timeZone}`, ''];
  const { totals } = report;
  if (report.activeLearners === 0) {
    lines.push('No answers yet.');
  } else {
    lines.push(
      `Active learners: ${report.activeLearners}`,
      `Answers: ${totals.attempts}, ${totals.correct} at full marks (${percent(totals.correct, totals.attempts)})`,
      `Points: ${formatPoints(totals.pointsEarned)} of ${formatPoints(totals.pointsAvailable)} (${percent(totals.pointsEarned, totals.pointsAvailable)})`,
    );
  }
  lines.push(`Reviews due now: ${report.reviewsDue}`);
  const section = (title: string, rows: string[][]) => {
    if (rows.length === 0) return;
    lines.push('', title, ...formatColumns(rows, { indent: '  ', alignRight: [1, 2] }));
  };
  section('By question type', report.byType.map((row) => groupCells(row.type, row)));
  section('By topic', report.byTopic.map((row) => groupCells(row.topic === null ? '(no topic)' : safe(row.topic), row)));
  section('Weakest topics', report.weakestTopics.map((row) => groupCells(safe(row.topic), row)));
  const daily = report.daily;
  const answered = daily.reduce((sum, day) => sum + day.answered, 0);
  if (daily.length > 0) {
    lines.push(
      '',
      `Last ${daily.length} days (${daily[0]!.date} to ${daily.at(-1)!.date}): ${countNoun(answered, 'answer')}, busiest day ${Math.max(...daily.map((day) => day.answered))}`,
      `  ${sparkline(daily.map((day) => day.answered))}`,
    );
  }
  if (report.learners.length > 0) {
    lines.push(
      '',
      'Learners',
      ...formatColumns(
        [
          ['learner', 'answers', 'accuracy', 'points', `last active (${report.timeZone})`],
          ...report.learners.map((learner) => [
            safe(learner.displayName === learner.userId ? learner.userId : `${learner.displayName} (${learner.userId})`),
            String(learner.attempts),
            percent(learner.correct, learner.attempts),
            formatFraction(learner.pointsEarned, learner.pointsAvailable),
            formatLocalMinute(new Date(learner.lastActiveAt), report.timeZone),
          ]),
        ],
        { indent: '  ', alignRight: [1, 2] },
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

const FLAG_TEXT: Record<ItemReportRow['flags'][number], string> = {
  'low-facility': 'facility below 0.2',
  'low-discrimination': 'discrimination near zero',
  'negative-discrimination': 'negative discrimination',
};

function figure(value: number | null, digits: number): string {
  return value === null ? '–' : value.toFixed(digits);
}

export function renderItemReportText(bankId: string, rows: readonly ItemReportRow[]): string {
  const flagged = rows.filter((row) => row.flags.length > 0).length;
  const lines = [
    `Item statistics for bank ${bankId}: each learner's first attempt; facility = mean fraction of points,`,
    "discrimination = Moodle's discrimination index (−100..100)",
    '',
  ];
  if (rows.length === 0) return `${lines.join('\n')}No answers yet.\n`;
  lines.push(`${countNoun(rows.length, 'question')} answered, ${flagged} to check`, '');
  lines.push(
    ...formatColumns(
      [
        ['question', 'type', 'learners', 'facility', 'discrimination', 'check'],
        ...rows.map((row) => [
          safe(row.questionId),
          row.questionType,
          String(row.attempts),
          figure(row.facility, 2),
          figure(row.discriminationIndex, 1),
          row.flags.length > 0 ? `CHECK THE KEY: ${row.flags.map((flag) => FLAG_TEXT[flag]).join(', ')}` : '',
        ]),
      ],
      { alignRight: [2, 3, 4] },
    ),
  );
  for (const row of rows) {
    if (!row.responses || row.responses.length === 0) continue;
    lines.push('', `${safe(row.questionId)} (${row.questionType}): answers given, wrong ones first`);
    lines.push(
      ...formatColumns(
        row.responses.map((response) => [
          safe(response.answer),
          String(response.count),
          countNoun(response.learners, 'learner'),
          response.verdict === 'partial' ? `partial (mean ${response.meanFraction.toFixed(2)} of the points)` : response.verdict,
        ]),
        { indent: '  ', alignRight: [1] },
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

function usageError(io: CliIo, message: string): number {
  io.stderr.write(message.endsWith('\n') ? message : `${message}\n`);
  return 2;
}

export const reportClassCommand: CliCommand = {
  path: ['report', 'class'],
  usage: 'report class [--bank <id>] [--guild <id>] [--since YYYY-MM-DD] [--json]',
  summary: 'How the class is doing: answers, accuracy and points by topic and type, 30 days of activity, each learner',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { bank: { type: 'string' }, guild: { type: 'string' }, since: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const badSince = checkSince(values.since);
    if (badSince) return usageError(io, badSince);
    const app = createCliRecordsApp(io);
    try {
      const report = app.classReports.classReport(filterFrom(values, app.config.TIME_ZONE));
      io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderClassReportText(report));
      return 0;
    } finally {
      app.close();
    }
  },
};

export const reportItemsCommand: CliCommand = {
  path: ['report', 'items'],
  usage: 'report items --bank <id> [--guild <id>] [--json]',
  summary: 'Per question: attempts, facility, discrimination, "check the key" flags and the answers given',
  async run(args, io) {
    const { values } = parseArgs({ args, options: { bank: { type: 'string' }, guild: { type: 'string' }, json: { type: 'boolean', default: false } } });
    if (!values.bank) return usageError(io, `Usage: tutor ${reportItemsCommand.usage}`);
    const app = createCliRecordsApp(io);
    try {
      const rows = app.classReports.itemReport(values.bank, values.guild ? { guildId: values.guild } : {});
      io.stdout.write(values.json ? `${JSON.stringify({ bankId: values.bank, guildId: values.guild ?? null, questions: rows }, null, 2)}\n` : renderItemReportText(values.bank, rows));
      return 0;
    } finally {
      app.close();
    }
  },
};

export const exportCommand: CliCommand = {
  path: ['export'],
  usage: 'export [--bank <id>] [--guild <id>] [--since YYYY-MM-DD] [--out <file>]',
  summary: 'One CSV row per learner and bank (UTF-8 with BOM, for Excel and LibreOffice)',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { bank: { type: 'string' }, guild: { type: 'string' }, since: { type: 'string' }, out: { type: 'string' } },
    });
    const badSince = checkSince(values.since);
    if (badSince) return usageError(io, badSince);
    const out = values.out ? path.resolve(io.cwd, values.out) : undefined;
    if (out && fs.existsSync(out)) return usageError(io, `${out} already exists; choose another --out (nothing is ever overwritten)`);
    const app = createCliRecordsApp(io);
    try {
      const { csv, rows } = app.classReports.exportCsv(filterFrom(values, app.config.TIME_ZONE));
      if (!out) {
        io.stdout.write(csv);
        return 0;
      }
      // `wx`: a file created between the check above and now is still not overwritten.
      fs.writeFileSync(out, csv, { encoding: 'utf8', flag: 'wx' });
      io.stderr.write(`Wrote ${countNoun(rows, 'row')} to ${out}\n`);
      return 0;
    } finally {
      app.close();
    }
  },
};
