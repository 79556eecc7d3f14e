import type { AttemptRecord } from '../progress/ports.ts';
import { roundPoints } from './paper.ts';
import type { ExamRepository, StoredExam } from './ports.ts';
import type { ExamStats } from './types.ts';

/** A score on the attempt's own points, moved to the points the paper gives the question (clamped). */
export function onPaperPoints(attempt: AttemptRecord, points: number): number {
  if (attempt.maxScore <= 0) return 0;
  return roundPoints(Math.min(points, Math.max(0, (attempt.score / attempt.maxScore) * points)));
}

/**
 * The learner's exam line for /stats and `tutor stats`: papers taken (graded), the last and the best
 * score, and points per section title over every exam. Scores come from the live attempt rows, so a
 * regrade or a teacher's grade after the exam shows here too. Needs no bank: it runs on stored rows.
 */
export function computeExamStats(repository: Pick<ExamRepository, 'submitted' | 'attempts'>, userId: string): ExamStats {
  const exams = repository.submitted(userId).filter((exam) => exam.status === 'graded');
  const ratio = (exam: StoredExam, score: number) => score / exam.totalPoints;
  let best: { exam: StoredExam; score: number } | null = null;
  let last: { exam: StoredExam; score: number } | null = null;
  const sections = new Map<string, { title: string; score: number; points: number }>();
  for (const exam of exams) {
    const attempts = repository.attempts(exam.id);
    const perSection = exam.sections.map(() => 0);
    exam.questions.forEach((ref, index) => {
      const attempt = attempts.get(index);
      if (attempt) perSection[ref.sectionIndex] = (perSection[ref.sectionIndex] ?? 0) + onPaperPoints(attempt, ref.points);
    });
    const score = roundPoints(perSection.reduce((sum, value) => sum + value, 0));
    if (!best || ratio(exam, score) > ratio(best.exam, best.score)) best = { exam, score };
    last = { exam, score };
    exam.sections.forEach((section, index) => {
      const total = sections.get(section.title) ?? { title: section.title, score: 0, points: 0 };
      total.score = roundPoints(total.score + (perSection[index] ?? 0));
      total.points = roundPoints(total.points + section.points);
      sections.set(section.title, total);
    });
  }
  const summary = (entry: { exam: StoredExam; score: number } | null) =>
    entry
      ? {
          examId: entry.exam.id,
          title: entry.exam.title,
          score: entry.score,
          totalPoints: entry.exam.totalPoints,
          submittedAt: entry.exam.submittedAt ?? entry.exam.createdAt,
        }
      : null;
  return { taken: exams.length, last: summary(last), best: summary(best), sections: [...sections.values()] };
}
