import { countStemBlanks } from '../grading/blank.ts';
import { normalizeForMatch, splitAcceptPattern } from '../grading/normalize.ts';
import { drawCandidates } from './papers.ts';
import { acceptedFraction, acceptedText, findMissingAnswers, type Bank, type BlankQuestion, type MultiQuestion, type Question } from './schema.ts';

/** One thing wrong with a bank file. Errors keep the bank from loading; warnings do not. */
export interface BankProblem {
  /** The file as the user named it (or as found in the banks folder). */
  file: string;
  /** The question the problem is in; absent for bank-level problems. */
  questionId?: string;
  /** The field, relative to the question when there is one: `answer`, `blanks[1].accept[0]`, `sections[0].questionIds[2]`. */
  field: string;
  message: string;
  severity: 'error' | 'warning';
}

/** `file › question id › field: message`, the line `tutor bank check` prints; warnings say so first. */
export function formatProblem(problem: BankProblem): string {
  const where = [problem.file, problem.questionId, problem.field].filter((part) => part !== undefined && part !== '').join(' › ');
  return `${problem.severity === 'warning' ? 'warning: ' : ''}${where}: ${problem.message}`;
}

export function hasErrors(problems: readonly BankProblem[]): boolean {
  return problems.some((problem) => problem.severity === 'error');
}

/** Points are decimals like 0.5 or 1.5; a sum is equal when it is within a rounding hair. */
function samePoints(a: number, b: number): boolean {
  return Math.abs(a - b) < 1e-6;
}

function formatPoints(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

const pointsWord = (value: number) => `${formatPoints(value)} point${value === 1 ? '' : 's'}`;

/**
 * The checks the schema cannot express: cross-field and cross-question rules. Assumes `bank` passed
 * `BankSchema`. Returns every problem found, in file order.
 */
export function validateBank(bank: Bank, file: string): BankProblem[] {
  const problems: BankProblem[] = [];
  const report = (severity: BankProblem['severity'], questionId: string | undefined, field: string, message: string) => {
    problems.push({ file, ...(questionId === undefined ? {} : { questionId }), field, message, severity });
  };

  const firstIndex = new Map<string, number>();
  bank.questions.forEach((question, index) => {
    const earlier = firstIndex.get(question.id);
    if (earlier !== undefined) report('error', question.id, 'id', `duplicate question id (also questions[${earlier}])`);
    else firstIndex.set(question.id, index);
    validateQuestion(question, (severity, field, message) => report(severity, question.id, field, message));
  });

  validateSections(bank, firstIndex, report);
  validatePapers(bank, firstIndex, report);
  return problems;
}

type QuestionReport = (severity: BankProblem['severity'], field: string, message: string) => void;

function validateQuestion(question: Question, report: QuestionReport): void {
  const isDraft = question.status === 'draft';
  if (isDraft) {
    const missing = findMissingAnswers(question).map(([path, what]) => `${path.join('.').replace(/\.(\d+)/g, '[$1]')}: ${what}`);
    const detail = missing.length > 0 ? ` (${missing.join('; ')})` : '';
    report('warning', 'status', `draft${detail}: not served until it is completed and marked ready`);
  } else if (question.analysis.trim() === '') {
    report('error', 'analysis', 'empty: explain the answer (only a draft may leave it empty)');
  }

  switch (question.type) {
    case 'choice':
    case 'multi':
      validateOptions(question, report);
      break;
    case 'blank':
      validateBlanks(question, report);
      break;
    case 'numeric':
      validateNumeric(question, report);
      break;
    case 'short':
    case 'essay': {
      if (question.rubric.length === 0) break;
      const sum = question.rubric.reduce((total, point) => total + point.points, 0);
      if (!samePoints(sum, question.points)) {
        report('error', 'rubric', `the rubric points add up to ${formatPoints(sum)} but the question is worth ${pointsWord(question.points)}`);
      }
      break;
    }
    default:
      break;
  }
}

function validateOptions(question: Question & { type: 'choice' | 'multi' }, report: QuestionReport): void {
  const keys = new Set<string>();
  const texts = new Map<string, number>();
  question.options.forEach((option, index) => {
    if (keys.has(option.key)) report('error', `options[${index}].key`, `duplicate option key "${option.key}"`);
    keys.add(option.key);
    // Learners may answer with the option text; two options with the same text cannot be told apart.
    const text = normalizeForMatch(option.text);
    const earlier = texts.get(text);
    if (earlier !== undefined) report('warning', `options[${index}].text`, `the same text as options[${earlier}]`);
    else texts.set(text, index);
  });
  const keyList = [...keys].join(', ');
  const answers = question.type === 'choice' ? (question.answer === '' ? [] : [question.answer]) : question.answer;
  const seen = new Set<string>();
  answers.forEach((answer, index) => {
    const field = question.type === 'choice' ? 'answer' : `answer[${index}]`;
    if (!keys.has(answer)) report('error', field, `"${answer}" is not one of the options (${keyList})`);
    if (seen.has(answer)) report('error', field, `"${answer}" is listed twice`);
    seen.add(answer);
  });
  if (question.type === 'multi' && question.scoring === 'fraction') validateFractions(question, report);
  if (question.type === 'choice' && question.options.some((option) => option.fraction !== undefined)) {
    const keyed = question.options.find((option) => option.key === question.answer);
    if (keyed && keyed.fraction !== undefined && keyed.fraction !== 1) {
      report('error', 'answer', `"${question.answer}" has fraction ${keyed.fraction}: the answer must be an option worth 1 (the whole question)`);
    }
  }
}

function validateNumeric(question: Question & { type: 'numeric' }, report: QuestionReport): void {
  if (question.tolerance.kind === 'relative' && question.answer === 0 && question.tolerance.value > 0) {
    report('warning', 'tolerance', 'a relative tolerance around an answer of 0 accepts only 0 exactly; use an absolute tolerance');
  }
  const seen = new Map<string, string>();
  if (question.unit) seen.set(normalizeForMatch(question.unit), 'unit');
  (question.units ?? []).forEach((entry, index) => {
    const field = `units[${index}]`;
    if (!question.unit) report('error', field, 'other units need "unit", the key\'s own unit, to convert from');
    const key = normalizeForMatch(entry.unit);
    const earlier = seen.get(key);
    if (earlier !== undefined) report('error', `${field}.unit`, `"${entry.unit}" is already listed (${earlier})`);
    else seen.set(key, field);
  });
  if (question.unitPenalty && !question.unit) report('error', 'unitPenalty', 'a unit penalty needs "unit"');
}

/**
 * Moodle's rule needs a fraction on every option (a wrong option without one would cost nothing, so
 * ticking everything would pay), right fractions that reach 1, and an `answer` that agrees with them.
 */
function validateFractions(question: MultiQuestion, report: QuestionReport): void {
  let positive = 0;
  question.options.forEach((option, index) => {
    if (option.fraction === undefined) {
      report('error', `options[${index}].fraction`, 'required when "scoring" is "fraction" (a number from -1 to 1)');
      return;
    }
    if (option.fraction > 0) positive += option.fraction;
  });
  if (question.options.some((option) => option.fraction === undefined)) return;
  if (!samePoints(positive, 1)) {
    report('error', 'options', `the positive fractions add up to ${formatPoints(positive)}; they must add up to 1 so that a full answer earns full points`);
  }
  const right = question.options.filter((option) => (option.fraction ?? 0) > 0).map((option) => option.key);
  const answer = new Set(question.answer);
  if (question.answer.length > 0 && (right.length !== answer.size || right.some((key) => !answer.has(key)))) {
    report('error', 'answer', `must list exactly the options with a positive fraction (${right.join(', ') || 'none'})`);
  }
}

function validateBlanks(question: BlankQuestion, report: QuestionReport): void {
  const inStem = countStemBlanks(question.stem);
  const listed = question.blanks.length;
  if (inStem !== listed) {
    report(
      'error',
      'blanks',
      `the stem has ${inStem} blank${inStem === 1 ? '' : 's'} (runs of underscores such as ______) but "blanks" lists ${listed}`,
    );
  }

  question.blanks.forEach((blank, blankIndex) => {
    blank.accept.forEach((entry, acceptIndex) => {
      const field = `blanks[${blankIndex}].accept[${acceptIndex}]`;
      const accepted = acceptedText(entry);
      const literal = splitAcceptPattern(accepted).join('');
      if (literal.trim() === '') report('warning', field, `"${accepted}" accepts any answer`);
      else if (normalizeForMatch(literal) === '') {
        report('error', field, `"${accepted}" is empty once spaces and punctuation are removed, so no answer can match it`);
      } else if (/[;；|｜\n]/u.test(accepted)) {
        report('warning', field, `"${accepted}" holds a blank separator (; | or a new line), so a typed answer is split there and never matches it`);
      }
    });
  });

  if (question.status !== 'draft') {
    question.blanks.forEach((blank, blankIndex) => {
      if (blank.accept.length > 0 && !blank.accept.some((entry) => acceptedFraction(entry) >= 1)) {
        report('error', `blanks[${blankIndex}].accept`, 'no accepted answer is fully right (every entry has a fraction below 1)');
      }
    });
  }

  const withPoints = question.blanks.filter((blank) => blank.points !== undefined);
  const given = withPoints.reduce((sum, blank) => sum + (blank.points ?? 0), 0);
  if (withPoints.length === listed && !samePoints(given, question.points)) {
    report('error', 'blanks', `the blank points add up to ${formatPoints(given)} but the question is worth ${pointsWord(question.points)}`);
  } else if (withPoints.length > 0 && withPoints.length < listed && given > question.points + 1e-6) {
    report('error', 'blanks', `the blank points add up to ${formatPoints(given)}, more than the question's ${pointsWord(question.points)}`);
  }

  const grouped = new Map<number, number>();
  (question.unordered ?? []).forEach((group, groupIndex) => {
    group.forEach((blankIndex, at) => {
      const field = `unordered[${groupIndex}][${at}]`;
      if (blankIndex >= listed) {
        report('error', field, `blank index ${blankIndex} does not exist (blanks are counted from 0 to ${listed - 1})`);
        return;
      }
      const earlier = grouped.get(blankIndex);
      if (earlier !== undefined) report('error', field, `blank index ${blankIndex} is already in unordered[${earlier}]`);
      else grouped.set(blankIndex, groupIndex);
    });
  });
}

function validateSections(
  bank: Bank,
  questionIndex: Map<string, number>,
  report: (severity: BankProblem['severity'], questionId: string | undefined, field: string, message: string) => void,
): void {
  const sectionOf = new Map<string, number>();
  (bank.sections ?? []).forEach((section, sectionIndex) => {
    section.questionIds.forEach((questionId, at) => {
      const field = `sections[${sectionIndex}].questionIds[${at}]`;
      const index = questionIndex.get(questionId);
      if (index === undefined) {
        report('error', undefined, field, `no question has the id "${questionId}"`);
        return;
      }
      const earlier = sectionOf.get(questionId);
      if (earlier !== undefined) {
        report('error', undefined, field, `"${questionId}" is already in sections[${earlier}]`);
        return;
      }
      sectionOf.set(questionId, sectionIndex);
      const question = bank.questions[index];
      if (question && section.pointsEach !== undefined && !samePoints(question.points, section.pointsEach)) {
        report(
          'error',
          questionId,
          'points',
          `${pointsWord(question.points)}, but its section "${section.title}" gives ${pointsWord(section.pointsEach)} each`,
        );
      }
    });
  });
}

/** Paper ids unique; listed questions exist, are served (not drafts) and appear once per paper; draws can be met. */
function validatePapers(
  bank: Bank,
  questionIndex: Map<string, number>,
  report: (severity: BankProblem['severity'], questionId: string | undefined, field: string, message: string) => void,
): void {
  const paperIds = new Map<string, number>();
  (bank.papers ?? []).forEach((paper, paperIndex) => {
    const at = `papers[${paperIndex}]`;
    const earlier = paperIds.get(paper.id);
    if (earlier !== undefined) report('error', undefined, `${at}.id`, `duplicate paper id "${paper.id}" (also papers[${earlier}])`);
    else paperIds.set(paper.id, paperIndex);
    const listed = new Map<string, string>();
    paper.sections.forEach((section, sectionIndex) => {
      (section.questionIds ?? []).forEach((questionId, position) => {
        const field = `${at}.sections[${sectionIndex}].questionIds[${position}]`;
        const index = questionIndex.get(questionId);
        if (index === undefined) return report('error', undefined, field, `no question has the id "${questionId}"`);
        if (bank.questions[index]?.status === 'draft') return report('error', questionId, field, 'a draft question cannot be on a paper');
        const where = listed.get(questionId);
        if (where !== undefined) return report('error', questionId, field, `already on this paper (${where})`);
        listed.set(questionId, field);
      });
    });
    paper.sections.forEach((section, sectionIndex) => {
      if (!section.draw) return;
      const field = `${at}.sections[${sectionIndex}].draw`;
      // Listed questions are not drawn again, so a draw counts only what the paper does not list.
      const available = drawCandidates(bank, section.draw).filter((question) => !listed.has(question.id)).length;
      const wanted = section.draw.count ?? available;
      if (available === 0) report('error', undefined, field, 'no servable question matches this topic/type');
      else if (wanted > available) report('error', undefined, `${field}.count`, `draws ${wanted} questions but only ${available} match`);
    });
  });
}
