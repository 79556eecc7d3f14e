/**
 * Defence against answers that try to instruct the grader. Two parts: `neutralizeAnswer` makes sure
 * the answer cannot close or imitate the prompt's delimiters and sections, and `detectInjection`
 * is the tripwire: a tripped answer is graded by the fallback and stored as `flagged` for a human.
 */

export interface InjectionFinding {
  /** Short names of what matched, e.g. `award-marks`, `delimiter`. */
  signals: string[];
}

const SIGNALS: Array<{ name: string; pattern: RegExp }> = [
  { name: 'ignore-instructions', pattern: /\b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(previous|prior|above|earlier|all|any|the|your|these)\b[^.\n]{0,30}\b(instructions?|prompts?|rules?|directions?|guidelines?|rubric)\b/i },
  { name: 'award-marks', pattern: /\b(award|give|grant|assign|mark|score|rate)\b[^.\n]{0,30}\b(full|maximum|max|all(?: the)?|perfect|100\s*%?|top)\b[^.\n]{0,15}\b(marks?|points?|score|credit|grade)\b/i },
  // `maximum score` alone is left out: beam search and benchmarks talk about it honestly.
  { name: 'award-marks', pattern: /\bfull (marks|credit)\b/i },
  { name: 'verdict-claim', pattern: /\b(every|all|each)\b[^.\n]{0,30}\b(rubric\s+)?points?\b[^.\n]{0,20}\b(are|is|as|be)\b[^.\n]{0,10}\b(met|satisfied|correct)\b/i },
  { name: 'verdict-json', pattern: /"\s*(verdict|points|injection_suspected)\s*"\s*:/i },
  { name: 'role-play', pattern: /\b(you are now|act as|pretend to be|new instructions?|system prompt|developer mode|jailbreak)\b/i },
  { name: 'role-tag', pattern: /(^|\n)\s*(system|assistant|developer|grader)\s*[:：]/i },
  { name: 'role-tag', pattern: /<\|?\s*(im_start|im_end|system|assistant|endoftext)\s*\|?>/i },
  { name: 'delimiter', pattern: /<\s*\/?\s*(learner_answer|learner_message|reference|rubric|analysis|question)\b[^>]*>/i },
  { name: 'section-header', pattern: /(^|\n)\s*#{1,6}\s*(question|reference answer|analysis|rubric|output|learner'?s (answer|essay)|system|instructions?)\b/i },
  { name: 'section-header', pattern: /(^|\n)\s*<!--\s*part\s*:/i },
  { name: 'ignore-instructions', pattern: /(忽略|无视|忘记|忘掉|不要理会|跳过)[^。\n]{0,12}(以上|之前|前面|上述|上面|先前|所有|全部|系统)?[^。\n]{0,8}(指令|指示|要求|提示|规则|评分标准|内容|设定)/ },
  { name: 'award-marks', pattern: /(满分|给我?[^。\n]{0,6}(全部分数|最高分|高分|满分)|打[^。\n]{0,4}满分|全部(要点|评分点)?[^。\n]{0,6}(判为|标记为|算作)[^。\n]{0,4}(正确|满足|达到|met))/ },
  { name: 'role-play', pattern: /(你现在是|请?扮演(一个|一名|一位)?(评分|阅卷|老师|助手|系统|AI)|系统提示词|新的指令|开发者模式)/i },
];

export function detectInjection(answer: string): InjectionFinding | null {
  const folded = answer.normalize('NFKC');
  const signals = new Set<string>();
  for (const { name, pattern } of SIGNALS) if (pattern.test(folded)) signals.add(name);
  return signals.size > 0 ? { signals: [...signals] } : null;
}

/**
 * Makes the answer safe to place inside the prompt's <learner_answer> block: angle brackets become
 * look-alike guillemets (so no tag can be opened or closed), Markdown headings and part markers at the
 * start of a line are escaped, and the text is NFKC-folded first so full-width look-alikes are caught.
 * Quotes are compared after normalisation, which folds these substitutions away.
 */
export function neutralizeAnswer(answer: string): string {
  return answer
    .normalize('NFKC')
    .replace(/</g, '‹')
    .replace(/>/g, '›')
    .replace(/^(\s*)#/gm, '$1\\#')
    .replace(/\{\{/g, '{ {')
    .replace(/```/g, "'''");
}
