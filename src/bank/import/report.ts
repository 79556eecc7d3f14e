import { QUESTION_TYPES } from '../schema.ts';
import { OMISSION_KINDS, type ImportError, type ImportReport, type OmissionKind } from './types.ts';
import { countNoun } from '../../messages/format.ts';

/** Everything the warnings say was not carried into the bank, added up by kind. */
export function totalOmissions(report: Pick<ImportReport, 'warnings'>): Partial<Record<OmissionKind, number>> {
  const totals: Partial<Record<OmissionKind, number>> = {};
  for (const warning of report.warnings) {
    for (const kind of OMISSION_KINDS) {
      const count = warning.omitted?.[kind];
      if (count) totals[kind] = (totals[kind] ?? 0) + count;
    }
  }
  return totals;
}

/** The import report as plain text for the terminal and for Discord (no mentions, no markdown tricks). */
export function formatImportReport(report: ImportReport): string {
  const lines: string[] = [];
  lines.push(`Imported ${report.source} as ${report.format} (${report.formatReason})`);
  lines.push(`Bank ${report.bankId}: "${report.title}", ${countNoun(report.questionCount, 'question')}`);
  const counts = QUESTION_TYPES.filter((type) => report.countsByType[type]).map((type) => `${type} ${report.countsByType[type]}`);
  lines.push(`  by type: ${counts.join(', ')}`);
  lines.push(`  answer keys found: ${report.answerKeysFound} of ${report.questionCount}`);
  lines.push(`  analyses found: ${report.analysesFound}; reference answers found: ${report.referencesFound}`);
  if (report.missingAnswers.length > 0) {
    lines.push(`Missing answers (${report.missingAnswers.length}, written as drafts that are never served): ${report.missingAnswers.join(', ')}`);
  } else {
    lines.push('Missing answers: none');
  }
  if (report.skipped.length > 0) {
    lines.push(`Skipped (${report.skipped.length}):`);
    for (const region of report.skipped) {
      const where = region.fromLine === region.toLine ? `line ${region.fromLine}` : `lines ${region.fromLine}–${region.toLine}`;
      lines.push(`  ${where} [${region.reason}] ${region.detail}${region.excerpt ? `: "${region.excerpt}"` : ''}`);
    }
  } else {
    lines.push('Skipped: nothing');
  }
  if (report.warnings.length > 0) {
    lines.push(`Warnings (${report.warnings.length}):`);
    for (const warning of report.warnings) {
      const where = [warning.line !== undefined ? `line ${warning.line}` : '', warning.questionId ?? ''].filter(Boolean).join(' ');
      lines.push(`  ${where ? `${where}: ` : ''}${warning.message}`);
    }
  }
  const omitted = totalOmissions(report);
  const kinds = OMISSION_KINDS.filter((kind) => omitted[kind]);
  if (kinds.length > 0) {
    lines.push(`Not carried into the bank (each listed above with its line): ${kinds.map((kind) => `${kind} ${omitted[kind]}`).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `lines 4–62: message`, `line 7: message`, or the message alone. */
export function formatImportError(error: ImportError): string {
  if (error.line === undefined) return error.message;
  const where = error.toLine !== undefined && error.toLine !== error.line ? `lines ${error.line}–${error.toLine}` : `line ${error.line}`;
  return `${where}: ${error.message}`;
}
