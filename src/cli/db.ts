import path from 'node:path';
import { parseArgs } from 'node:util';
import { countNoun, formatBytes } from '../messages/format.ts';
import { createCliRecordsApp } from './app.ts';
import type { CliCommand } from './types.ts';

export const dbBackupCommand: CliCommand = {
  path: ['db', 'backup'],
  usage: 'db backup <file>',
  summary: "Copy the database to <file> with SQLite's online backup (safe while the bot runs)",
  async run(args, io) {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
    const [destination, ...extra] = positionals;
    if (!destination || extra.length > 0) {
      io.stderr.write('Usage: tutor db backup <file>\n');
      return 2;
    }
    const app = createCliRecordsApp(io);
    try {
      const result = await app.maintenance.backup(path.resolve(io.cwd, destination));
      io.stdout.write(`Backed up ${app.maintenance.databasePath} to ${result.path} (${result.pages} pages, ${formatBytes(result.bytes)}).\n`);
      return 0;
    } finally {
      app.close();
    }
  },
};

export const dbForgetCommand: CliCommand = {
  path: ['db', 'forget'],
  usage: 'db forget --user <id>',
  summary: "Delete every stored row of one user (what Discord's /forget-me does)",
  async run(args, io) {
    const { values } = parseArgs({ args, options: { user: { type: 'string' } } });
    if (!values.user) {
      io.stderr.write('Usage: tutor db forget --user <id>\n');
      return 2;
    }
    const app = createCliRecordsApp(io);
    try {
      const counts = app.maintenance.forgetUser(values.user);
      const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
      if (total === 0) {
        io.stdout.write(`Nothing stored for user ${values.user}; nothing deleted.\n`);
        return 0;
      }
      io.stdout.write(
        `Deleted everything stored for user ${values.user}: ` +
          `${countNoun(counts.users, 'user row')}, ${countNoun(counts.sessions, 'quiz session')}, ${countNoun(counts.attempts, 'attempt')}, ` +
          `${countNoun(counts.followUps, 'follow-up message')}, ${countNoun(counts.reviewCards, 'review card')}, ${countNoun(counts.llmCalls, 'LLM call record')}.\n`,
      );
      return 0;
    } finally {
      app.close();
    }
  },
};
