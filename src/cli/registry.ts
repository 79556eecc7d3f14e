import type { CliCommand } from './types.ts';
import { doctorCommand } from './doctor.ts';

/** Every `tutor` sub-command, listed explicitly (no folder scanning): adding one touches this list. */
export const cliCommands: CliCommand[] = [
  doctorCommand,
];
