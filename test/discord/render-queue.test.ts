import { describe, expect, it } from 'vitest';
import { parseScore } from '../../src/discord/components/queue.ts';
import { CUSTOM_ID_MAX_LENGTH, encodeComponentId, parseComponentId, type QueueComponentId } from '../../src/discord/custom-id.ts';
import { renderAppealsField, renderQueueItem, renderQueueList, renderScoresModal } from '../../src/discord/render-queue.ts';
import { UserError } from '../../src/errors.ts';
import type { QueueItem } from '../../src/services/review-queue.ts';

type ModalJson = { title: string; custom_id: string; components: Array<{ type: number; label?: string; component?: { custom_id: string; value?: string; required?: boolean } }> };

function item(overrides: Partial<QueueItem> = {}): QueueItem {
  return {
    attemptId: 42,
    kind: 'needs-review',
    userId: '123456789012345678',
    displayName: 'Ana',
    guildId: 'g1',
    bankId: 'bank-a',
    questionId: 'essay',
    questionType: 'essay',
    stem: 'Explain the KV cache.',
    answer: '@everyone it caches **keys**',
    score: 1,
    maxScore: 7,
    status: 'needs-review',
    gradedBy: 'fallback',
    claimedScore: 7,
    note: 'needs-review',
    points: Array.from({ length: 7 }, (_, index) => ({
      part: `rubric-${index + 1}`,
      label: `Point ${index + 1}`,
      verdict: index === 0 ? 'met' : 'missed',
      evidence: index === 0 ? 'caches keys' : '',
      score: index === 0 ? 1 : 0,
      maxScore: 1,
    })),
    createdAt: new Date('2026-03-10T10:00:00Z'),
    appeal: null,
    ...overrides,
  };
}

describe('review queue rendering', () => {
  it('round-trips every queue and appeal custom id, and refuses malformed ones', () => {
    const ids: QueueComponentId[] = [
      { kind: 'appeal-open', attemptId: 981234 },
      { kind: 'appeal-modal', attemptId: 981234 },
      { kind: 'queue-pick', provisional: true },
      { kind: 'queue-accept', attemptId: 7, provisional: false },
      { kind: 'queue-scores', attemptId: 7, provisional: true, from: 5 },
      { kind: 'queue-scoresmodal', attemptId: 7, provisional: false, from: 0 },
      { kind: 'queue-reject', attemptId: 7, provisional: false },
      { kind: 'queue-rejectmodal', attemptId: 7, provisional: true },
    ];
    for (const id of ids) {
      const encoded = encodeComponentId(id);
      expect(encoded.length).toBeLessThanOrEqual(CUSTOM_ID_MAX_LENGTH);
      expect(parseComponentId(encoded)).toEqual(id);
    }
    expect(encodeComponentId({ kind: 'appeal-open', attemptId: 12 })).toBe('appeal:open:12');
    for (const bad of ['appeal:open:x', 'appeal:open:1:2', 'queue:accept:7', 'queue:accept:7:2', 'queue:scores:7:0', 'queue:pick:yes', 'queue:drop:7:0']) {
      expect(parseComponentId(bad), bad).toBeNull();
    }
  });

  it('scores seven marking points in two modals of five and two, the note in the spare slot of the last', () => {
    const first = renderScoresModal('en-US', item(), false, 0).toJSON() as unknown as ModalJson;
    expect(first.title).toBe('Scores: points 1–5 of 7');
    expect(first.components.map((c) => c.component!.custom_id)).toEqual(['score-0', 'score-1', 'score-2', 'score-3', 'score-4']);
    expect(first.components[0]).toMatchObject({ label: '1. Point 1', component: { value: '1', required: true } });
    const second = renderScoresModal('en-US', item(), false, 5).toJSON() as unknown as ModalJson;
    expect(second.title).toBe('Scores: points 6–7 of 7');
    expect(second.components.map((c) => c.component!.custom_id)).toEqual(['score-5', 'score-6', 'note']);
    expect(parseComponentId(second.custom_id)).toEqual({ kind: 'queue-scoresmodal', attemptId: 42, provisional: false, from: 5 });
  });

  it('reads a typed score with a point or a comma, and names the point of anything else', () => {
    expect([parseScore('2', 1), parseScore(' 1,5 ', 2), parseScore('.5', 3)]).toEqual([2, 1.5, 0.5]);
    for (const bad of ['-1', 'two', '1e3', '']) {
      expect(() => parseScore(bad, 4)).toThrow(UserError);
    }
    expect(() => parseScore('two', 4)).toThrow('Score 4 is not a number: "two".');
  });

  it('shows an item with the learner’s answer as data, the verdicts with evidence, and the three actions', () => {
    const payload = renderQueueItem({ locale: 'en-US', item: item(), provisional: false, items: [item()] });
    const embed = payload.embeds[0]!;
    expect(embed.title).toBe('Answer #42: 🔎 Needs review');
    const fields = Object.fromEntries(embed.fields!.map((f) => [f.name, f.value]));
    expect(fields['Answer']).toBe('> @everyone it caches \\*\\*keys\\*\\*');
    expect(fields['Score']).toBe('1 / 7\nThe AI claimed 7.');
    expect(fields['Marking points']!.split('\n')[0]).toBe('✅ 1. Point 1 (1/1) — “caches keys”');
    expect(payload.allowedMentions).toEqual({ parse: [], repliedUser: false });
    const labels = payload.components.flatMap((row) => row.components).map((c) => ('label' in c ? c.label : c.type));
    expect(labels).toEqual(['Accept grade', 'Set scores', 'Reject']); // no menu: nothing else waits
  });

  it('lists at most 25 answers with a menu of the same, and says how many more wait', () => {
    const many = Array.from({ length: 30 }, (_, index) => item({ attemptId: index + 1 }));
    const payload = renderQueueList({ locale: 'zh-CN', items: many, total: 30, provisional: false });
    expect(payload.embeds[0]!.title).toBe('待审队列：30 条作答');
    expect(payload.embeds[0]!.description!.split('\n').filter((line) => line.startsWith('**#'))).toHaveLength(25);
    expect(payload.embeds[0]!.description).toContain('只显示最早的 25 条。');
    const menu = payload.components[0]!.components[0] as { options: unknown[] };
    expect(menu.options).toHaveLength(25);
    expect(renderQueueList({ locale: 'en-US', items: [], total: 0, provisional: true })).toMatchObject({ components: [], embeds: [{ description: 'Nothing awaits review.' }] });
  });

  it('shows no appeals field to a learner who never appealed', () => {
    expect(renderAppealsField('en-US', { open: 0, upheld: 0, changed: 0, rejected: 0, recent: [] }, () => undefined)).toBeNull();
  });
});
