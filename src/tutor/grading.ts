import { z } from 'zod';
import type { FreeTextQuestion } from '../bank/schema.ts';
import { FEEDBACK_LIMITS } from './limits.ts';
import { quoteIsEvidence, roundScore, scaleToQuestion, scoreVerdicts } from './fallback-grader.ts';
import { detectInjection, neutralizeAnswer } from './injection.ts';
import type { ChatMessage } from './llm-client.ts';
import { renderPart, type PromptSet, type PromptTemplate } from './prompts.ts';
import { quoteAppearsIn, truncateText } from './text.ts';
import type { RubricPointVerdict } from './types.ts';

/** The model's reply to a grading prompt. It carries verdicts and quotes, never a score. */
export const GradingReplySchema = z.object({
  points: z.array(
    z.object({
      index: z.number(),
      verdict: z.enum(['met', 'partial', 'missed']),
      quote: z.string(),
    }),
  ),
  strengths: z.array(z.string()),
  improvements: z.array(z.string()),
  explanation: z.string(),
  injection_suspected: z.boolean(),
});
export type GradingReply = z.infer<typeof GradingReplySchema>;

let cachedJsonSchema: Record<string, unknown> | undefined;

/** The JSON schema sent with `json_schema` mode (strict mode wants no `$schema` key); built once. */
export function gradingJsonSchema(): Record<string, unknown> {
  if (!cachedJsonSchema) {
    const { $schema: _ignored, ...schema } = z.toJSONSchema(GradingReplySchema, { target: 'draft-7', io: 'output' }) as Record<string, unknown>;
    cachedJsonSchema = schema;
  }
  return cachedJsonSchema;
}

export function gradingPromptFor(prompts: PromptSet, question: FreeTextQuestion): PromptTemplate {
  return question.type === 'essay' ? prompts['grade-essay'] : prompts['grade-short'];
}

function formatPoints(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/0+$/, '');
}

export function formatRubric(question: FreeTextQuestion): string {
  return question.rubric.map((point, index) => `${index}. [${formatPoints(point.points)} pt] ${point.point}`).join('\n');
}

/**
 * The grading messages: the system rules, then the question material (a prefix that is identical for
 * every answer to the question, so providers' prompt caches apply), then the neutralised answer inside
 * its delimiters, then the output format and language.
 */
export function buildGradingMessages(
  template: PromptTemplate,
  question: FreeTextQuestion,
  answer: string,
  languageName: string,
): ChatMessage[] {
  return [
    { role: 'system', content: renderPart(template, 'system', {}) },
    {
      role: 'user',
      content: renderPart(template, 'user', {
        stem: question.stem,
        reference: question.reference,
        analysis: question.analysis.trim() || '(none)',
        rubric: formatRubric(question),
        pointCount: String(question.rubric.length),
        maxScore: formatPoints(question.points),
        answer: neutralizeAnswer(answer),
        language: languageName,
      }),
    },
  ];
}

/** Parses a reply's text as JSON (a fenced ```json block is accepted) and checks it with the schema. */
export function parseGradingReply(content: string): { ok: true; reply: GradingReply } | { ok: false; error: string } {
  const trimmed = content.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/i, '$1');
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (error) {
    return { ok: false, error: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const parsed = GradingReplySchema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, error: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ') };
  }
  return { ok: true, reply: parsed.data };
}

export interface CheckedVerdicts {
  rubric: RubricPointVerdict[];
  score: number;
  /**
   * Points the model called met/partial whose quote is not evidence (they count as missed): not in the
   * answer, a fragment, itself an instruction to the grader, or sharing no concept with the point.
   */
  unsupportedClaims: number;
  /** Points the model called met/partial, supported or not. */
  claims: number;
}

/**
 * Turns the model's verdicts into scored rubric lines. Guarantees: exactly one line per rubric point
 * (unknown, duplicate or non-integer indexes are ignored; the first entry for a point wins; a point
 * the model skipped is missed); a met/partial counts only when its quote is found in the answer after
 * normalisation, is substantive, is not itself an injection, and shares a concept with the point
 * (`quoteIsEvidence`); otherwise it counts as missed. The score is the sum of met (full) and partial (half) marks,
 * scaled to the question's points, clamped to 0..points and rounded to 2 decimals.
 */
export function checkVerdicts(question: FreeTextQuestion, answer: string, reply: GradingReply): CheckedVerdicts {
  const byIndex = new Map<number, GradingReply['points'][number]>();
  for (const entry of reply.points) {
    if (!Number.isInteger(entry.index) || entry.index < 0 || entry.index >= question.rubric.length) continue;
    if (!byIndex.has(entry.index)) byIndex.set(entry.index, entry);
  }
  let unsupportedClaims = 0;
  let claims = 0;
  const rubric = question.rubric.map((point, index): RubricPointVerdict => {
    const entry = byIndex.get(index);
    let verdict: RubricPointVerdict['verdict'] = entry?.verdict ?? 'missed';
    let evidence = entry?.quote.trim() ?? '';
    if (verdict !== 'missed') {
      claims += 1;
      if (!quoteAppearsIn(evidence, answer) || detectInjection(evidence) !== null || !quoteIsEvidence(evidence, point, question)) {
        unsupportedClaims += 1;
        verdict = 'missed';
      }
    }
    if (verdict === 'missed') evidence = '';
    const score = verdict === 'met' ? point.points : verdict === 'partial' ? point.points / 2 : 0;
    return {
      index,
      point: truncateText(point.point, FEEDBACK_LIMITS.pointChars),
      verdict,
      evidence: truncateText(evidence, FEEDBACK_LIMITS.evidenceChars),
      score: roundScore(score),
      maxScore: point.points,
    };
  });
  const scaled = scaleToQuestion(rubric, question);
  return { rubric: scaled, score: scoreVerdicts(scaled, question.points), unsupportedClaims, claims };
}

/**
 * The second tripwire: a model that claims every rubric point while most of its quotes are made up
 * has probably obeyed the answer rather than graded it.
 */
export function looksLikeObeyedInjection(question: FreeTextQuestion, checked: CheckedVerdicts): boolean {
  const points = question.rubric.length;
  return checked.claims === points && checked.unsupportedClaims > 0 && checked.unsupportedClaims * 2 >= points;
}

/**
 * The cross-check of an LLM grade against the evidence grader: the model awarded much more than the
 * evidence supports when it gives (nearly) full marks, 90 % or more, where the evidence grader finds
 * under a third, or more than 60 % of the marks above the evidence grader's score. Such an attempt is
 * stored as `needs-review` with the evidence grader's provisional score. Half the marks for a terse
 * answer the evidence grader cannot follow is a judgement call, not an anomaly: it stands.
 */
export function exceedsEvidence(llmScore: number, evidenceScore: number, maxScore: number): boolean {
  if (maxScore <= 0) return false;
  return (llmScore >= 0.9 * maxScore && evidenceScore < maxScore / 3) || llmScore - evidenceScore > 0.6 * maxScore;
}

/** Trims the model's prose to fit one embed. */
export function clampFeedbackProse(reply: GradingReply): Pick<GradingReply, 'strengths' | 'improvements' | 'explanation'> {
  const limits = FEEDBACK_LIMITS;
  const list = (items: string[]) =>
    items
      .map((item) => item.trim())
      .filter(Boolean)
      .slice(0, limits.listItems)
      .map((item) => truncateText(item, limits.listItemChars));
  return {
    strengths: list(reply.strengths),
    improvements: list(reply.improvements),
    explanation: truncateText(reply.explanation.trim(), limits.explanationChars),
  };
}
