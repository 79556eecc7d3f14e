import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadBankFile } from '../bank/load.ts';
import type { Bank, Question } from '../bank/schema.ts';
import { formatProblem } from '../bank/validate.ts';
import { UserError } from '../errors.ts';
import type { GradeResult, PartVerdict } from '../grading/types.ts';
import type { BankService } from '../services/banks.ts';
import { renderFeedbackText } from '../tutor/render-text.ts';
import { createCliApp } from './app.ts';
import { displayPath } from './bank-check.ts';
import type { CliCommand, CliIo } from './types.ts';

export interface GradeCliRequest {
  /** A bank id from the banks folder, or the path of a bank file (ending in `.json`). */
  bank: string;
  question: string;
  /** One per `--answer`: one per blank, or a single string split like a typed answer. */
  answers: string[];
}

export interface GradeCliTarget {
  bank: Bank;
  question: Question;
}

/** Finds the bank and question `tutor grade` names, or throws a UserError saying what exists. */
export async function findGradeTarget(io: CliIo, banks: BankService, request: Pick<GradeCliRequest, 'bank' | 'question'>): Promise<GradeCliTarget> {
  const bank = request.bank.toLowerCase().endsWith('.json') ? await loadBankFromPath(io, request.bank) : banks.require(request.bank);
  const question = bank.questions.find((candidate) => candidate.id === request.question);
  if (!question) {
    const ids = bank.questions.map((candidate) => candidate.id).join(', ');
    throw new UserError('unknown-question', `Bank "${bank.id}" has no question "${request.question}". Questions: ${ids}.`, {
      bankId: bank.id,
      questionId: request.question,
    });
  }
  if (question.status === 'draft') {
    throw new UserError('draft-question', `Question "${question.id}" is a draft: complete its answer key and remove "status": "draft" first.`, {
      questionId: question.id,
    });
  }
  return { bank, question };
}

async function loadBankFromPath(io: CliIo, file: string): Promise<Bank> {
  const result = await loadBankFile(path.resolve(io.cwd, file));
  if (result.bank) return result.bank;
  const lines = result.problems
    .filter((problem) => problem.severity === 'error')
    .map((problem) => formatProblem({ ...problem, file: displayPath(io, problem.file) }));
  throw new UserError('invalid-bank', `The bank file cannot be used:\n${lines.join('\n')}`, { file });
}

function formatScore(value: number): string {
  return String(value);
}

function partLine(part: PartVerdict): string {
  const given = part.given ?? '(no answer)';
  const expected = part.verdict === 'correct' || part.expected === undefined ? '' : `  expected: ${part.expected}`;
  return `  ${part.part.padEnd(3)} ${part.verdict.padEnd(7)} ${given}  ${formatScore(part.score)}/${formatScore(part.maxScore)}${expected}`;
}

/** What `tutor grade` prints without `--json`: the verdict and score first, then each part, then the key. */
export function renderGradeResult(question: Question, result: GradeResult): string {
  const outOf = `${formatScore(result.score)}/${formatScore(result.maxScore)} points`;
  switch (result.status) {
    case 'invalid':
      return `Not graded (${result.reason.code}): ${result.reason.message}\n`;
    case 'needs-feedback':
      return `Needs feedback: ${question.type} answers are graded by the tutor against the rubric (${question.type === 'short' || question.type === 'essay' ? question.rubric.length : 0} marking points), not by this command. ${outOf} for now.\n`;
    case 'graded': {
      const verdict = result.correct ? 'Correct' : result.score > 0 ? 'Partly right' : 'Wrong';
      const lines = [`${verdict}: ${outOf}`];
      const detailed = question.type === 'blank' || question.type === 'multi';
      if (detailed) lines.push(...result.parts.map(partLine));
      lines.push(`Your answer: ${result.normalizedAnswer}`, `Expected: ${result.expected}`);
      return `${lines.join('\n')}\n`;
    }
    default:
      return '';
  }
}

export const gradeCommand: CliCommand = {
  path: ['grade'],
  usage: 'grade --bank <bank-id> --question <question-id> --answer <text> [--answer <text>…] [--locale <tag>] [--json]',
  summary: 'Grade one answer against a bank key, as the bot would (one --answer per blank)',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        bank: { type: 'string' },
        question: { type: 'string' },
        answer: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        locale: { type: 'string' },
      },
    });
    const missing = (['bank', 'question', 'answer'] as const).filter((name) => values[name] === undefined).map((name) => `--${name}`);
    if (missing.length > 0) {
      io.stderr.write(`Missing ${missing.join(', ')}.\nUsage: tutor ${gradeCommand.usage}\n`);
      return 2;
    }
    const request: GradeCliRequest = { bank: values.bank as string, question: values.question as string, answers: values.answer ?? [] };
    // Run by the operator: no learner's budget is spent, nothing is stored but the LLM call in usage.
    const app = await createCliApp(io, { enforceBudgets: false, promptsOnFirstUse: true });
    try {
      const { bank, question } = await findGradeTarget(io, app.banks, request);
      const { result, feedback } = await app.grading.gradeOne({
        bank,
        question,
        answers: request.answers,
        userId: 'cli',
        ...(values.locale ? { locale: values.locale } : {}),
      });
      if (feedback) {
        io.stdout.write(values.json ? `${JSON.stringify({ ...result, score: feedback.score, feedback }, null, 2)}\n` : renderFeedbackText(feedback));
        return 0;
      }
      io.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : renderGradeResult(question, result));
      return 0;
    } finally {
      app.close();
    }
  },
};
