import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../errors.ts';
import type { BackupResult } from '../services/maintenance.ts';
import type { Db } from './database.ts';

export type { BackupResult };

/**
 * Copies the live database to `destination` with SQLite's online backup API, safe while the bot (or
 * another shard) keeps writing: after the first step the rest is copied in one step, which reads one
 * consistent snapshot (in WAL mode a reader never blocks writers, and a write by another process
 * cannot restart a step that is already running). The copy is written beside the destination and
 * renamed into place once complete and checked, so a failed backup never leaves a half-written file.
 * An existing destination is refused, never overwritten.
 */
export async function backupDatabase(db: Db, destination: string): Promise<BackupResult> {
  const target = path.resolve(destination);
  if (fs.existsSync(target)) {
    throw new UserError('backup-exists', `${target} already exists: choose a new file name (backups never overwrite).`, { path: target });
  }
  const folder = path.dirname(target);
  if (!fs.existsSync(folder)) {
    throw new UserError('backup-folder-missing', `The folder ${folder} does not exist: create it first.`, { path: folder });
  }
  const partial = path.join(folder, `.${path.basename(target)}.partial-${process.pid}-${Date.now()}`);
  try {
    const result = await db.backup(partial, { progress: () => 0x7fffffff });
    // The copy carries the live file's WAL flag; make it a single self-contained file before moving it.
    const check = new Database(partial);
    try {
      check.pragma('journal_mode = DELETE');
      const verdict = check.pragma('quick_check', { simple: true });
      if (verdict !== 'ok') throw new Error(`the copy failed its integrity check: ${String(verdict)}`);
    } finally {
      check.close();
    }
    fs.renameSync(partial, target);
    return { path: target, pages: result.totalPages, bytes: fs.statSync(target).size };
  } finally {
    for (const leftover of [partial, `${partial}-wal`, `${partial}-shm`, `${partial}-journal`]) fs.rmSync(leftover, { force: true });
  }
}
