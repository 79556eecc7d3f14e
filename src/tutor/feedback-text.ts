import type { FeedbackLanguage } from './text.ts';

/**
 * Learner-facing strings the tutor writes itself (the fallback, budget notices), in the feedback
 * language. Limits keep any feedback inside one Discord embed (6,000 characters, fields of 1,024).
 */

export const FEEDBACK_LIMITS = {
  pointChars: 200,
  evidenceChars: 200,
  listItems: 3,
  listItemChars: 200,
  explanationChars: 1_200,
  referenceChars: 900,
  analysisChars: 600,
  followUpChars: 1_900,
} as const;

export interface FeedbackStrings {
  provisionalLabel: string;
  referenceHeading: string;
  analysisHeading: string;
  coveredPoint(point: string): string;
  missedPoint(point: string): string;
  userBudget(minutes: number): string;
  guildBudget(hoursUntilReset: number): string;
  hintIntro: string;
  /** When neither a topic nor a marking-point aspect can be named without giving the answer away. */
  hintStem: string;
  hintPoints(points: string[]): string;
  hintTopic(topic: string): string;
  noLlmFollowUp: string;
  afterAnswerIntro: string;
  injectionNote: string;
  needsReviewNote: string;
  questionTruncated(tokens: number): string;
}

const zh: FeedbackStrings = {
  provisionalLabel: '暂定分（关键词覆盖，非 AI 评分）：按参考答案的要点关键词给出的暂定分数，稍后可能由 AI 复评。',
  referenceHeading: '参考答案：',
  analysisHeading: '解析：',
  coveredPoint: (point) => `提到了：${point}`,
  missedPoint: (point) => `可以补充：${point}`,
  userBudget: (minutes) => `你的 AI 辅导次数暂时用完了，大约 ${minutes} 分钟后恢复。在此之前评分使用关键词覆盖的暂定分。`,
  guildBudget: (hours) => `本服务器今天的 AI 额度已用完，约 ${hours} 小时后（UTC 零点）重置。在此之前评分使用关键词覆盖的暂定分。`,
  hintIntro: '提示（还没作答，所以不直接给答案）：',
  hintStem: '再读一遍题干，抓住其中的关键词；作答后会给出参考答案和解析。',
  hintPoints: (points) => `想一想下面这些方面：${points.join('；')}。`,
  hintTopic: (topic) => `这道题考查的主题是「${topic}」。`,
  noLlmFollowUp: 'AI 辅导暂时不可用，下面是题库自带的讲解。',
  afterAnswerIntro: '题库中的参考答案与解析：',
  injectionNote: '这份答案中含有像是给评分者的指令，已按关键词覆盖给出暂定分，并提交人工复核。',
  questionTruncated: (tokens) => `（你的问题太长，只把前约 ${tokens} 个词元发给了 AI 导师。）`,
  needsReviewNote: 'AI 给出的分数明显高于答案中能找到的依据，因此这次作答等待老师复核；在复核之前只记暂定分，不计入掌握情况和排行榜。',
};

const en: FeedbackStrings = {
  provisionalLabel:
    'Provisional score (keyword coverage, not AI): based on the key terms of the reference answer; an AI grader may revise it later.',
  referenceHeading: 'Reference answer:',
  analysisHeading: 'Analysis:',
  coveredPoint: (point) => `Covered: ${point}`,
  missedPoint: (point) => `Could add: ${point}`,
  userBudget: (minutes) =>
    `You have used your AI tutoring calls for now; they refill in about ${minutes} minute${minutes === 1 ? '' : 's'}. Until then answers get a provisional keyword-coverage score.`,
  guildBudget: (hours) =>
    `This server has used today's AI budget; it resets in about ${hours} hour${hours === 1 ? '' : 's'} (midnight UTC). Until then answers get a provisional keyword-coverage score.`,
  hintIntro: "A hint (you haven't answered yet, so no answer key):",
  hintStem: 'Read the question again and pick out its key terms; once you answer you will see the reference answer and analysis.',
  hintPoints: (points) => `Think about: ${points.join('; ')}.`,
  hintTopic: (topic) => `This question is about ${topic}.`,
  noLlmFollowUp: 'The AI tutor is unavailable right now; here is the explanation from the question bank.',
  afterAnswerIntro: "The bank's reference answer and analysis:",
  injectionNote: 'This answer contains what looks like instructions to the grader; it got a provisional keyword score and was sent for review.',
  questionTruncated: (tokens) => `(Your question was very long: only its first ~${tokens} tokens were sent to the AI tutor.)`,
  needsReviewNote: 'The AI gave far more marks than the answer shows evidence for, so this attempt awaits review by a teacher. Until then it has a provisional score and does not count towards mastery or the leaderboard.',
};

export function feedbackStrings(language: FeedbackLanguage): FeedbackStrings {
  return language === 'zh' ? zh : en;
}
