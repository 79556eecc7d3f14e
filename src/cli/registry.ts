import type { CliCommand } from './types.ts';
import { doctorCommand } from './doctor.ts';
import { practiceCommand } from './practice.ts';
import { bankCheckCommand } from './bank-check.ts';
import { bankShowCommand } from './bank-show.ts';
import { bankImportCommand } from './bank-import.ts';
import { gradeCommand } from './grade.ts';
import { dbBackupCommand, dbForgetCommand } from './db.ts';
import { statsCommand } from './stats.ts';
import { deployCommandsCommand } from './deploy-commands.ts';
import { evalGradingCommand } from './eval.ts';
import { usageCommand } from './usage.ts';
import { regradeCommand } from './regrade.ts';

/** Every `tutor` sub-command, listed explicitly (no folder scanning): adding one touches this list. */
export const cliCommands: CliCommand[] = [
  practiceCommand,
  doctorCommand,
  bankCheckCommand,
  bankShowCommand,
  bankImportCommand,
  gradeCommand,
  statsCommand,
  dbBackupCommand,
  dbForgetCommand,
  deployCommandsCommand,
  evalGradingCommand,
  usageCommand,
  regradeCommand,
];
