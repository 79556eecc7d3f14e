import { QuestionSchema, type BankInput, type Question } from '../../src/bank/schema.ts';

type QuestionInput = BankInput['questions'][number];

/** A question as an author writes it, parsed through the real schema (defaults applied). */
export function question<T extends Question['type']>(input: QuestionInput & { type: T }): Extract<Question, { type: T }> {
  return QuestionSchema.parse(input) as Extract<Question, { type: T }>;
}

/** The seed paper's choice 4, with its real options. */
export const tpuChoice = question({
  id: 'choice-4',
  type: 'choice',
  stem: '以下哪种硬件设备通常专门设计用于加速AI模型的推理计算？',
  points: 2,
  analysis: 'TPU 是专为张量运算设计的加速器。',
  options: [
    { key: 'A', text: '中央处理器（CPU）' },
    { key: 'B', text: '图形处理器（GPU）' },
    { key: 'C', text: '张量处理器（TPU）' },
    { key: 'D', text: '神经形态芯片' },
  ],
  answer: 'C',
});

export const englishChoice = question({
  id: 'english-choice',
  type: 'choice',
  stem: 'What does throughput measure?',
  points: 1,
  analysis: 'Throughput counts completed inferences per unit of time.',
  options: [
    { key: 'A', text: 'The time of one inference' },
    { key: 'B', text: 'Inferences completed per second' },
    { key: 'C', text: 'Model size' },
  ],
  answer: 'B',
});

export const examMulti = question({
  id: 'memory-savers',
  type: 'multi',
  stem: 'Which of these reduce the memory a model’s weights take? Select all that apply.',
  points: 4,
  analysis: 'Quantization, pruning and distillation shrink the weights; a larger batch does not.',
  options: [
    { key: 'A', text: 'INT8 quantization' },
    { key: 'B', text: 'Structured pruning' },
    { key: 'C', text: 'A larger batch size' },
    { key: 'D', text: 'Distilling into a smaller student model' },
  ],
  answer: ['A', 'B', 'D'],
});

export const examMultiThirdCredit = question({ ...examMulti, id: 'memory-savers-third', partialCredit: 0.3 });

export const fractionMulti = question({
  id: 'inference-runtimes',
  type: 'multi',
  stem: 'Which of these are inference runtimes?',
  points: 2,
  analysis: 'TensorRT and ONNX Runtime run trained models; Matplotlib and pandas do not.',
  options: [
    { key: 'A', text: 'TensorRT', fraction: 0.5 },
    { key: 'B', text: 'ONNX Runtime', fraction: 0.5 },
    { key: 'C', text: 'Matplotlib', fraction: -0.5 },
    { key: 'D', text: 'pandas', fraction: -0.5 },
  ],
  answer: ['A', 'B'],
  scoring: 'fraction',
});

export const chineseTrueFalse = question({
  id: 'tf-zh',
  type: 'truefalse',
  stem: 'INT8 量化通常会减小模型体积。',
  points: 1,
  analysis: '每个权重从 32 位变为 8 位。',
  answer: true,
});

export const englishTrueFalse = question({
  id: 'tf-en',
  type: 'truefalse',
  stem: 'Pruning always improves accuracy.',
  points: 1,
  analysis: 'Pruning usually costs some accuracy, recovered by fine-tuning.',
  answer: false,
});

export const absoluteNumeric = question({
  id: 'images-per-second',
  type: 'numeric',
  stem: 'One image takes 25 ms. How many images per second is that?',
  points: 2,
  analysis: '1000 / 25 = 40.',
  answer: 40,
  tolerance: { kind: 'absolute', value: 0.5 },
  unit: 'images/s',
});

export const relativeNumeric = question({
  id: 'weights-gb',
  type: 'numeric',
  stem: 'How many GB do 7 billion FP16 weights take?',
  points: 2,
  analysis: '7e9 × 2 bytes = 14 GB.',
  answer: 14,
  tolerance: { kind: 'relative', value: 0.05 },
  unit: 'GB',
});

export const bigNumeric = question({
  id: 'requests',
  type: 'numeric',
  stem: 'How many requests is 1500 per second for 1000 seconds?',
  points: 1,
  analysis: '1.5 million.',
  answer: 1_500_000,
});

export const exactDecimal = question({
  id: 'ratio',
  type: 'numeric',
  stem: 'What is 7 / 2?',
  points: 1,
  analysis: '3.5.',
  answer: 3.5,
});

/** Two unordered blanks (any order) and one ordered blank; points split evenly. */
export const pruningBlanks = question({
  id: 'blank-3',
  type: 'blank',
  stem: '常见的剪枝方法包括______和______，衡量推理速度的指标之一是____。',
  points: 3,
  analysis: '权重剪枝与结构化剪枝；延迟。',
  blanks: [
    { accept: ['权重剪枝', '非结构化剪枝', 'weight pruning'] },
    { accept: ['结构化剪枝', '*通道剪枝', 'structured pruning'] },
    { accept: ['延迟', '时延', 'latency'] },
  ],
  unordered: [[0, 1]],
});

/** Ordered blanks with their own points. */
export const latencyBlanks = question({
  id: 'blank-1',
  type: 'blank',
  stem: '推理速度优化的主要目标包括降低＿＿和/或提高＿＿。',
  points: 4,
  analysis: '降低延迟，提高吞吐量。',
  blanks: [
    { accept: ['延迟', 'latency'], points: 1 },
    { accept: ['吞吐量', 'throughput'], points: 3 },
  ],
});

export const oneBlank = question({
  id: 'blank-5',
  type: 'blank',
  stem: 'The teacher model produces ______ for the student.',
  points: 2,
  analysis: 'Soft labels: the teacher’s probability distribution.',
  blanks: [{ accept: ['soft labels', 'soft targets', '软标签', 'C#', '*probabilit*'] }],
});

export const shortQuestion = question({
  id: 'short-1',
  type: 'short',
  stem: '简述模型剪枝和模型量化的主要区别。',
  points: 10,
  analysis: '剪枝减少参数数量，量化降低每个参数的位数。',
  reference: '剪枝移除不重要的权重或结构；量化用更少的位表示权重和激活。',
  rubric: [
    { point: '剪枝减少参数', points: 4 },
    { point: '量化降低精度', points: 4 },
    { point: '各自的优缺点', points: 2 },
  ],
});

export const essayQuestion = question({
  ...shortQuestion,
  id: 'essay-1',
  type: 'essay',
  maxLength: 50,
});
