/** Limits that keep any feedback inside one Discord embed (6,000 characters, fields of 1,024). */
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
