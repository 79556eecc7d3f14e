/**
 * Localised names and descriptions for command definitions. Discord wants names lowercase, 1–32
 * characters of letters (CJK allowed), digits, `-` or `_`; descriptions at most 100 characters.
 */
export interface LocalizedText {
  en: string;
  zh: string;
}

export function nameLocalizations(text: LocalizedText): Record<'en-US' | 'zh-CN', string> {
  return { 'en-US': text.en, 'zh-CN': text.zh };
}

export function descriptionLocalizations(text: LocalizedText): Record<'en-US' | 'zh-CN', string> {
  return { 'en-US': text.en, 'zh-CN': text.zh };
}
