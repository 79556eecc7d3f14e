import { chatReply, type OpenAiServer, type RecordedRequest, type ServerReply } from '../support/openai-server.ts';

/** The tutor's grading reply for the e2e bank's `kv-short`, quoting the learner's own words. */
export function kvShortGrading(quotes: { keys?: string; memory?: string }) {
  return {
    points: [
      { index: 0, verdict: quotes.keys ? 'met' : 'missed', quote: quotes.keys ?? '' },
      { index: 1, verdict: quotes.memory ? 'met' : 'missed', quote: quotes.memory ?? '' },
    ],
    strengths: ['You say what the cache keeps.'],
    improvements: ['Say what the cache costs.'],
    explanation: 'The cache keeps past keys and values, trading memory for speed.',
    injection_suspected: false,
  };
}

export function isGradingRequest(request: RecordedRequest): boolean {
  return request.body.response_format !== undefined;
}

/** Grading requests get `grading`, follow-ups get `followUp` as plain text. */
export function scriptTutor(llm: OpenAiServer, grading: object, followUp: string, extra: Partial<ServerReply> = {}): void {
  llm.script((request) => ({ ...chatReply(isGradingRequest(request) ? grading : followUp), ...extra }));
}
