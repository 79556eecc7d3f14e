import { describe, expect, it } from 'vitest';
import { classifyThreadMessage, stripQuestionMarker } from '../../src/discord/message-rule.ts';

describe('what a message in the quiz thread means', () => {
  it.each([
    // text, open question type, already answered, expected
    ['Quantisation lowers the bit width of weights.', 'short', false, 'answer'],
    ['量化通过降低权重位宽来减少计算量。', 'essay', false, 'answer'],
    ['What does pruning remove?', 'short', false, 'follow-up'],
    ['剪枝去掉的是什么？', 'short', false, 'follow-up'],
    ['? can you give me a hint', 'short', false, 'follow-up'],
    ['？提示一下', 'essay', false, 'follow-up'],
    ['It is not a question? It is.', 'short', false, 'answer'],
    ['为什么要在手机上优化模型？', 'essay', false, 'answer'],
    ['为什么要优化？\n因为手机的内存和电量都有限。', 'short', false, 'answer'],
    ['Why quantise?\nBecause memory is scarce. Is it worth it?', 'short', false, 'answer'],
    ['Thanks, why was mine wrong', 'short', true, 'follow-up'],
    ['B', 'choice', false, 'follow-up'],
    ['0.5', 'numeric', false, 'follow-up'],
    ['anything at all', null, false, 'follow-up'],
  ] as const)('%j with an open %s question (answered: %s) is %s', (text, questionType, answered, expected) => {
    expect(classifyThreadMessage({ text, questionType, answered })).toBe(expected);
  });

  it('drops a leading question mark before the message goes to the tutor', () => {
    expect(stripQuestionMarker('? why is B wrong')).toBe('why is B wrong');
    expect(stripQuestionMarker('why is B wrong?')).toBe('why is B wrong?');
  });
});
