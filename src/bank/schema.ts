import { z } from 'zod';

/**
 * The bank format, documented for authors in data/README.md. Field names are a contract with the
 * importers, the tests and teachers' existing files: add fields, never rename them.
 */

export const QuestionIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-" (no spaces)');

export const OptionKeySchema = z.string().regex(/^[A-Z]$/, 'an option key is one capital letter A–Z');

export const OptionSchema = z.object({
  key: OptionKeySchema,
  text: z.string().min(1),
  /**
   * Moodle-style credit for this option, -1..1. `multi` scored by `fraction`: added up over the ticked
   * options. `choice`: the share of the points the option earns when picked (several options may be
   * worth 1; a negative fraction scores 0, see data/README.md); an option without one earns 1 when it
   * is the `answer` and 0 otherwise.
   */
  fraction: z.number().min(-1).max(1).optional(),
});
export type Option = z.infer<typeof OptionSchema>;

export const DifficultySchema = z.enum(['easy', 'medium', 'hard']);
export type Difficulty = z.infer<typeof DifficultySchema>;

/** `draft` questions (e.g. imported without an answer key) are validated but never served. */
export const QuestionStatusSchema = z.enum(['ready', 'draft']);

/**
 * A draft may leave its answer-bearing fields empty instead of inventing a key: choice `answer` "",
 * multi `answer` [], a blank's `accept` [], short/essay `reference` "" and `rubric` []. The TypeScript
 * types are unchanged (the empty values are of the same types); `requireAnswersUnlessDraft` rejects
 * them on every question that is not a draft, so a served question always has its key.
 */
export const DRAFT_EMPTY_CHOICE_ANSWER = '';

const questionBase = {
  id: QuestionIdSchema,
  stem: z.string().min(1),
  points: z.number().positive(),
  analysis: z.string(),
  topic: z.string().min(1).optional(),
  difficulty: DifficultySchema.optional(),
  status: QuestionStatusSchema.optional(),
};

export const ChoiceQuestionSchema = z.object({
  ...questionBase,
  type: z.literal('choice'),
  options: z.array(OptionSchema).min(2),
  answer: z.union([OptionKeySchema, z.literal(DRAFT_EMPTY_CHOICE_ANSWER)]),
});

export const MultiScoringSchema = z.enum(['exam', 'fraction']);

export const MultiQuestionSchema = z.object({
  ...questionBase,
  type: z.literal('multi'),
  options: z.array(OptionSchema).min(2),
  /** At least one key unless the question is a draft (see `requireAnswersUnlessDraft`). */
  answer: z.array(OptionKeySchema),
  /**
   * `exam`: all right → full points; a strict subset with no wrong key → `partialCredit` of the points;
   * any wrong key → 0 (少选得部分分、错选不得分). `fraction`: sum of the ticked options' fractions, clamped to 0..1.
   */
  scoring: MultiScoringSchema.default('exam'),
  /** Share of the points for a correct strict subset under `exam` scoring. */
  partialCredit: z.number().min(0).max(1).default(0.5),
});

export const TrueFalseQuestionSchema = z.object({
  ...questionBase,
  type: z.literal('truefalse'),
  answer: z.boolean(),
});

/** `absolute`: ± value; `relative`: ± value × |answer|; `geometric`: answer ÷ or × (1 + value) (Moodle's three kinds). */
export const ToleranceSchema = z.object({
  kind: z.enum(['absolute', 'relative', 'geometric']),
  value: z.number().nonnegative(),
});
export type Tolerance = z.infer<typeof ToleranceSchema>;

/** A share of the points, above 0 and at most 1, earned by an accepted answer that is not fully right. */
export const AnswerFractionSchema = z.number().gt(0).max(1);

/** Another value that earns credit (Moodle's numerical answers beyond the first), e.g. a less precise one worth half. */
export const NumericAlternativeSchema = z.object({
  answer: z.number(),
  tolerance: ToleranceSchema.default({ kind: 'absolute', value: 0 }),
  fraction: AnswerFractionSchema.default(1),
});
export type NumericAlternative = z.infer<typeof NumericAlternativeSchema>;

/** A unit the answer may be given in: `{ "unit": "cm", "multiplier": 100 }` means 1 of `unit` (the key's) is 100 cm. */
export const NumericUnitSchema = z.object({
  unit: z.string().min(1),
  multiplier: z.number().positive(),
});

/**
 * Moodle's unit grading: an answer whose value is right but whose unit is missing, unknown or wrong
 * loses `penalty`, as a share of what it earned (`of: "mark"`) or of the whole question (`of: "max"`).
 * Without it, units are optional and an unknown unit makes the answer unreadable (asked again).
 */
export const UnitPenaltySchema = z.object({
  penalty: z.number().min(0).max(1),
  of: z.enum(['mark', 'max']).default('mark'),
});

export const NumericQuestionSchema = z.object({
  ...questionBase,
  type: z.literal('numeric'),
  answer: z.number(),
  tolerance: ToleranceSchema.default({ kind: 'absolute', value: 0 }),
  /** The key's unit (multiplier 1). */
  unit: z.string().min(1).optional(),
  /** Other units accepted, each with its multiplier relative to `unit`. */
  units: z.array(NumericUnitSchema).optional(),
  unitPenalty: UnitPenaltySchema.optional(),
  /** Further values with their own tolerance and share of the points; the best match counts. */
  alternatives: z.array(NumericAlternativeSchema).optional(),
});

/**
 * An accepted answer: its text (worth the whole blank), or `{ "text": …, "fraction": 0.5 }` for an
 * answer worth part of it (Moodle's 50% short answers). In the text `*` matches any run of characters;
 * `\*` is a literal asterisk.
 */
export const AcceptedAnswerSchema = z.union([
  z.string().min(1),
  z.object({ text: z.string().min(1), fraction: AnswerFractionSchema.default(1) }),
]);
export type AcceptedAnswer = z.infer<typeof AcceptedAnswerSchema>;

export function acceptedText(entry: AcceptedAnswer | z.input<typeof AcceptedAnswerSchema>): string {
  return typeof entry === 'string' ? entry : entry.text;
}

export function acceptedFraction(entry: AcceptedAnswer | z.input<typeof AcceptedAnswerSchema>): number {
  return typeof entry === 'string' ? 1 : (entry.fraction ?? 1);
}

export const BlankSchema = z.object({
  /** Accepted answers, fully or partly right. At least one unless the question is a draft. */
  accept: z.array(AcceptedAnswerSchema),
  points: z.number().nonnegative().optional(),
});
export type Blank = z.infer<typeof BlankSchema>;

export const BlankQuestionSchema = z.object({
  ...questionBase,
  type: z.literal('blank'),
  blanks: z.array(BlankSchema).min(1),
  /** Groups of 0-based blank indexes whose answers may come in any order. */
  unordered: z.array(z.array(z.number().int().nonnegative()).min(2)).optional(),
});

/**
 * A term and what it means, for a point that pairs them (e.g. 剪枝 → 移除参数): the fallback grader
 * gives the point nothing when the answer attaches this meaning to another pair's term. `term` and
 * each `meaning` entry may list synonyms as `a|b`.
 */
export const TermPairSchema = z.object({
  term: z.string().trim().min(1),
  meaning: z.array(z.string().trim().min(1)).min(1),
});
export type TermPair = z.infer<typeof TermPairSchema>;

export const RubricPointSchema = z.object({
  point: z.string().min(1),
  points: z.number().positive(),
  keywords: z.array(z.string().min(1)).optional(),
  /** Two or more term/meaning pairs the point checks are not swapped. */
  pairs: z.array(TermPairSchema).min(2).optional(),
});
export type RubricPoint = z.infer<typeof RubricPointSchema>;

const freeTextFields = {
  /** Non-empty unless the question is a draft. */
  reference: z.string(),
  /** At least one point unless the question is a draft. */
  rubric: z.array(RubricPointSchema),
  maxLength: z.number().int().positive().optional(),
};

export const ShortQuestionSchema = z.object({ ...questionBase, type: z.literal('short'), ...freeTextFields });
export const EssayQuestionSchema = z.object({ ...questionBase, type: z.literal('essay'), ...freeTextFields });

type AnswerBearing =
  | { type: 'choice'; answer: string }
  | { type: 'multi'; answer: string[] }
  | { type: 'blank'; blanks: Array<{ accept: unknown[] }> }
  | { type: 'short' | 'essay'; reference: string; rubric: unknown[] }
  | { type: 'truefalse' | 'numeric' };

/** The answer-bearing fields a question leaves empty, as [path, message]; only drafts may have any. */
export function findMissingAnswers(question: AnswerBearing): Array<[Array<string | number>, string]> {
  const missing: Array<[Array<string | number>, string]> = [];
  switch (question.type) {
    case 'choice':
      if (question.answer === DRAFT_EMPTY_CHOICE_ANSWER) missing.push([['answer'], 'no answer key']);
      break;
    case 'multi':
      if (question.answer.length === 0) missing.push([['answer'], 'no answer key']);
      break;
    case 'blank':
      question.blanks.forEach((blank, index) => {
        if (blank.accept.length === 0) missing.push([['blanks', index, 'accept'], 'no accepted answer']);
      });
      break;
    case 'short':
    case 'essay':
      if (question.reference.trim() === '') missing.push([['reference'], 'no reference answer']);
      if (question.rubric.length === 0) missing.push([['rubric'], 'no marking points']);
      break;
    default:
      break;
  }
  return missing;
}

export const QuestionSchema = z
  .discriminatedUnion('type', [
    ChoiceQuestionSchema,
    MultiQuestionSchema,
    TrueFalseQuestionSchema,
    NumericQuestionSchema,
    BlankQuestionSchema,
    ShortQuestionSchema,
    EssayQuestionSchema,
  ])
  .superRefine(function requireAnswersUnlessDraft(question, ctx) {
    if (question.status === 'draft') return;
    for (const [path, message] of findMissingAnswers(question)) {
      ctx.addIssue({ code: 'custom', path, message: `${message}: only a question with "status": "draft" may leave it empty` });
    }
  });

export type ChoiceQuestion = z.infer<typeof ChoiceQuestionSchema>;
export type MultiQuestion = z.infer<typeof MultiQuestionSchema>;
export type TrueFalseQuestion = z.infer<typeof TrueFalseQuestionSchema>;
export type NumericQuestion = z.infer<typeof NumericQuestionSchema>;
export type BlankQuestion = z.infer<typeof BlankQuestionSchema>;
export type ShortQuestion = z.infer<typeof ShortQuestionSchema>;
export type EssayQuestion = z.infer<typeof EssayQuestionSchema>;
export type Question = z.infer<typeof QuestionSchema>;
export type QuestionType = Question['type'];
export type FreeTextQuestion = ShortQuestion | EssayQuestion;

export const QUESTION_TYPES = ['choice', 'multi', 'truefalse', 'numeric', 'blank', 'short', 'essay'] as const satisfies readonly QuestionType[];
export const OBJECTIVE_TYPES = ['choice', 'multi', 'truefalse', 'numeric', 'blank'] as const satisfies readonly QuestionType[];

export function isFreeText(question: Question): question is FreeTextQuestion {
  return question.type === 'short' || question.type === 'essay';
}

export const SectionSchema = z.object({
  title: z.string().min(1),
  questionIds: z.array(QuestionIdSchema).min(1),
  /** Points each question of the section is worth, as the paper states it (每题3分). */
  pointsEach: z.number().positive().optional(),
});
export type Section = z.infer<typeof SectionSchema>;

/**
 * Where a paper section's questions come from: the listed questions, or questions drawn at random from
 * the bank's servable ones of a topic and/or type (`count` omitted: all of them), served in bank order.
 */
export const PaperDrawSchema = z.object({
  count: z.number().int().positive().optional(),
  topic: z.string().min(1).optional(),
  type: z.enum(QUESTION_TYPES).optional(),
});
export type PaperDraw = z.infer<typeof PaperDrawSchema>;

export const PaperSectionSchema = z
  .object({
    title: z.string().min(1),
    questionIds: z.array(QuestionIdSchema).min(1).optional(),
    draw: PaperDrawSchema.optional(),
    /** Points each question of the section is worth on this paper; default the question's own points. */
    pointsEach: z.number().positive().optional(),
  })
  .superRefine(function requireOneSource(section, ctx) {
    if ((section.questionIds === undefined) === (section.draw === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['questionIds'], message: 'give either "questionIds" or "draw" (not both, not neither)' });
    }
  });
export type PaperSection = z.infer<typeof PaperSectionSchema>;

/** An exam paper (试卷) a learner can sit under a time limit: `/exam` and `tutor exam`. */
export const PaperSchema = z.object({
  id: QuestionIdSchema,
  title: z.string().min(1),
  /** 1 to 600 minutes. */
  timeLimitMinutes: z.number().int().min(1).max(600),
  description: z.string().optional(),
  sections: z.array(PaperSectionSchema).min(1),
});
export type Paper = z.infer<typeof PaperSchema>;

export const BankSchema = z.object({
  id: QuestionIdSchema,
  title: z.string().min(1),
  /** BCP 47 tag, e.g. zh-CN or en-US: the language questions, analyses and default feedback are in. */
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 tag such as zh-CN or en-US'),
  source: z.string().min(1),
  description: z.string().optional(),
  sections: z.array(SectionSchema).optional(),
  questions: z.array(QuestionSchema).min(1),
  /** Exam papers drawn from this bank; without any, an exam uses `sections` as they are. */
  papers: z.array(PaperSchema).optional(),
});
export type Bank = z.infer<typeof BankSchema>;
/** What an author writes before defaults are applied (e.g. `scoring` may be left out). */
export type BankInput = z.input<typeof BankSchema>;
