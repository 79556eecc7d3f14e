import type { ExamStats } from '../exam/types.ts';
import { t } from './catalog.ts';
import { formatPoints } from './format.ts';

/**
 * The exam line of /stats and `tutor stats`: papers taken, last and best score, then points per
 * section over every exam. Null for a learner who has taken none (the line is left out).
 */
export function examStatsLines(locale: string | null | undefined, stats: ExamStats | undefined): string[] | null {
  if (!stats || stats.taken === 0 || !stats.last || !stats.best) return null;
  const line = t(locale, 'examStats.line', {
    count: stats.taken,
    last: formatPoints(stats.last.score),
    lastTotal: formatPoints(stats.last.totalPoints),
    best: formatPoints(stats.best.score),
    bestTotal: formatPoints(stats.best.totalPoints),
  });
  const sections = stats.sections.map((section) =>
    t(locale, 'examStats.section', { title: section.title, score: formatPoints(section.score), points: formatPoints(section.points) }),
  );
  return [line, ...sections];
}
