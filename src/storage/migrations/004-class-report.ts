import type { Migration } from './index.ts';

/**
 * Indexes for the teacher's views (src/storage/class-report-repository.ts), which read `attempts`
 * itself: item statistics and response analysis need each learner's first attempt and every answer
 * of one bank, and a class report over a period needs one guild's (or bank's) attempts in a time
 * range. Without these each of those queries scans every attempt of every bank and guild (see
 * `npm run bench class`). Each index is one more page written per recorded answer, so only these two.
 * Registered in index.ts right after migration 003 (needs-review), which another branch adds: the
 * list must have no gaps.
 */
export const classReportMigration: Migration = {
  version: 4,
  name: 'class-report',
  up(db) {
    db.exec(`
      CREATE INDEX IF NOT EXISTS attempts_bank_time ON attempts(bank_id, created_at);
      CREATE INDEX IF NOT EXISTS attempts_guild_time ON attempts(guild_id, created_at) WHERE guild_id IS NOT NULL;
    `);
  },
};
