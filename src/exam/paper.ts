import { drawCandidates } from '../bank/papers.ts';
import type { Bank, Question } from '../bank/schema.ts';
import { UserError } from '../errors.ts';
import type { PaperSummary } from './types.ts';

/**
 * Drawing an exam from a bank: pure functions of the bank, the paper asked for and a random source.
 * The drawn question list is stored with the exam, so a bank edited or reloaded later never changes
 * an exam already started.
 */

/** A question as placed on one exam: its section and the points it is worth on this paper. */
export interface ExamQuestionRef {
  bankId: string;
  questionId: string;
  sectionIndex: number;
  points: number;
}

export interface DrawnSection {
  title: string;
  points: number;
}

export interface DrawnPaper {
  bankId: string;
  paperId: string | null;
  title: string;
  /** null for the bank's own sections: the caller gives the time limit. */
  timeLimitMinutes: number | null;
  sections: DrawnSection[];
  questions: ExamQuestionRef[];
  totalPoints: number;
}

/** Points are decimals like 0.5; sums are rounded to 1/1000 so 0.1 + 0.2 shows as 0.3. */
export function roundPoints(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** `count` of `items` picked uniformly at random, kept in their original order (as a paper prints them). */
function sampleInOrder<T>(items: readonly T[], count: number, random: () => number): T[] {
  if (count >= items.length) return [...items];
  const indexes = items.map((_, index) => index);
  for (let i = indexes.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [indexes[i], indexes[j]] = [indexes[j]!, indexes[i]!];
  }
  return indexes
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((index) => items[index]!);
}

/**
 * The paper `paperId` of the bank (default its first), or with no papers defined, the bank's sections
 * as they are at their points (every servable question in one section when it has none).
 * Throws `exam-paper-not-found` and `exam-not-enough-questions`.
 */
export function drawPaper(bank: Bank, paperId: string | undefined, random: () => number = Math.random): DrawnPaper {
  const papers = bank.papers ?? [];
  const paper = paperId === undefined ? papers[0] : papers.find((candidate) => candidate.id === paperId);
  if (paperId !== undefined && !paper) {
    throw new UserError('exam-paper-not-found', { bankId: bank.id, paperId, papers: papers.map((p) => p.id).join(', ') || '—' });
  }
  const byId = new Map(bank.questions.map((question) => [question.id, question]));
  const questions: ExamQuestionRef[] = [];
  const sections: DrawnSection[] = [];
  const place = (sectionIndex: number, picked: readonly Question[], pointsEach: number | undefined) => {
    for (const question of picked) {
      questions.push({ bankId: bank.id, questionId: question.id, sectionIndex, points: pointsEach ?? question.points });
    }
  };

  if (paper) {
    // Listed questions are taken first, so a draw elsewhere on the paper never repeats one of them.
    const taken = new Set(paper.sections.flatMap((section) => section.questionIds ?? []));
    const picks = paper.sections.map((section) => {
      if (section.questionIds) {
        return section.questionIds.map((id) => byId.get(id)).filter((question): question is Question => question !== undefined && question.status !== 'draft');
      }
      const draw = section.draw ?? {};
      const candidates = drawCandidates(bank, draw).filter((question) => !taken.has(question.id));
      const wanted = draw.count ?? candidates.length;
      if (candidates.length === 0 || wanted > candidates.length) {
        throw new UserError('exam-not-enough-questions', { section: section.title, wanted, available: candidates.length });
      }
      const picked = sampleInOrder(candidates, wanted, random);
      for (const question of picked) taken.add(question.id);
      return picked;
    });
    paper.sections.forEach((section, index) => {
      const picked = picks[index] ?? [];
      place(index, picked, section.pointsEach);
      sections.push({ title: section.title, points: roundPoints(picked.reduce((sum, q) => sum + (section.pointsEach ?? q.points), 0)) });
    });
  } else {
    const bankSections = (bank.sections ?? []).length > 0 ? bank.sections! : [{ title: bank.title, questionIds: bank.questions.map((q) => q.id) }];
    const placed = new Set<string>();
    for (const section of bankSections) {
      const picked = section.questionIds
        .map((id) => byId.get(id))
        .filter((question): question is Question => question !== undefined && question.status !== 'draft' && !placed.has(question.id));
      if (picked.length === 0) continue;
      for (const question of picked) placed.add(question.id);
      place(sections.length, picked, undefined);
      sections.push({ title: section.title, points: roundPoints(picked.reduce((sum, q) => sum + q.points, 0)) });
    }
    if (questions.length === 0) throw new UserError('no-questions', { bankId: bank.id, type: '', topic: '' });
  }

  return {
    bankId: bank.id,
    paperId: paper?.id ?? null,
    title: paper?.title ?? bank.title,
    timeLimitMinutes: paper?.timeLimitMinutes ?? null,
    sections,
    questions,
    totalPoints: roundPoints(questions.reduce((sum, ref) => sum + ref.points, 0)),
  };
}

/** What `papers()` lists: each paper with its size (drawn sections counted by their `count`). */
export function paperSummaries(bank: Bank): PaperSummary[] {
  const papers = bank.papers ?? [];
  if (papers.length === 0) {
    const drawn = drawPaper(bank, undefined, () => 0);
    return [{ bankId: bank.id, paperId: null, title: drawn.title, timeLimitMinutes: null, questionCount: drawn.questions.length, totalPoints: drawn.totalPoints }];
  }
  return papers.map((paper) => {
    // A deterministic draw gives the count and, when every section sets pointsEach, the exact total.
    const drawn = drawPaper(bank, paper.id, () => 0);
    return {
      bankId: bank.id,
      paperId: paper.id,
      title: paper.title,
      timeLimitMinutes: paper.timeLimitMinutes,
      questionCount: drawn.questions.length,
      totalPoints: drawn.totalPoints,
    };
  });
}
