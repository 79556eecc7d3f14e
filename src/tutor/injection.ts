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
  { name: 'verdict-claim', pattern: /(所有|全部|每个|每一个|每条|各个?|一切)[^。\n]{0,8}(评分点|得分点|要点|评分标准|标准|采分点|条目|点)[^。\n]{0,10}(判定|判为|判成|标记|算作|视为|当作|认定|评为|记为|都是|都算|都给)[^。\n]{0,6}(满足|正确|达到|通过|符合|得分|满分|对|met)/ },
  { name: 'award-marks', pattern: /(给|打|评)[^。\n]{0,8}(满分|最高分|全部分数|全分)|按满分|直接满分/ },
  { name: 'addressed-to-grader', pattern: /(致|给|对)\s*(AI|人工智能|评分(模型|系统|助手|老师)|阅卷(老师|系统|模型)|大模型|GPT)\s*[:：，,]/i },
];

/**
 * Phrasings in French, Spanish and German, matched on text folded by `foldForTripwire` (accents
 * removed, lower case): "ignore the previous instructions", "treat all criteria as met", "give full marks".
 */
const EUROPEAN_SIGNALS: Array<{ name: string; pattern: RegExp }> = [
  // French
  { name: 'ignore-instructions', pattern: /\b(ignore[rsz]?|oublie[rsz]?|ne tiens pas compte)\b[^.]{0,40}\b(instructions?|consignes?|regles?|directives?|bareme)\b/ },
  { name: 'verdict-claim', pattern: /\b(considere[rsz]?|traite[rsz]?|marque[rsz]?|juge[rsz]?|valide[rsz]?)\b[^.]{0,40}\b(tous|toutes|chaque)\b[^.]{0,30}\b(criteres?|points?)\b[^.]{0,30}\b(remplis?|satisfaits?|valides?|atteints?|acquis)\b/ },
  { name: 'verdict-claim', pattern: /\b(tous|toutes) les (criteres|points)\b[^.]{0,30}\b(sont|comme) (remplis|satisfaits|valides|atteints|acquis)\b/ },
  { name: 'award-marks', pattern: /\b(donne[rsz]?|attribue[rsz]?|accorde[rsz]?|mets?|mettez)\b[^.]{0,25}\b(la note maximale|note maximale|tous les points|la note complete|la totalite des points|20 ?\/ ?20|10 ?\/ ?10)/ },
  // Spanish
  { name: 'ignore-instructions', pattern: /\b(ignora[rd]?|olvida[rd]?|omite)\b[^.]{0,40}\b(instrucciones|indicaciones|reglas|rubrica)\b/ },
  { name: 'verdict-claim', pattern: /\b(trata[rd]?|considera[rd]?|marca[rd]?|da[rd]? por)\b[^.]{0,40}\b(todos|todas|cada)\b[^.]{0,30}\b(criterios?|puntos?)\b[^.]{0,30}\b(cumplidos?|satisfechos?|superados?|correctos?)\b/ },
  { name: 'verdict-claim', pattern: /\b(todos|todas) los (criterios|puntos)\b[^.]{0,30}\b(estan|como) (cumplidos|satisfechos|superados|correctos)\b/ },
  { name: 'award-marks', pattern: /\b(dame|da(me)?le|otorga[rd]?|asigna[rd]?|pon(me)?)\b[^.]{0,25}\b(la (puntuacion|nota|calificacion) maxima|todos los puntos|la maxima (nota|puntuacion)|puntuacion completa)/ },
  // German
  { name: 'ignore-instructions', pattern: /\b(ignorier\w*|vergiss\w*|missacht\w*)\b[^.]{0,40}\b(anweisungen|anweisung|vorgaben|regeln|instruktionen|bewertungsschema)\b/ },
  { name: 'verdict-claim', pattern: /\b(behandl\w*|bewert\w*|werte|markier\w*|betracht\w*)\b[^.]{0,40}\b(alle|jedes|jeden)\b[^.]{0,30}\b(kriterien|kriterium|punkte)\b[^.]{0,30}\b(erfullt|als erfullt|bestanden|korrekt)\b/ },
  { name: 'verdict-claim', pattern: /\balle (kriterien|punkte)\b[^.]{0,30}\b(sind|als) (erfullt|bestanden|korrekt)\b/ },
  { name: 'award-marks', pattern: /\b(gib|gebt|geben sie|vergib|vergeben sie)\b[^.]{0,25}\b(die volle punktzahl|volle punktzahl|alle punkte|die hochstpunktzahl|hochstpunktzahl|die bestnote|bestnote)/ },
  // English phrasings the patterns above (on the unfolded text) leave out.
  { name: 'verdict-claim', pattern: /\b(treat|consider|mark|count|regard|grade)\b[^.]{0,30}\b(all|every|each)\b[^.]{0,20}\b(criteria|criterion|points?|requirements?|rubric items?)\b[^.]{0,20}\b(as )?(met|fulfilled|satisfied|passed|complete|correct)\b/ },
  { name: 'addressed-to-grader', pattern: /\b(to|dear|attention|note (to|for)) (the )?(ai|llm|grader|grading (model|assistant|system)|marker|language model|chatgpt|gpt)\b\s*[:,]/ },
];

/** Zero-width and invisible characters an attacker uses to break up a phrase (soft hyphen included). */
const INVISIBLE = /[\u00AD\u061C\u115F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0]|\u1160|\u17B4|\u17B5|\u034F|\u180B|\u180C|\u180D|\u180E|\u180F|\p{Variation_Selector}/gu;

/** Latin look-alikes from Cyrillic and Greek (the common confusables), folded to the Latin letter. */
const CONFUSABLES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  ı: 'i', ℓ: 'l', '０': '0', '１': '1',
};
const CONFUSABLE_PATTERN = new RegExp(`[${Object.keys(CONFUSABLES).join('')}]`, 'gu');

/**
 * The text the tripwire reads: NFKC (full-width and styled letters become plain), invisible characters
 * removed, Cyrillic/Greek look-alikes folded to Latin, a word broken at a line end (`ig-\nnore`) joined,
 * lines joined with spaces, lower case, and accents removed (so `critères` and `erfüllt` match plain
 * patterns). Linear: each step is one pass of a character class.
 */
export function foldForTripwire(answer: string): string {
  return answer
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .toLowerCase()
    .replace(CONFUSABLE_PATTERN, (char) => CONFUSABLES[char] ?? char)
    .replace(/(\p{L})-[ \t]*\r?\n[ \t]*(\p{L})/gu, '$1$2')
    .replace(/(\p{Script=Han})[ \t]*\r?\n[ \t]*(?=\p{Script=Han})/gu, '$1')
    .replace(/\s+/g, ' ')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .normalize('NFC');
}

export function detectInjection(answer: string): InjectionFinding | null {
  const nfkc = answer.normalize('NFKC').replace(INVISIBLE, '');
  const folded = foldForTripwire(answer);
  const signals = new Set<string>();
  // Line-anchored signals (role tags, headings) read the lines as written; the rest read the joined, folded text too.
  for (const { name, pattern } of SIGNALS) if (pattern.test(nfkc) || pattern.test(folded)) signals.add(name);
  for (const { name, pattern } of EUROPEAN_SIGNALS) if (pattern.test(folded)) signals.add(name);
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
