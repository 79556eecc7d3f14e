import type { Tutor } from '../types.ts';
import type { EvalDataset, EvalItem } from './datasets.ts';
import { adjacentAgreement, exactAgreement, pearson, quadraticWeightedKappa } from './metrics.ts';

export interface EvalReport {
  dataset: string;
  format: string;
  /** `fallback`, or `llm` (some answers may still have fallen back: see `notes`). */
  grader: string;
  n: number;
  /** What the agreement is measured on: `0..N points` or `correct label (bot: score ≥ 50%)`. */
  scale: string;
  pearson: number | null;
  qwk: number | null;
  exact: number | null;
  /** Within one point (score datasets only). */
  adjacent: number | null;
  meanHuman: number;
  meanBot: number;
  gradedBy: { llm: number; fallback: number };
  /** How many answers carried each tutor note (why an answer fell back or was flagged). */
  notes: Record<string, number>;
  tokens: { input: number; output: number; perAnswer: number };
  elapsedMs: number;
}

/** Every answer when `limit` is absent, else `limit` answers spread evenly over the file. */
export function sampleItems(items: readonly EvalItem[], limit?: number): EvalItem[] {
  if (!limit || limit >= items.length) return [...items];
  const step = items.length / limit;
  return Array.from({ length: limit }, (_, index) => items[Math.floor(index * step)]!);
}

function round(value: number | null, digits = 3): number | null {
  return value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;
}

/**
 * Grades every answer with the tutor (as user `eval`, no guild) and compares with the human scores.
 * Score datasets: the question is worth the human scale's maximum, so scores compare directly; QWK
 * and exact agreement use scores rounded to integers. Label datasets: the bot says `correct` when it
 * gives at least half the points; Pearson is then between its score share and the 0/1 label.
 */
export async function evaluateGrading(dataset: EvalDataset, tutor: Tutor, options: { limit?: number; grader: string }): Promise<EvalReport> {
  const items = sampleItems(dataset.items, options.limit);
  const started = performance.now();
  const bank = { id: `eval-${dataset.name}`, language: dataset.language, title: dataset.name };
  const results = await Promise.all(
    items.map((item) => tutor.gradeFreeText({ bank, question: item.question, answer: item.answer, userId: 'eval' })),
  );
  const elapsedMs = Math.round(performance.now() - started);
  const human = items.map((item) => item.human);
  const notes: Record<string, number> = {};
  const gradedBy = { llm: 0, fallback: 0 };
  let input = 0;
  let output = 0;
  for (const feedback of results) {
    gradedBy[feedback.gradedBy] += 1;
    if (feedback.note) notes[feedback.note] = (notes[feedback.note] ?? 0) + 1;
    input += feedback.usage?.inputTokens ?? 0;
    output += feedback.usage?.outputTokens ?? 0;
  }
  let bot: number[];
  let scale: string;
  let qwk: number | null;
  let adjacent: number | null;
  let correlationInput: number[];
  if (dataset.kind === 'label') {
    const shares = results.map((feedback) => (feedback.maxScore > 0 ? feedback.score / feedback.maxScore : 0));
    bot = shares.map((share) => (share >= 0.5 ? 1 : 0));
    correlationInput = shares;
    scale = 'correct label (bot: score >= 50%)';
    qwk = quadraticWeightedKappa(bot, human, 0, 1);
    adjacent = null;
  } else {
    bot = results.map((feedback) => feedback.score);
    correlationInput = bot;
    const top = Math.round(Math.max(...items.map((item) => item.question.points)));
    scale = `0..${top} points`;
    qwk = quadraticWeightedKappa(bot, human, 0, top);
    adjacent = adjacentAgreement(bot, human);
  }
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
  return {
    dataset: dataset.name,
    format: dataset.format,
    grader: options.grader,
    n: items.length,
    scale,
    pearson: round(pearson(correlationInput, human)),
    qwk: round(qwk),
    exact: round(exactAgreement(bot, human)),
    adjacent: round(adjacent),
    meanHuman: round(mean(human), 2) ?? 0,
    meanBot: round(mean(correlationInput), 2) ?? 0,
    gradedBy,
    notes,
    tokens: { input, output, perAnswer: items.length ? Math.round((input + output) / items.length) : 0 },
    elapsedMs,
  };
}

export function renderEvalReport(report: EvalReport): string {
  const figure = (value: number | null) => (value === null ? 'n/a' : value.toFixed(3));
  const lines = [
    `Dataset: ${report.dataset} (${report.format}), ${report.n} answers, grader: ${report.grader}`,
    `Scale: ${report.scale}; mean human ${report.meanHuman}, mean bot ${report.meanBot}`,
    `Pearson r: ${figure(report.pearson)}`,
    `Quadratic-weighted kappa: ${figure(report.qwk)}`,
    `Exact agreement: ${figure(report.exact)}${report.adjacent !== null ? `   within one point: ${figure(report.adjacent)}` : ''}`,
    `Graded by: llm ${report.gradedBy.llm}, fallback ${report.gradedBy.fallback}` +
      (Object.keys(report.notes).length ? `   notes: ${Object.entries(report.notes).map(([note, count]) => `${note} ${count}`).join(', ')}` : ''),
    `Tokens: ${report.tokens.input} in, ${report.tokens.output} out (${report.tokens.perAnswer} per answer)   time: ${report.elapsedMs} ms`,
  ];
  return `${lines.join('\n')}\n`;
}
