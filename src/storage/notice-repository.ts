import type { LearnerNotice, NewLearnerNotice, NoticeOutbox } from '../services/notices.ts';
import type { Db } from './database.ts';

interface NoticeRow {
  id: number;
  user_id: string;
  guild_id: string | null;
  attempt_id: number | null;
  kind: LearnerNotice['kind'];
  params: string;
  created_at: number;
  thread_id: string | null;
}

/** The `learner_notices` table (migration 005). The thread is the one the attempt was answered in, if any. */
export class SqliteNoticeOutbox implements NoticeOutbox {
  constructor(private readonly db: Db) {}

  enqueue(notices: readonly NewLearnerNotice[]): number[] {
    const insert = this.db.prepare(
      'INSERT INTO learner_notices (user_id, guild_id, attempt_id, kind, params, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const run = this.db.transaction(() =>
      notices.map((notice) => Number(insert.run(notice.userId, notice.guildId, notice.attemptId, notice.kind, JSON.stringify(notice.params), notice.createdAt.getTime()).lastInsertRowid)),
    );
    return run.immediate();
  }

  pending(limit: number): LearnerNotice[] {
    const rows = this.db
      .prepare(
        `SELECT n.id, n.user_id, n.guild_id, n.attempt_id, n.kind, n.params, n.created_at, s.thread_id
           FROM learner_notices n
           LEFT JOIN attempts a ON a.id = n.attempt_id
           LEFT JOIN quiz_sessions s ON s.id = a.session_id
          WHERE n.delivered_at IS NULL
          ORDER BY n.id
          LIMIT ?`,
      )
      .all(limit) as NoticeRow[];
    return rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      guildId: row.guild_id,
      attemptId: row.attempt_id,
      threadId: row.thread_id,
      kind: row.kind,
      params: JSON.parse(row.params) as LearnerNotice['params'],
      createdAt: new Date(row.created_at),
    }));
  }

  markDelivered(ids: readonly number[], at: Date): void {
    const update = this.db.prepare('UPDATE learner_notices SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL');
    this.db.transaction(() => {
      for (const id of ids) update.run(at.getTime(), id);
    }).immediate();
  }
}
