import { parseArgs } from 'node:util';
import type { GroupStats, UserStats } from '../progress/types.ts';
import { countNoun, displayWidth, formatFraction, formatPercent, formatPoints, padEndWidth } from '../messages/format.ts';
import { createCliRecordsApp } from './app.ts';
import { LOCAL_USER_PREFIX } from './practice.ts';
import type { ExamStats } from '../exam/types.ts';
import { examStatsLines } from '../messages/exam-stats.ts';
import type { CliCommand } from './types.ts';

export const statsCommand: CliCommand = {
  path: ['stats'],
  usage: 'stats --user <id> [--guild <id>] [--bank <id>] [--json]',
  summary: "Show one learner's progress (days in TIME_ZONE); --json for the raw figures",
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { user: { type: 'string' }, guild: { type: 'string' }, bank: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    if (!values.user) {
      io.stderr.write(`Usage: tutor ${statsCommand.usage}\n`);
      return 2;
    }
    const app = createCliRecordsApp(io);
    try {
      // `tutor practice --user ada` stores its answers as `local:ada`; accept the plain name it was given.
      const learner = app.stats.findLearner(values.user, LOCAL_USER_PREFIX);
      const stats = app.stats.forUser(learner.userId, {
        ...(values.guild ? { guildId: values.guild } : {}),
        ...(values.bank ? { bankId: values.bank } : {}),
      });
      const exams = app.stats.examsForUser(learner.userId);
      io.stdout.write(values.json ? `${JSON.stringify({ ...stats, exams }, null, 2)}\n` : renderStatsText(stats, learner.displayName, exams));
      return 0;
    } finally {
      app.close();
    }
  },
};

function percent(part: number, whole: number): string {
  return whole > 0 ? formatPercent(part / whole) : '–';
}

function groupLine(label: string, group: GroupStats, width: number): string {
  return (
    `  ${padEndWidth(label, width)}  ${countNoun(group.attempts, 'answer').padEnd(12)} ` +
    `${percent(group.correct, group.attempts).padStart(4)} at full marks   ${formatFraction(group.pointsEarned, group.pointsAvailable)} points`
  );
}

/** A plain-English summary of the statistics, for the terminal. */
export function renderStatsText(stats: UserStats, displayName: string | null, exams?: ExamStats): string {
  const who = displayName && displayName !== stats.userId ? `${displayName} (${stats.userId})` : stats.userId;
  const scope = [stats.guildId ? `guild ${stats.guildId}` : 'all guilds', stats.bankId ? `bank ${stats.bankId}` : 'all banks'].join(', ');
  const lines = [`Statistics for ${who}: ${scope}; days in ${stats.timeZone}`, ''];
  if (stats.attempts === 0) {
    lines.push('No answers yet.');
    if (stats.reviewsDue > 0) lines.push(`Reviews due now: ${stats.reviewsDue}`);
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    `Answers: ${stats.attempts}, ${stats.correct} at full marks (${percent(stats.correct, stats.attempts)})`,
    `Points: ${formatPoints(stats.pointsEarned)} of ${formatPoints(stats.pointsAvailable)} (${percent(stats.pointsEarned, stats.pointsAvailable)})`,
    `Questions: ${stats.questionsSeen} seen, ${stats.questionsMastered} mastered (latest answer at full marks)`,
    `Streak: ${countNoun(stats.currentStreakDays, 'day')} now, longest ${countNoun(stats.longestStreakDays, 'day')}`,
    `Reviews due now: ${stats.reviewsDue}`,
  );
  const examLines = examStatsLines('en-US', exams);
  if (examLines) lines.push('', `Exams: ${examLines[0]}`, ...examLines.slice(1).map((line) => `  ${line}`));
  const section = (title: string, rows: Array<[string, GroupStats]>) => {
    if (rows.length === 0) return;
    const width = Math.max(...rows.map(([label]) => displayWidth(label)));
    lines.push('', title, ...rows.map(([label, group]) => groupLine(label, group, width)));
  };
  section('By question type', stats.byType.map((row) => [row.type, row]));
  section('By topic', stats.byTopic.map((row) => [row.topic ?? '(no topic)', row]));
  section('By bank', stats.byBank.map((row) => [row.bankId, row]));
  section('Weakest topics', stats.weakestTopics.map((row) => [row.topic, row]));
  if (stats.missedRubricPoints.length > 0) {
    lines.push('', 'Rubric points missed most often');
    for (const point of stats.missedRubricPoints) {
      lines.push(`  ${point.bankId}/${point.questionId} #${point.index + 1} "${point.point}": missed ${point.missed} of ${countNoun(point.attempts, 'answer')}`);
    }
  }
  const activeDays = stats.daily.filter((day) => day.answered > 0);
  lines.push('', `Last ${stats.daily.length} days: answers on ${countNoun(activeDays.length, 'day')}`);
  for (const day of activeDays) {
    lines.push(`  ${day.date}  ${String(day.answered).padStart(4)} answered  ${String(day.correct).padStart(4)} at full marks  ${'#'.repeat(Math.min(40, day.answered))}`);
  }
  return `${lines.join('\n')}\n`;
}
