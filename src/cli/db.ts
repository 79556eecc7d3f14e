import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { UserError } from '../errors.ts';
import { backupDatabase } from '../storage/backup.ts';
import { openDatabase, type Db } from '../storage/database.ts';
import { forgetUser } from '../storage/forget.ts';
import type { CliCommand, CliIo } from './types.ts';

/** The configured database file, resolved against the working directory. */
export function configuredDatabasePath(io: CliIo): string {
  return path.resolve(io.cwd, loadConfig(io.env).DATABASE_PATH);
}

/**
 * Opens the configured database for a command that reads or changes existing data. A missing file is
 * an error, not a reason to create an empty one: that usually means a wrong DATABASE_PATH or folder.
 */
export function openExistingDatabase(io: CliIo): Db {
  const filePath = configuredDatabasePath(io);
  if (!fs.existsSync(filePath)) {
    throw new UserError('database-missing', { path: filePath, hint: 'check DATABASE_PATH (and the folder you run tutor from).' });
  }
  return openDatabase(filePath);
}

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
    const db = openExistingDatabase(io);
    try {
      const result = await backupDatabase(db, path.resolve(io.cwd, destination));
      io.stdout.write(`Backed up ${db.name} to ${result.path} (${result.pages} pages, ${formatBytes(result.bytes)}).\n`);
      return 0;
    } finally {
      db.close();
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
    const db = openExistingDatabase(io);
    try {
      const counts = forgetUser(db, values.user);
      const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
      if (total === 0) {
        io.stdout.write(`Nothing stored for user ${values.user}; nothing deleted.\n`);
        return 0;
      }
      io.stdout.write(
        `Deleted everything stored for user ${values.user}: ` +
          `${plural(counts.users, 'user row')}, ${plural(counts.sessions, 'quiz session')}, ${plural(counts.attempts, 'attempt')}, ` +
          `${plural(counts.followUps, 'follow-up message')}, ${plural(counts.reviewCards, 'review card')}, ${plural(counts.llmCalls, 'LLM call record')}.\n`,
      );
      return 0;
    } finally {
      db.close();
    }
  },
};

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
