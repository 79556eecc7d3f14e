import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../errors.ts';
import { migrations as defaultMigrations, type Migration } from './migrations/index.ts';

/** The connection every repository shares (the progress store, the tutor's usage repository). */
export type Db = Database.Database;

export type DatabaseErrorCode = 'database-newer-schema' | 'database-unreadable' | 'database-missing' | 'database-outdated' | 'database-migration';

/**
 * The database cannot be used as it is. Raised at start so the bot stops with this message; the file
 * is never deleted, reset or migrated down.
 */
export class DatabaseError extends UserError {
  constructor(
    code: DatabaseErrorCode,
    readonly filePath: string,
    params: Record<string, string | number> = {},
  ) {
    super(code, { path: filePath, ...params });
    this.name = 'DatabaseError';
  }
}

export interface OpenDatabaseOptions {
  /** Open without writing anything: no migrations, no pragmas that touch the file. */
  readonly?: boolean;
  /** Milliseconds a writer waits for another process's lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /** For tests only: the ordered migration list (defaults to every migration this build knows). */
  migrations?: readonly Migration[];
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if needed) the SQLite file at `filePath`: WAL, foreign keys, a busy timeout so a
 * second process (another shard, `tutor db backup`, the CLI) waits instead of failing, and every
 * pending migration applied. The schema version lives in `PRAGMA user_version`.
 */
export function openDatabase(filePath: string, options: OpenDatabaseOptions = {}): Db {
  const list = options.migrations ?? defaultMigrations;
  const known = latestVersion(list);
  const readonly = options.readonly ?? false;

  if (readonly && !fs.existsSync(filePath)) {
    throw new DatabaseError('database-missing', filePath, { hint: 'start the bot once to create it.' });
  }
  if (!readonly) fs.mkdirSync(path.dirname(path.resolve(filePath)), { recursive: true });

  let db: Db;
  try {
    db = new Database(filePath, { readonly, fileMustExist: readonly });
  } catch (error) {
    throw unreadable(filePath, error);
  }

  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
    // Read before changing anything: a file from a newer build, or one that is not SQLite, must be left as it was.
    const found = readUserVersion(db, filePath);
    if (found > known) {
      throw new DatabaseError('database-newer-schema', filePath, { found, known });
    }
    probeTables(db, filePath);
    if (readonly) {
      if (found < known) {
        throw new DatabaseError('database-outdated', filePath, { found, known });
      }
      db.pragma('foreign_keys = ON');
      return db;
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    applyMigrations(db, list, filePath);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof DatabaseError) throw error;
    throw unreadable(filePath, error);
  }
}

function readUserVersion(db: Db, filePath: string): number {
  try {
    // Touching sqlite_master makes SQLite read and check the header and the schema page.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db.pragma('user_version', { simple: true }) as number;
  } catch (error) {
    throw unreadable(filePath, error);
  }
}

/**
 * Reads the first row of every table (bypassing indexes), which touches each root page: a file damaged there
 * stops the start with a clear message instead of failing on some later query. (A full
 * `PRAGMA quick_check` reads the whole file, too slow for every start; `tutor db backup` runs one on
 * its copy.)
 */
function probeTables(db: Db, filePath: string): void {
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    for (const table of tables) db.prepare(`SELECT 1 FROM "${table.replaceAll('"', '""')}" NOT INDEXED LIMIT 1`).get();
  } catch (error) {
    throw unreadable(filePath, error);
  }
}

function unreadable(filePath: string, error: unknown): DatabaseError {
  const reason = error instanceof Error ? error.message : String(error);
  return new DatabaseError('database-unreadable', filePath, { reason });
}

function latestVersion(list: readonly Migration[]): number {
  return list.reduce((max, migration) => Math.max(max, migration.version), 0);
}

/**
 * Applies every migration above the file's user_version, each in its own IMMEDIATE transaction that
 * re-reads the version first, so two processes starting together apply each migration exactly once.
 */
export function applyMigrations(db: Db, list: readonly Migration[], filePath = db.name): void {
  const ordered = [...list].sort((a, b) => a.version - b.version);
  ordered.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migrations must be numbered 1, 2, 3… without gaps; found ${migration.version} (${migration.name}) at position ${index + 1}.`);
    }
  });
  for (const migration of ordered) {
    const apply = db.transaction(() => {
      const current = db.pragma('user_version', { simple: true }) as number;
      if (current >= migration.version) return;
      if (current !== migration.version - 1) {
        throw new DatabaseError('database-migration', filePath, { current, version: migration.version, name: migration.name });
      }
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    });
    apply.immediate();
  }
}

/** The schema version this build creates. */
export function knownSchemaVersion(list: readonly Migration[] = defaultMigrations): number {
  return latestVersion(list);
}

/** True when the schema has a table of that name (lets code work before and after optional migrations). */
export function hasTable(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}
