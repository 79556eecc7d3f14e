import type { QuestionType } from '../bank/schema.ts';

/**
 * The words of `tutor practice` in English and Chinese. Question text stays in the bank's language;
 * only the interface around it follows `--lang`.
 */

export type PracticeLanguage = 'en' | 'zh';

export interface PracticeStrings {
  typeName: Record<QuestionType, string>;
  points(n: number): string;
  questionHeading(index: number, total: number): string;
  intro(bankTitle: string, count: number): string;
  howTo: string;
  hintChoice: string;
  hintMulti: string;
  hintTrueFalse: string;
  hintNumeric(unit: string | undefined): string;
  hintBlank(count: number): string;
  hintFreeText: string;
  invalid(reason: string): string;
  correct: string;
  partly: string;
  wrong: string;
  scoreLine(score: number, maxScore: number): string;
  yourAnswer: string;
  expected: string;
  blank(n: number): string;
  option(key: string): string;
  partVerdict: Record<'correct' | 'wrong' | 'missed', string>;
  analysis: string;
  reference: string;
  tutorAi(model: string | undefined): string;
  tutorFallback: string;
  flagged: string;
  pending: string;
  strengths: string;
  improvements: string;
  followUpPrompt(isLast: boolean): string;
  tutorSays: string;
  tutorNotAi: string;
  thinking: string;
  grading: string;
  summaryHeading: string;
  summaryScore(score: number, maxScore: number, answered: number, total: number, duration: string): string;
  byType: string;
  correctCount(correct: number, answered: number): string;
  toReview: string;
  nothingToReview: string;
  statsHint(user: string): string;
  endOfInput: string;
  duration(ms: number): string;
  answerPrompt: string;
  morePrompt: string;
}

function formatDuration(ms: number, minutes: string, seconds: string): string {
  const total = Math.round(ms / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m > 0 ? `${m} ${minutes} ${s} ${seconds}` : `${s} ${seconds}`;
}

const en: PracticeStrings = {
  typeName: {
    choice: 'single choice',
    multi: 'multiple choice',
    truefalse: 'true or false',
    numeric: 'numeric',
    blank: 'fill in the blanks',
    short: 'short answer',
    essay: 'essay',
  },
  points: (n) => `${n} point${n === 1 ? '' : 's'}`,
  questionHeading: (index, total) => `Question ${index}/${total}`,
  intro: (title, count) => `Practice: ${title} — ${count} question${count === 1 ? '' : 's'}.`,
  howTo: 'Type your answer and press Enter. A line starting with ? asks the tutor; q ends the quiz.',
  hintChoice: 'Answer with one letter, e.g. B.',
  hintMulti: 'Answer with every letter that applies, e.g. AC.',
  hintTrueFalse: 'Answer true or false (对 / 错 also work).',
  hintNumeric: (unit) => (unit ? `Answer with a number (in ${unit}).` : 'Answer with a number.'),
  hintBlank: (count) =>
    count === 1 ? 'Fill in 1 blank.' : `Fill in ${count} blanks on one line, separated by ; (e.g. first; second).`,
  hintFreeText: 'Write your answer; it may span several lines. An empty line sends it.',
  invalid: (reason) => `Not graded: ${reason} Try again.`,
  correct: 'Correct',
  partly: 'Partly right',
  wrong: 'Wrong',
  scoreLine: (score, max) => `${score}/${max} points`,
  yourAnswer: 'Your answer',
  expected: 'Expected',
  blank: (n) => `Blank ${n}`,
  option: (key) => `Option ${key}`,
  partVerdict: { correct: 'right', wrong: 'wrong', missed: 'missed' },
  analysis: 'Analysis',
  reference: 'Reference answer',
  tutorAi: (model) => `Tutor feedback (AI${model ? `, ${model}` : ''})`,
  tutorFallback: 'Tutor feedback (provisional, not AI: keyword coverage of the marking points)',
  flagged: 'Flagged for review: the answer looked like instructions to the grader, so it got the provisional score.',
  pending: 'Stored as pending: `tutor regrade --pending` re-grades it once an LLM is configured.',
  strengths: 'Strengths',
  improvements: 'To improve',
  followUpPrompt: (isLast) =>
    `Ask a follow-up (start with ?), press Enter for ${isLast ? 'the summary' : 'the next question'}, or q to end.`,
  tutorSays: 'Tutor',
  tutorNotAi: '(not AI: the bank’s own explanation; configure an LLM for a real tutor)',
  thinking: 'The tutor is thinking…',
  grading: 'Grading…',
  summaryHeading: 'Summary',
  summaryScore: (score, max, answered, total, duration) =>
    `${score}/${max} points · ${answered}/${total} answered · ${duration}`,
  byType: 'By question type',
  correctCount: (correct, answered) => `${correct}/${answered} fully right`,
  toReview: 'To review',
  nothingToReview: 'Nothing to review: every answered question got full marks.',
  statsHint: (user) => `Your progress so far: npm run tutor -- stats --user ${user}`,
  endOfInput: 'End of input: the quiz ends here.',
  duration: (ms) => formatDuration(ms, 'min', 's'),
  answerPrompt: 'answer> ',
  morePrompt: '...> ',
};

const zh: PracticeStrings = {
  typeName: {
    choice: '单选题',
    multi: '多选题',
    truefalse: '判断题',
    numeric: '数值题',
    blank: '填空题',
    short: '简答题',
    essay: '论述题',
  },
  points: (n) => `${n} 分`,
  questionHeading: (index, total) => `第 ${index}/${total} 题`,
  intro: (title, count) => `练习：${title}，共 ${count} 题。`,
  howTo: '输入答案后按回车。以 ? 开头的一行是向导师提问；输入 q 结束。',
  hintChoice: '输入一个选项字母，例如 B。',
  hintMulti: '输入所有正确选项的字母，例如 AC。',
  hintTrueFalse: '输入 对 或 错（true / false 也可以）。',
  hintNumeric: (unit) => (unit ? `输入一个数（单位：${unit}）。` : '输入一个数。'),
  hintBlank: (count) => (count === 1 ? '填 1 个空。' : `共 ${count} 个空，写在一行里，用 ; 分隔（例如 第一空; 第二空）。`),
  hintFreeText: '写下你的答案，可以写多行；空一行即提交。',
  invalid: (reason) => `未评分：${reason} 请再试一次。`,
  correct: '正确',
  partly: '部分正确',
  wrong: '错误',
  scoreLine: (score, max) => `${score}/${max} 分`,
  yourAnswer: '你的答案',
  expected: '正确答案',
  blank: (n) => `第 ${n} 空`,
  option: (key) => `选项 ${key}`,
  partVerdict: { correct: '对', wrong: '错', missed: '漏选' },
  analysis: '解析',
  reference: '参考答案',
  tutorAi: (model) => `导师反馈（AI${model ? `，${model}` : ''}）`,
  tutorFallback: '导师反馈（暂定分，非 AI：按评分要点的关键词覆盖）',
  flagged: '已标记待复核：答案里像是有给评分者的指令，因此只给暂定分。',
  pending: '已存为待复评：配置好 LLM 后，`tutor regrade --pending` 会重新评分。',
  strengths: '优点',
  improvements: '可改进',
  followUpPrompt: (isLast) => `可以追问（以 ? 开头），按回车${isLast ? '查看总结' : '进入下一题'}，或输入 q 结束。`,
  tutorSays: '导师',
  tutorNotAi: '（非 AI：题库自带的讲解；配置 LLM 后可获得真正的辅导）',
  thinking: '导师正在思考…',
  grading: '评分中…',
  summaryHeading: '总结',
  summaryScore: (score, max, answered, total, duration) => `${score}/${max} 分 · 已答 ${answered}/${total} 题 · 用时 ${duration}`,
  byType: '按题型',
  correctCount: (correct, answered) => `全对 ${correct}/${answered}`,
  toReview: '需要复习',
  nothingToReview: '没有需要复习的题：答过的题都拿了满分。',
  statsHint: (user) => `查看进度：npm run tutor -- stats --user ${user}`,
  endOfInput: '输入结束：本次练习到此为止。',
  duration: (ms) => formatDuration(ms, '分', '秒'),
  answerPrompt: '答案> ',
  morePrompt: '...> ',
};

export function practiceStrings(language: PracticeLanguage): PracticeStrings {
  return language === 'zh' ? zh : en;
}
