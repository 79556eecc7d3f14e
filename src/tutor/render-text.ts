import type { FreeTextFeedback } from './types.ts';

function points(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/0+$/, '');
}

const MARK: Record<FreeTextFeedback['rubric'][number]['verdict'], string> = { met: '[met]    ', partial: '[partial]', missed: '[missed] ' };

/** Feedback as plain text for the terminal (`tutor grade`, `tutor practice`, `tutor regrade`). */
export function renderFeedbackText(feedback: FreeTextFeedback): string {
  const by = feedback.gradedBy === 'llm' ? `AI feedback (${feedback.model ?? 'LLM'}, ${feedback.promptVersion ?? 'prompt'})` : 'Provisional score (keyword coverage, not AI)';
  const lines = [`${points(feedback.score)}/${points(feedback.maxScore)} points: ${by}`];
  if (feedback.status === 'flagged') lines.push('Flagged for review: the answer looks like it tries to instruct the grader.');
  if (feedback.note && feedback.note !== 'cached') lines.push(`Note: ${feedback.note}`);
  lines.push('', 'Rubric:');
  for (const point of feedback.rubric) {
    lines.push(`  ${MARK[point.verdict]} ${points(point.score)}/${points(point.maxScore)}  ${point.point}`);
    if (point.evidence) lines.push(`             "${point.evidence}"`);
  }
  if (feedback.strengths.length) lines.push('', 'Strengths:', ...feedback.strengths.map((item) => `  - ${item}`));
  if (feedback.improvements.length) lines.push('', 'To improve:', ...feedback.improvements.map((item) => `  - ${item}`));
  if (feedback.explanation) lines.push('', feedback.explanation);
  if (feedback.usage && feedback.usage.inputTokens + feedback.usage.outputTokens > 0) {
    lines.push('', `Tokens: ${feedback.usage.inputTokens} in, ${feedback.usage.outputTokens} out${feedback.latencyMs !== undefined ? `, ${feedback.latencyMs} ms` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
