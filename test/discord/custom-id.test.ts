import { describe, expect, it } from 'vitest';
import { CUSTOM_ID_MAX_LENGTH, encodeComponentId, parseComponentId, type ComponentId } from '../../src/discord/custom-id.ts';

describe('custom ids', () => {
  const cases: ComponentId[] = [
    { kind: 'answer', sessionId: 'aB3_-xYz9QwE', question: { id: 'choice-1' }, choice: 'C' },
    { kind: 'select', sessionId: 'aB3_-xYz9QwE', question: { id: 'multi-2' } },
    { kind: 'submit', sessionId: 'aB3_-xYz9QwE', question: { id: 'multi-2' }, keys: 'ACD' },
    { kind: 'submit', sessionId: 'aB3_-xYz9QwE', question: { id: 'multi-2' }, keys: '' },
    { kind: 'open', sessionId: 'aB3_-xYz9QwE', question: { id: 'blank-1' }, from: 5 },
    { kind: 'modal', sessionId: 'aB3_-xYz9QwE', question: { id: 'short.1' }, from: 0 },
    { kind: 'next', sessionId: 'aB3_-xYz9QwE' },
    { kind: 'ask', sessionId: 'aB3_-xYz9QwE' },
    { kind: 'askmodal', sessionId: 'aB3_-xYz9QwE' },
    { kind: 'end', sessionId: 'aB3_-xYz9QwE' },
    { kind: 'forget-confirm', userId: '123456789012345678' },
    { kind: 'forget-cancel', userId: '123456789012345678' },
  ];

  it.each(cases)('round-trips $kind', (id) => {
    const encoded = encodeComponentId(id);
    expect(encoded.length).toBeLessThanOrEqual(CUSTOM_ID_MAX_LENGTH);
    expect(parseComponentId(encoded)).toEqual(id);
  });

  it('uses the documented layout quiz:answer:<session>:<question>:<choice>', () => {
    expect(encodeComponentId({ kind: 'answer', sessionId: 'S1', question: { id: 'q-7' }, choice: 'B' })).toBe('quiz:answer:S1:q-7:B');
    expect(encodeComponentId({ kind: 'next', sessionId: 'S1' })).toBe('quiz:next:S1');
  });

  it('falls back to the question position when a 64-character question id would pass 100 characters', () => {
    const longId = `q${'x'.repeat(63)}`;
    const keys = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    expect(encodeComponentId({ kind: 'answer', sessionId: 'aB3_-xYz9QwE', question: { id: longId }, choice: 'A' }, 17)).toContain(longId);
    const encoded = encodeComponentId({ kind: 'submit', sessionId: 'aB3_-xYz9QwE', question: { id: longId }, keys }, 17);
    expect(encoded.length).toBeLessThanOrEqual(CUSTOM_ID_MAX_LENGTH);
    expect(encoded).toBe(`quiz:submit:aB3_-xYz9QwE:#17:${keys}`);
    expect(parseComponentId(encoded)).toEqual({ kind: 'submit', sessionId: 'aB3_-xYz9QwE', question: { index: 17 }, keys });
  });

  it('refuses to build an id that cannot fit and has no position to fall back on', () => {
    expect(() => encodeComponentId({ kind: 'answer', sessionId: 'aB3_-xYz9QwE', question: { id: `q${'x'.repeat(90)}` }, choice: 'A' })).toThrow(/too long/);
  });

  it.each(['', 'quiz', 'quiz:answer', 'quiz:answer:S1', 'quiz:answer:S1:q1', 'quiz:open:S1:q1:-1', 'quiz:next:S1:extra', 'other:next:S1', 'quiz:unknown:S1:q:1', 'forget:maybe:1'])(
    'rejects the malformed id %j',
    (customId) => {
      expect(parseComponentId(customId)).toBeNull();
    },
  );
});
