import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBankFile } from '../../src/bank/load.ts';
import { formatProblem } from '../../src/bank/validate.ts';
import { BankSchema, isFreeText, type Bank, type BlankQuestion, type ChoiceQuestion, type FreeTextQuestion, type Question } from '../../src/bank/schema.ts';
import { gradeAnswer } from '../../src/grading/grade.ts';
import type { GradeResult, RawAnswer } from '../../src/grading/types.ts';
import { normalizeForMatch } from '../../src/grading/normalize.ts';
import { coverRubric } from '../../src/tutor/fallback-grader.ts';

/**
 * The seed bank is the paper the project was started from. These tests pin what must never silently
 * change: the paper's questions and answer keys, and that every key accepts what a learner who knows
 * the answer would type and rejects what one who does not would.
 */

const SEED_PATH = fileURLToPath(new URL('../../data/banks/ai-inference-optimization-2025.json', import.meta.url));
const bankJson: unknown = JSON.parse(readFileSync(SEED_PATH, 'utf8'));
const bank: Bank = BankSchema.parse(bankJson);

function questionById(id: string): Question {
  const question = bank.questions.find((candidate) => candidate.id === id);
  if (!question) throw new Error(`the seed bank has no question ${id}`);
  return question;
}

function choiceQuestion(id: string): ChoiceQuestion {
  const question = questionById(id);
  if (question.type !== 'choice') throw new Error(`${id} is not a choice question`);
  return question;
}

function blankQuestion(id: string): BlankQuestion {
  const question = questionById(id);
  if (question.type !== 'blank') throw new Error(`${id} is not a blank question`);
  return question;
}

const freeTextQuestions: FreeTextQuestion[] = bank.questions.filter(isFreeText);

/** How much of a model answer learners are shown after grading (the tutor's reference excerpt). */
const SHOWN_REFERENCE_CHARS = 900;

/** The paper's text and ours are compared after NFKC with spaces removed: the site's text extraction flattened full-width punctuation and dropped spaces in English names. */
function paperForm(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, '');
}

function describeAnswer(answer: RawAnswer): string {
  return typeof answer === 'string' ? JSON.stringify(answer) : JSON.stringify([...answer]);
}

function scoreOf(result: GradeResult): number {
  expect(result.status, `expected a graded result, got ${JSON.stringify(result)}`).toBe('graded');
  return result.score;
}

describe('the seed bank file', () => {
  it('parses with the bank schema under the id, language and title the bot serves it by', () => {
    expect(BankSchema.safeParse(bankJson).success).toBe(true);
    expect(bank.id).toBe('ai-inference-optimization-2025');
    expect(bank.language).toBe('zh-CN');
    expect(bank.title).toBe('2025年AI模型推理速度优化基础试卷');
    expect(bank.source).toContain('book118');
  });

  it('loads through the bank loader with no errors and no warnings', async () => {
    const result = await loadBankFile(SEED_PATH);
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.bank?.questions).toHaveLength(18);
  });

  it('holds the 18 questions of the paper in its order: 8 choice, 6 blank, 3 short, 1 essay', () => {
    expect(bank.questions.map((question) => question.id)).toEqual([
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `choice-${n}`),
      ...[1, 2, 3, 4, 5, 6].map((n) => `blank-${n}`),
      'short-1',
      'short-2',
      'short-3',
      'essay-1',
    ]);
    expect(bank.questions.map((question) => question.type)).toEqual([
      ...Array<string>(8).fill('choice'),
      ...Array<string>(6).fill('blank'),
      'short',
      'short',
      'short',
      'essay',
    ]);
  });

  it("keeps the paper's four sections, each listing its questions in order with the points each is worth", () => {
    const sections = bank.sections ?? [];
    expect(sections.map((section) => section.title)).toEqual(['一、选择题', '二、填空题', '三、简答题', '四、论述题']);
    expect(sections.flatMap((section) => section.questionIds)).toEqual(bank.questions.map((question) => question.id));
    for (const section of sections) {
      for (const id of section.questionIds) expect(questionById(id).points, `${section.title} › ${id}`).toBe(section.pointsEach);
    }
  });

  it('adds up to a 100-point paper, as its description says', () => {
    expect(bank.questions.reduce((sum, question) => sum + question.points, 0)).toBe(100);
    expect(bank.description).toContain('总分100分');
  });

  it('gives every question a topic, a difficulty and a non-empty analysis, and serves all of them (no drafts)', () => {
    for (const question of bank.questions) {
      expect(question.topic, question.id).toBeTruthy();
      expect(question.difficulty, question.id).toBeTruthy();
      expect(question.analysis.trim().length, question.id).toBeGreaterThan(20);
      expect(question.status ?? 'ready', question.id).toBe('ready');
    }
  });
});

describe("the paper's own content", () => {
  it('keeps the answer keys of choice questions 1 to 8 exactly as the paper gives them: C D B C C D B C', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => choiceQuestion(`choice-${n}`).answer).join(' ')).toBe('C D B C C D B C');
  });

  const paperStems: Array<[string, string]> = [
    ['choice-1', '在AI模型推理过程中,以下哪一项不是推理速度优化的主要目标?'],
    ['choice-2', '量化技术通过降低模型的数值精度来减小模型大小和加速推理,其中将浮点数(如FP32)转换为8位整数(INT8)的量化方式称为?'],
    ['choice-3', '剪枝技术主要通过对模型结构进行精简来优化模型,以下哪种剪枝方法直接移除了模型中权重接近于零的连接?'],
    ['choice-4', '以下哪种硬件设备通常专门设计用于加速AI模型的推理计算?'],
    ['choice-5', 'TensorRT、ONNXRuntime等工具属于AI推理优化领域,它们的主要作用是?'],
    ['choice-6', '模型蒸馏技术中,通常使用一个大型、性能优越的模型来指导一个较小的模型进行训练,这种指导作用主要通过什么传递?'],
    ['choice-7', '在评估模型推理性能时,“吞吐量”指的是什么?'],
    ['choice-8', '将深度学习模型部署到实际应用中时,除了推理速度,通常还需要考虑以下哪个重要因素?'],
    ['blank-1', '推理速度优化的主要目标包括降低______和/或提高______。'],
    ['blank-2', '量化技术可以显著减小模型的______,并可能提高硬件的______。'],
    ['blank-3', '剪枝技术通过移除模型中不重要的部分来减小模型大小,常见的剪枝方法包括______和______。'],
    ['blank-4', '在使用GPU进行模型推理加速时,需要配合相应的______(如CUDA)和推理框架(如TensorFlowLiteforGPU)。'],
    ['blank-5', '知识蒸馏中,作为教师模型的大型网络通常被用来生成高质量的______,用于指导小型学生模型的学习。'],
    ['blank-6', '衡量模型推理性能的两个核心指标是______和______。'],
    ['short-1', '简述模型剪枝和模型量化的主要区别和各自的优缺点。'],
    ['short-2', '解释什么是推理引擎(如TensorRT、ONNXRuntime),它们在模型推理优化中扮演什么角色?'],
    ['short-3', '简要说明并行推理(如模型并行和数据并行)的基本思想,并举例说明其应用场景。'],
    [
      'essay-1',
      '结合你了解的AI应用场景(如自动驾驶、移动端人脸识别、视频直播互动等),论述优化模型推理速度的重要性,并至少提出三种不同的推理优化技术及其适用情况。',
    ],
  ];

  it.each(paperStems)('%s has the paper’s stem word for word', (id, paperStem) => {
    expect(paperForm(questionById(id).stem)).toBe(paperForm(paperStem));
  });

  it('keeps the options of choice question 4 as the paper lists them', () => {
    expect(choiceQuestion('choice-4').options.map((option) => `${option.key}.${paperForm(option.text)}`)).toEqual([
      'A.中央处理器(CPU)',
      'B.图形处理器(GPU)',
      'C.张量处理器(TPU)',
      'D.神经形态芯片',
    ]);
  });

  const paperAnalyses: Array<[string, string]> = [
    ['choice-1', '推理速度优化的主要目标是提升效率(低延迟、高吞吐量)和资源利用率(低内存占用),提高预测精度是模型本身的目标,而非推理优化的直接目标。'],
    ['choice-3', '权重剪枝直接移除模型中权重值接近于零(或某个阈值以下)的连接。通道剪枝、神经元剪枝、结构剪枝是不同的剪枝策略或变种。'],
    ['choice-4', 'TPU(张量处理器)是Google设计的专门用于加速深度学习推理和训练的硬件。GPU通用性强也用于推理,但TPU更专一。CPU是通用处理器,功能最广但推理性能相对较弱。'],
    ['choice-5', 'TensorRT和ONNXRuntime等工具的核心功能是在模型训练完成后,对其进行优化(如层融合、精度转换、内存优化等),以在目标平台上实现更快的推理速度和更低的资源消耗。'],
    ['choice-6', '模型蒸馏的核心思想是知识迁移,大型教师模型通过其输出的软概率分布(而非精确参数或损失函数)来传递其学习到的特征表示和知识给小型学生模型。'],
    ['choice-7', '吞吐量(Throughput)定义为单位时间内系统可以处理的请求数量或数据量,在模型推理场景下,指每秒可以完成多少次模型预测。'],
  ];

  it.each(paperAnalyses)('%s keeps the paper’s analysis verbatim', (id, paperAnalysis) => {
    expect(paperForm(questionById(id).analysis)).toBe(paperForm(paperAnalysis));
  });

  it("starts choice 2's analysis with the paper's text and only then adds the note on standard terminology", () => {
    const analysis = paperForm(questionById('choice-2').analysis);
    const paperText = paperForm('“低位量化”是描述将数值精度降低的通用术语,特指将FP32量化为INT8。A、B、C描述不够准确或不是该技术的标准术语。');
    expect(analysis.startsWith(paperText)).toBe(true);
    expect(analysis.slice(paperText.length)).toContain('INT8量化');
  });

  it("completes choice 8's analysis, which the paper breaks off after 将模型部, and explains why each distractor is wrong", () => {
    const analysis = questionById('choice-8').analysis;
    expect(analysis.startsWith('将模型部署')).toBe(true);
    for (const word of ['成本', '功耗', 'A', 'B', 'D']) expect(analysis).toContain(word);
  });
});

interface ChoiceCase {
  id: string;
  /** Ways a learner who knows the answer types it. */
  right: string[];
  /** Answers naming a wrong option. */
  wrong: string[];
}

const choiceCases: ChoiceCase[] = [
  { id: 'choice-1', right: ['C', 'c', 'Ｃ', '（C）', '选C', '提高模型的预测精度'], wrong: ['A', 'D. 增加模型的并行处理能力'] },
  { id: 'choice-2', right: ['D', 'd.', '(D)', '答案是 D', 'D. 低位量化', '低位量化'], wrong: ['B', '量化感知训练'] },
  { id: 'choice-3', right: ['B', 'b', 'Ｂ', '我选B', 'B. 权重剪枝', '权重剪枝'], wrong: ['A', 'D. 结构剪枝'] },
  { id: 'choice-4', right: ['C', 'C.', '（Ｃ）', '选 C', 'C. TPU', '张量处理器（TPU）'], wrong: ['B', 'B. GPU', '图形处理器(GPU)'] },
  { id: 'choice-5', right: ['C', 'c', 'The answer is C', 'C 模型部署和加速推理', '模型部署和加速推理'], wrong: ['A', '模型训练'] },
  { id: 'choice-6', right: ['D', 'd', '答案：D', 'D. 预测概率分布', '预测概率分布'], wrong: ['A', 'B. 损失函数'] },
  { id: 'choice-7', right: ['B', '(b)', '选B', 'B. 单位时间内能完成的推理次数', '单位时间内能完成的推理次数'], wrong: ['A', '单次推理所需的时间'] },
  { id: 'choice-8', right: ['C', 'ｃ', '答案是C', 'C. 模型部署成本和功耗', '模型部署成本和功耗'], wrong: ['D', 'A. 模型训练时间'] },
];

describe('the choice keys', () => {
  const rightRows = choiceCases.flatMap(({ id, right }) => right.map((answer) => [id, answer] as const));
  const wrongRows = choiceCases.flatMap(({ id, wrong }) => wrong.map((answer) => [id, answer] as const));

  it.each(rightRows)('%s gives full marks to %j', (id, answer) => {
    const question = choiceQuestion(id);
    const result = gradeAnswer(question, answer);
    expect(scoreOf(result)).toBe(question.points);
    if (result.status === 'graded') expect(result.expected).toBe(question.answer);
  });

  it.each(wrongRows)('%s gives no marks to %j', (id, answer) => {
    const result = gradeAnswer(choiceQuestion(id), answer);
    expect(scoreOf(result)).toBe(0);
    if (result.status === 'graded') expect(result.correct).toBe(false);
  });

  it.each(choiceCases.map(({ id }) => id))('%s asks again, without marking wrong, when the answer names no option (E)', (id) => {
    const result = gradeAnswer(choiceQuestion(id), 'E');
    expect(result.status).toBe('invalid');
    if (result.status === 'invalid') expect(result.reason.code).toBe('no-valid-option');
  });
});

interface BlankCase {
  id: string;
  /** Answers worth full marks: Chinese, English, longer phrasings, swapped order where the blanks are unordered. */
  right: RawAnswer[];
  /** Answers with one blank right and one wrong, worth that one blank's points. */
  half: RawAnswer[];
  /** Answers worth nothing. */
  wrong: RawAnswer[];
}

/**
 * What a teacher marking the paper gives each answer. Rows come from how learners really answer: the
 * textbook term, a paraphrase, the English term or abbreviation, full-width characters from a Chinese
 * input method, and the common wrong answers (a word of the stem, a category mistake, the reversed order).
 */
const blankCases: BlankCase[] = [
  {
    id: 'blank-1',
    right: [
      '延迟；吞吐量',
      '延迟;吞吐量',
      '推理延迟|吞吐率',
      '时延\n吞吐量',
      ['latency', 'throughput'],
      'Latency; Throughput',
      '响应时间；QPS',
      '延迟 吞吐量',
      '推理延时；每秒请求数',
      ['delay', 'requests per second'],
      '延时；TPS',
      'ｌａｔｅｎｃｙ；ｔｈｒｏｕｇｈｐｕｔ',
      '端到端延迟；吞吐能力',
      '推理耗时；帧率',
    ],
    half: ['延迟；精度', '准确率；吞吐量', ['latency', 'accuracy'], ['delay', 'accuracy']],
    // The verbs fix the order: 降低吞吐量、提高延迟 is the opposite of the goal.
    wrong: ['吞吐量；延迟', ['throughput', 'latency'], '精度；准确率', '功耗；精度'],
  },
  {
    id: 'blank-2',
    right: [
      '体积；计算效率',
      '大小；效率',
      '模型大小|运算速度',
      '存储空间；利用率',
      '内存占用；吞吐量',
      ['model size', 'efficiency'],
      'Memory footprint; utilization',
      '显存占用；计算速度',
      '模型尺寸；推理速度',
      ['model size', 'inference speed'],
      '模型尺寸；inference speed',
      '存储空间；能效比',
      '内存占用；硬件利用率',
      'ｓｉｚｅ；ｅｆｆｉｃｉｅｎｃｙ',
    ],
    // Quantization keeps the number of parameters; it speeds up inference, not training.
    half: ['参数量；计算效率', '体积；功耗', '大小；延迟', '大小；训练速度', '精度；吞吐量'],
    wrong: ['精度；功耗', '参数数量；延迟', ['accuracy', 'latency'], '参数量；训练速度'],
  },
  {
    id: 'blank-3',
    right: [
      '权重剪枝；通道剪枝',
      '通道剪枝；权重剪枝',
      '非结构化剪枝；结构化剪枝',
      '结构化剪枝；非结构化剪枝',
      '非结构化剪枝（权重剪枝）；结构化剪枝（通道剪枝）',
      ['unstructured pruning', 'structured pruning'],
      'Structured Pruning | Weight Pruning',
      '权重剪枝；神经元剪枝',
      ['filter pruning', 'magnitude pruning'],
      '结构性剪枝；非结构性剪枝',
      '权值剪枝；通道剪枝',
      // 剪枝 is in the stem: the two kinds alone are a full answer.
      '非结构化；结构化',
      ['weight pruning', 'channel pruning'],
      '细粒度剪枝、粗粒度剪枝',
    ],
    // Two structured methods (or the same family twice) name only one of the two families; 剪枝 alone repeats the stem.
    half: ['通道剪枝；神经元剪枝', '权重剪枝；非结构化剪枝', '权重剪枝；量化', '剪枝；结构化剪枝', '滤波器剪枝；通道剪枝'],
    wrong: ['量化；蒸馏', ['quantization', 'distillation'], '剪枝；剪枝'],
  },
  {
    id: 'blank-4',
    right: [
      '驱动程序',
      '驱动',
      'GPU驱动和计算库',
      '计算库',
      '并行计算平台',
      '编程平台',
      '软件栈',
      'CUDA工具包',
      'SDK',
      'driver',
      'parallel computing platform',
      // The analysis's own definition of CUDA.
      '并行计算平台和编程模型',
      'GPU加速库',
      'CUDA库',
      'CUDA Toolkit',
      'ＧＰＵ驱动',
      'GPU drivers',
      'cuda libraries',
      '驱动程序和CUDA库',
      'CUDA编程模型',
    ],
    half: [],
    // CUDA alone repeats the stem's example; 数据驱动 and 事件驱动 only share a character with 驱动.
    wrong: ['CUDA', 'ＣＵＤＡ', '数据集', 'TPU', '硬件', 'TensorRT', '深度学习框架', '数据驱动', '事件驱动', 'PyTorch'],
  },
  {
    id: 'blank-5',
    right: [
      '软标签',
      '软目标',
      '软概率分布',
      '预测概率分布',
      '输出的概率分布',
      'logits',
      'soft labels',
      'Soft Targets',
      '软标签（soft labels）',
      '暗知识',
      '预测分布',
      'soft predictions',
      '软化的概率分布',
      'ｓｏｆｔ ｔａｒｇｅｔｓ',
      'predicted probabilities',
      'dark knowledge',
    ],
    half: [],
    wrong: ['硬标签', 'hard labels', '伪标签', '模型参数', '训练数据', '标签', '真实标签', 'one-hot标签', '真实概率分布'],
  },
  {
    id: 'blank-6',
    right: [
      '延迟；吞吐量',
      '吞吐量；延迟',
      'latency | throughput',
      ['throughput', 'latency'],
      '推理延迟\n吞吐率',
      'QPS；响应时间',
      '时延 吞吐量',
      'QPS；P99延迟',
      ['delay', 'throughput'],
      '帧率；推理延时',
      '吞吐率、时延',
    ],
    half: ['延迟；准确率', '内存占用；吞吐量', ['accuracy', 'throughput'], '功耗；吞吐量'],
    wrong: ['准确率；召回率', '精度；功耗', ['accuracy', 'recall'], '精度；模型大小'],
  },
];

/** Every learner answer in the table above, each with the verdict a teacher gives it. */
const blankVerdictRows = blankCases.flatMap(({ id, right, half, wrong }) => [
  ...right.map((answer) => [id, answer, 'full'] as const),
  ...half.map((answer) => [id, answer, 'half'] as const),
  ...wrong.map((answer) => [id, answer, 'none'] as const),
]);

describe('the blank keys', () => {
  const rows = (pick: (blankCase: BlankCase) => RawAnswer[]) =>
    blankCases.flatMap((blankCase) => pick(blankCase).map((answer) => [blankCase.id, describeAnswer(answer), answer] as const));

  it.each(rows((blankCase) => blankCase.right))('%s gives full marks to %s', (id, _shown, answer) => {
    const question = blankQuestion(id);
    const result = gradeAnswer(question, answer);
    expect(scoreOf(result)).toBe(question.points);
    if (result.status === 'graded') expect(result.parts.every((part) => part.verdict === 'correct')).toBe(true);
  });

  it.each(rows((blankCase) => blankCase.half))('%s gives the points of one blank only to %s', (id, _shown, answer) => {
    const question = blankQuestion(id);
    const result = gradeAnswer(question, answer);
    expect(scoreOf(result)).toBe(question.points / 2);
    if (result.status === 'graded') expect(result.parts.map((part) => part.verdict).sort()).toEqual(['correct', 'wrong']);
  });

  it.each(rows((blankCase) => blankCase.wrong))('%s gives no marks to %s', (id, _shown, answer) => {
    const result = gradeAnswer(blankQuestion(id), answer);
    expect(scoreOf(result)).toBe(0);
  });

  it('judges at least 60 learner answers, each with the verdict a teacher gives it', () => {
    expect(blankVerdictRows.length).toBeGreaterThanOrEqual(60);
    const disagreements = blankVerdictRows.flatMap(([id, answer, verdict]) => {
      const question = blankQuestion(id);
      const result = gradeAnswer(question, answer);
      const expected = verdict === 'full' ? question.points : verdict === 'half' ? question.points / 2 : 0;
      const got = result.status === 'graded' ? result.score : result.status;
      return got === expected ? [] : [`${id} ${describeAnswer(answer)}: teacher ${expected}, grader ${String(got)}`];
    });
    expect(disagreements).toEqual([]);
  });

  it('accepts no answer through a wildcard that only shares a word with the key (数据驱动 is not a driver)', () => {
    for (const question of bank.questions) {
      if (question.type !== 'blank') continue;
      for (const blank of question.blanks) {
        // A pattern open at both ends (`*驱动*`) matches any phrase that contains the word.
        expect(blank.accept.filter((accepted) => accepted.startsWith('*') && accepted.endsWith('*')), question.id).toEqual([]);
      }
    }
  });

  it.each(bank.questions.filter((question) => question.type === 'blank').map((question) => question.id))(
    '%s marks as many blanks in its stem as it has keys, sharing its 4 points among them',
    (id) => {
      const question = blankQuestion(id);
      expect(question.stem.match(/_{2,}/gu)?.length).toBe(question.blanks.length);
      expect(question.blanks.reduce((sum, blank) => sum + (blank.points ?? 0), 0)).toBe(question.points);
      for (const blank of question.blanks) expect(blank.accept.length, id).toBeGreaterThanOrEqual(5);
    },
  );

  it('lets only the blanks whose order the stem does not fix come in any order', () => {
    const unordered = Object.fromEntries(
      bank.questions.filter((question) => question.type === 'blank').map((question) => [question.id, question.unordered ?? []]),
    );
    expect(unordered).toEqual({
      'blank-1': [],
      'blank-2': [],
      'blank-3': [[0, 1]],
      'blank-4': [],
      'blank-5': [],
      'blank-6': [[0, 1]],
    });
  });

  it('shows the textbook answer as the expected answer', () => {
    const expected = Object.fromEntries(
      blankCases.map(({ id }) => {
        const result = gradeAnswer(blankQuestion(id), blankQuestion(id).blanks.map(() => '不知道'));
        return [id, result.status === 'graded' ? result.expected : result.status];
      }),
    );
    expect(expected).toEqual({
      'blank-1': '延迟; 吞吐量',
      'blank-2': '体积; 计算效率',
      'blank-3': '权重剪枝; 结构化剪枝',
      'blank-4': '驱动程序和计算库',
      'blank-5': '软标签',
      'blank-6': '延迟; 吞吐量',
    });
  });
});

describe('the short-answer and essay questions', () => {
  const ids = freeTextQuestions.map((question) => question.id);

  it('are the three short answers worth 10 points and the essay worth 30', () => {
    expect(freeTextQuestions.map((question) => [question.id, question.type, question.points])).toEqual([
      ['short-1', 'short', 10],
      ['short-2', 'short', 10],
      ['short-3', 'short', 10],
      ['essay-1', 'essay', 30],
    ]);
  });

  it.each(ids)('%s has a rubric of at least 3 points adding up to the question’s points, each with non-empty keywords', (id) => {
    const question = freeTextQuestions.find((candidate) => candidate.id === id) as FreeTextQuestion;
    expect(question.rubric.length).toBeGreaterThanOrEqual(3);
    expect(question.rubric.reduce((sum, point) => sum + point.points, 0)).toBe(question.points);
    for (const point of question.rubric) {
      expect(point.point.trim().length).toBeGreaterThan(10);
      expect(point.keywords?.length ?? 0, point.point).toBeGreaterThanOrEqual(2);
      for (const keyword of point.keywords ?? []) {
        for (const alternative of keyword.split('|')) expect(alternative.trim(), `${id} › ${keyword}`).not.toBe('');
      }
    }
  });

  it.each(ids)('%s has a complete model answer that learners see whole (at most the 900 characters shown after grading)', (id) => {
    const question = freeTextQuestions.find((candidate) => candidate.id === id) as FreeTextQuestion;
    expect(question.reference.trim().length).toBeGreaterThan(question.type === 'essay' ? 800 : 500);
    expect(question.reference.length).toBeLessThanOrEqual(SHOWN_REFERENCE_CHARS);
    expect(question.maxLength).toBeDefined();
    expect(question.reference.length).toBeLessThanOrEqual(question.maxLength ?? 0);
  });

  it.each(ids)('%s gives no marks for words its stem already contains', (id) => {
    const question = freeTextQuestions.find((candidate) => candidate.id === id) as FreeTextQuestion;
    const stem = normalizeForMatch(question.stem);
    const inStem = question.rubric.flatMap((point) =>
      (point.keywords ?? []).flatMap((keyword) => keyword.split('|')).filter((alternative) => stem.includes(normalizeForMatch(alternative))),
    );
    expect(inStem).toEqual([]);
  });

  it.each(ids)('%s gives no marks for style words such as 总之 or 综上', (id) => {
    const question = freeTextQuestions.find((candidate) => candidate.id === id) as FreeTextQuestion;
    const keywords = question.rubric.flatMap((point) => (point.keywords ?? []).flatMap((keyword) => keyword.split('|')));
    expect(keywords.filter((keyword) => /总之|综上|总结|结论|首先|其次|in summary|in conclusion|overall/i.test(keyword))).toEqual([]);
    expect(question.rubric.map((point) => point.point).join('\n')).not.toMatch(/结构清楚|结论明确|条理|字数|文笔/);
  });

  it('does not require short-1 to say that pruning and quantization can be combined', () => {
    const question = freeTextQuestions.find((candidate) => candidate.id === 'short-1') as FreeTextQuestion;
    expect(question.rubric[0]!.point).toMatch(/不要求/);
    const withoutCombining = question.reference.replace(/两者作用在不同维度上，可以叠加使用，例如先剪枝再量化。/u, '').replace(/实践中常先结构化剪枝或蒸馏得到小模型，再做INT8量化。/u, '');
    expect(withoutCombining).not.toMatch(/叠加|结合|组合|先剪枝再量化/);
    expect(coverRubric(question, withoutCombining).map((verdict) => verdict.verdict)).toEqual(['met', 'met', 'met']);
  });

  it("gives the essay's first point nothing for naming the stem's scenarios without their constraints", () => {
    const essay = freeTextQuestions.find((candidate) => candidate.id === 'essay-1') as FreeTextQuestion;
    const namesOnly = '自动驾驶、移动端人脸识别、视频直播互动等AI应用场景都需要优化模型推理速度，这很重要。';
    expect(coverRubric(essay, namesOnly)[0]!.verdict).toBe('missed');
    const withConstraints = '自动驾驶要在100毫秒内完成感知，延迟关系行车安全；手机的算力和电池有限；云端并发高，速度决定成本。';
    expect(coverRubric(essay, withConstraints)[0]!.verdict).toBe('met');
  });

  it('gives no marks to an answer that only repeats the stem', () => {
    for (const question of freeTextQuestions) {
      expect(coverRubric(question, question.stem).map((verdict) => verdict.verdict), question.id).toEqual(question.rubric.map(() => 'missed'));
    }
  });

  it.each(ids)('%s sends its model answer to the tutor for feedback instead of grading it here', (id) => {
    const question = freeTextQuestions.find((candidate) => candidate.id === id) as FreeTextQuestion;
    const result = gradeAnswer(question, question.reference);
    expect(result.status).toBe('needs-feedback');
    expect(result.maxScore).toBe(question.points);
  });

  it.each(ids)('%s: the keyword fallback finds every rubric point in the model answer and none in an off-topic one', (id) => {
    const question = freeTextQuestions.find((candidate) => candidate.id === id) as FreeTextQuestion;
    expect(coverRubric(question, question.reference).map((verdict) => verdict.verdict)).toEqual(question.rubric.map(() => 'met'));
    const offTopic = '我觉得这个问题很简单，只要多买几台电脑、把模型做得越大越好就可以了。';
    expect(coverRubric(question, offTopic).map((verdict) => verdict.verdict)).toEqual(question.rubric.map(() => 'missed'));
  });

  it('covers the technical content the questions ask for in their model answers', () => {
    const reference = (id: string) => (freeTextQuestions.find((question) => question.id === id) as FreeTextQuestion).reference;
    for (const term of ['结构化', '非结构化', '微调', '校准', 'PTQ', 'QAT', 'INT8', '硬件']) expect(reference('short-1')).toContain(term);
    for (const term of ['图优化', '融合', 'FP16', 'INT8', '内核自动调优', '内存', 'TensorRT', 'NVIDIA', 'ONNX Runtime', '执行提供程序']) {
      expect(reference('short-2')).toContain(term);
    }
    for (const term of ['数据并行', '模型并行', '张量并行', '流水线并行', '副本', '吞吐量', '大语言模型', '通信']) expect(reference('short-3')).toContain(term);
    for (const term of ['自动驾驶', '人脸识别', '直播', '量化', '剪枝', '蒸馏', '推理引擎', '批处理', '适用']) expect(reference('essay-1')).toContain(term);
  });
});
