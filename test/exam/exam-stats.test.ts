import { describe, expect, it } from 'vitest';
import { renderStats } from '../../src/discord/render.ts';
import type { ExamStats } from '../../src/exam/types.ts';
import { examStatsLines } from '../../src/messages/exam-stats.ts';
import type { UserStats } from '../../src/progress/types.ts';
import { renderStatsText } from '../../src/cli/stats.ts';

const exams: ExamStats = {
  taken: 2,
  last: { examId: 'e2', title: 'Paper', score: 61.5, totalPoints: 100, submittedAt: new Date('2026-03-02T10:00:00Z') },
  best: { examId: 'e1', title: 'Paper', score: 72, totalPoints: 100, submittedAt: new Date('2026-03-01T10:00:00Z') },
  sections: [
    { title: '一、选择题', score: 28, points: 32 },
    { title: '四、论述题', score: 30, points: 60 },
  ],
};

const stats: UserStats = {
  userId: '7',
  guildId: null,
  bankId: null,
  timeZone: 'UTC',
  generatedAt: '2026-03-02T12:00:00Z',
  attempts: 36,
  correct: 20,
  accuracy: 20 / 36,
  pointsEarned: 133.5,
  pointsAvailable: 200,
  questionsSeen: 18,
  questionsMastered: 9,
  byType: [],
  byTopic: [],
  byBank: [],
  currentStreakDays: 2,
  longestStreakDays: 2,
  daily: [],
  reviewsDue: 3,
  weakestTopics: [],
  missedRubricPoints: [],
};

describe('the exam line of /stats and tutor stats', () => {
  it('gives papers taken, last and best score, then points per section, in both languages', () => {
    expect(examStatsLines('en-US', exams)).toEqual(['2 papers taken · last 61.5 / 100 · best 72 / 100', '一、选择题: 28 / 32', '四、论述题: 30 / 60']);
    expect(examStatsLines('zh-CN', exams)?.[0]).toBe('已考 2 次 · 最近 61.5 / 100 · 最好 72 / 100');
    expect(examStatsLines('en-US', { taken: 0, last: null, best: null, sections: [] })).toBeNull();
  });

  it('is a field of the /stats embed, left out for a learner with no exam', () => {
    const embed = renderStats({ locale: 'en-US', stats, userName: 'Ada', exams }).embeds[0]!;
    expect(embed.fields?.find((field) => field.name === 'Exams')?.value).toBe('2 papers taken · last 61.5 / 100 · best 72 / 100\n一、选择题: 28 / 32\n四、论述题: 30 / 60');
    const without = renderStats({ locale: 'en-US', stats, userName: 'Ada', exams: { taken: 0, last: null, best: null, sections: [] } }).embeds[0]!;
    expect(without.fields?.some((field) => field.name === 'Exams')).toBe(false);
  });

  it('is a section of tutor stats', () => {
    expect(renderStatsText(stats, 'Ada', exams)).toContain('Exams: 2 papers taken · last 61.5 / 100 · best 72 / 100\n  一、选择题: 28 / 32');
  });
});
