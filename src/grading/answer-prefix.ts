/**
 * Lead-ins learners type before the answer itself: `答案是 C`, `选C`, `我选 B`, `The answer is C`,
 * `Answer: true`. Matched case-insensitively on NFKC text (so `答案：` arrives as `答案:`).
 */
const CHINESE_LEAD_IN =
  /^(?:正确答案(?:是|为|应为|应该是)?|答案(?:是|为|应为|应该是)?|我(?:的答案)?(?:选择|选|觉得是|认为是|认为|觉得)|应该?(?:选择|选|是)|选择|选)\s*[:,-]?\s*/u;

/** English lead-ins must end at a word boundary, so `answers` or `options` are left alone. */
const ENGLISH_LEAD_IN =
  /^(?:the\s+(?:correct\s+|right\s+)?answer\s+is|(?:my\s+)?answer(?:\s+is)?|ans|i\s+(?:choose|chose|pick|picked|select|think\s+it\s+is|think\s+it's|think|say)|it's|it\s+is|option|choice)(?![A-Za-z])\s*[:,-]?\s*/iu;

/** A cheap first look: most answers start with none of the lead-ins' first characters. */
const MAY_LEAD_IN = /^[正答我应选tmaiocTMAIOC]/;

/** Removes any lead-ins (`答案:选C` → `C`). Expects normalised text; returns it trimmed. */
export function stripAnswerLeadIn(text: string): string {
  let current = text.trim();
  if (!MAY_LEAD_IN.test(current)) return current;
  for (let round = 0; round < 3; round += 1) {
    const next = current.replace(CHINESE_LEAD_IN, '').replace(ENGLISH_LEAD_IN, '').trim();
    if (next === current) break;
    current = next;
  }
  return current;
}
