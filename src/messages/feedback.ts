import type { FreeTextFeedback } from '../tutor/types.ts';

/** Lower case, letters and digits only: "Covered: Batching raises throughput." and the point itself compare alike. */
function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * The feedback's strengths and improvements without those that only repeat a marking point (the
 * keyword fallback writes "Covered: <point>"; models sometimes copy a point verbatim). The rubric
 * lines shown beside them already name every point with its verdict, so a repeat is noise.
 */
export function distinctFeedbackItems(feedback: Pick<FreeTextFeedback, 'rubric' | 'strengths' | 'improvements'>): { strengths: string[]; improvements: string[] } {
  const points = feedback.rubric.map((point) => fold(point.point)).filter((point) => point.length > 0);
  const repeatsAPoint = (item: string) => {
    const folded = fold(item);
    // Long points are cut in both places, so their first 40 letters stand for them.
    return points.some((point) => folded.includes(point.slice(0, 40)) || (folded.length >= point.length / 2 && point.includes(folded)));
  };
  return {
    strengths: feedback.strengths.filter((item) => !repeatsAPoint(item)),
    improvements: feedback.improvements.filter((item) => !repeatsAPoint(item)),
  };
}
