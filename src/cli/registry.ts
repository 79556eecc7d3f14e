import type { CliCommand } from './types.ts';

/** A sub-command's words, and how to load it: a run loads only its own module, so start-up stays quick. */
export interface CliCommandEntry {
  path: readonly string[];
  load(): Promise<CliCommand>;
}

/** Every `tutor` sub-command, listed explicitly (no folder scanning): adding one touches this list. */
export const cliCommands: CliCommandEntry[] = [
  { path: ['practice'], load: async () => (await import('./practice.ts')).practiceCommand },
  { path: ['doctor'], load: async () => (await import('./doctor.ts')).doctorCommand },
  { path: ['bank', 'check'], load: async () => (await import('./bank-check.ts')).bankCheckCommand },
  { path: ['bank', 'show'], load: async () => (await import('./bank-show.ts')).bankShowCommand },
  { path: ['bank', 'import'], load: async () => (await import('./bank-import.ts')).bankImportCommand },
  { path: ['grade'], load: async () => (await import('./grade.ts')).gradeCommand },
  { path: ['stats'], load: async () => (await import('./stats.ts')).statsCommand },
  { path: ['db', 'backup'], load: async () => (await import('./db.ts')).dbBackupCommand },
  { path: ['db', 'forget'], load: async () => (await import('./db.ts')).dbForgetCommand },
  { path: ['deploy-commands'], load: async () => (await import('./deploy-commands.ts')).deployCommandsCommand },
  { path: ['eval', 'grading'], load: async () => (await import('./eval.ts')).evalGradingCommand },
  { path: ['usage'], load: async () => (await import('./usage.ts')).usageCommand },
  { path: ['regrade'], load: async () => (await import('./regrade.ts')).regradeCommand },
];
