import { t } from '../messages/catalog.ts';
import { formatFraction, formatPoints } from '../messages/format.ts';
import type { FreeTextFeedback } from '../tutor/types.ts';

const MARK: Record<FreeTextFeedback['rubric'][number]['verdict'], string> = { met: '[met]    ', partial: '[partial]', missed: '[missed] ' };

/** Feedback as plain text for the operator's terminal (`tutor grade`). */
export function renderFeedbackText(feedback: FreeTextFeedback, locale = 'en-US'): string {
  const score = formatPoints(feedback.score);
  const lines = [
    feedback.gradedBy === 'llm'
      ? t(locale, 'feedbackText.byLlm', { score, max: feedback.maxScore, model: feedback.model ?? 'LLM', prompt: feedback.promptVersion ?? 'prompt' })
      : t(locale, 'feedbackText.byFallback', { score, max: feedback.maxScore }),
  ];
  if (feedback.status === 'flagged') lines.push(t(locale, 'feedbackText.flagged'));
  if (feedback.note && feedback.note !== 'cached') lines.push(t(locale, 'feedbackText.note', { note: feedback.note }));
  lines.push('', t(locale, 'feedbackText.rubric'));
  for (const point of feedback.rubric) {
    lines.push(`  ${MARK[point.verdict]} ${formatFraction(point.score, point.maxScore)}  ${point.point}`);
    if (point.evidence) lines.push(`             "${point.evidence}"`);
  }
  if (feedback.strengths.length) lines.push('', `${t(locale, 'practice.strengths')}:`, ...feedback.strengths.map((item) => `  - ${item}`));
  if (feedback.improvements.length) lines.push('', `${t(locale, 'practice.improvements')}:`, ...feedback.improvements.map((item) => `  - ${item}`));
  if (feedback.explanation) lines.push('', feedback.explanation);
  if (feedback.usage && feedback.usage.inputTokens + feedback.usage.outputTokens > 0) {
    const tokens = { input: feedback.usage.inputTokens, output: feedback.usage.outputTokens };
    lines.push('', feedback.latencyMs !== undefined ? t(locale, 'feedbackText.tokensLatency', { ...tokens, latency: feedback.latencyMs }) : t(locale, 'feedbackText.tokens', tokens));
  }
  return `${lines.join('\n')}\n`;
}
