/** The tutor's public surface for the composition root, the quiz flow and the CLI. */
export { createTutor, attemptStatusForFeedback, type TutorDeps, type TutorConfig, type TutorLogger, type TutorNote } from './tutor.ts';
export { loadPrompts, PromptError, type PromptSet, type PromptTemplate } from './prompts.ts';
export { createMemoryUsageLedger, type UsageLedger, type LlmCallRecord, type FindCachedFeedback, type LlmPurpose, type LlmCallOutcome } from './ports.ts';
export { gradeByRubricCoverage } from './fallback-grader.ts';
export { createLlmClient, type LlmClient } from './llm-client.ts';
export type * from './types.ts';
