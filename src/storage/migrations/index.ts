import type { Db } from '../database.ts';
import { initialMigration } from './001-initial.ts';
import { llmUsageMigration } from './002-llm-usage.ts';
import { needsReviewMigration } from './003-needs-review.ts';
import { classReportMigration } from './004-class-report.ts';
import { teacherLoopMigration } from './005-teacher-loop.ts';
import { examsMigration } from './006-exams.ts';
import { reviewQueueMigration } from './007-review-queue.ts';
import { itemRollupsMigration } from './008-item-rollups.ts';

export interface Migration {
  /** 1, 2, 3…: becomes `PRAGMA user_version` once applied. */
  version: number;
  name: string;
  /** Runs inside the migration's transaction; throw to leave the file as it was. */
  up(db: Db): void;
}

/** Every migration this build knows, in order. Add a new one as a module and one line here. */
export const migrations: readonly Migration[] = [
  initialMigration,
  llmUsageMigration,
  needsReviewMigration,
  classReportMigration,
  teacherLoopMigration,
  examsMigration,
  reviewQueueMigration,
  itemRollupsMigration,
];
