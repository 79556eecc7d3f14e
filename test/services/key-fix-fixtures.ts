import type { BankInput } from '../../src/bank/schema.ts';

/** One question of each kind a key fix meets; the keys are deliberately incomplete. */
export const keyFixBank: BankInput = {
  id: 'keys',
  title: 'Keys to fix',
  language: 'en-US',
  source: 'written for the key-fix tests',
  questions: [
    {
      id: 'q-blank',
      type: 'blank',
      topic: 'compression',
      points: 4,
      stem: 'Two ways to shrink a model: ______ and ______.',
      blanks: [{ accept: ['quantization'] }, { accept: ['pruning'] }],
      analysis: 'Quantization stores fewer bits per weight; pruning removes weights.',
    },
    {
      id: 'q-choice',
      type: 'choice',
      points: 2,
      stem: 'Which unit multiplies matrices fastest?',
      options: [
        { key: 'A', text: 'A disk controller' },
        { key: 'B', text: 'A tensor core' },
        { key: 'C', text: 'A TPU matrix unit' },
      ],
      answer: 'B',
      analysis: 'Both B and C are matrix units.',
    },
    {
      id: 'q-num',
      type: 'numeric',
      points: 2,
      stem: 'A model takes 25 ms per image. How many images per second?',
      answer: 40,
      unit: 'images/s',
      analysis: '1000 / 25 = 40.',
    },
    { id: 'q-tf', type: 'truefalse', points: 1, stem: 'INT8 removes parameters.', answer: false, analysis: 'It does not.' },
    {
      id: 'q-short',
      type: 'short',
      points: 4,
      stem: 'Why does batching raise throughput?',
      reference: 'It amortises the weight reads over many requests.',
      rubric: [{ point: 'amortises weight reads', points: 4 }],
      analysis: 'Batching shares memory traffic.',
    },
  ],
};
