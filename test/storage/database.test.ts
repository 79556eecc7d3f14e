import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DatabaseError, knownSchemaVersion, openDatabase } from '../../src/storage/database.ts';
import { migrations, type Migration } from '../../src/storage/migrations/index.ts';
import { useTempDatabases } from './fixtures.ts';

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('openDatabase', () => {
  const temp = useTempDatabases();

  it('creates the parent folder and applies every migration to an empty file', () => {
    const file = path.join(temp.dir(), 'nested', 'folder', 'tutor.sqlite');
    const db = openDatabase(file);
    temp.track(db);

    expect(fs.existsSync(file)).toBe(true);
    expect(db.pragma('user_version', { simple: true })).toBe(knownSchemaVersion());
    expect(knownSchemaVersion()).toBe(migrations.length);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining(['attempts', 'follow_ups', 'quiz_sessions', 'review_cards', 'stats_groups', 'stats_guild_hours', 'stats_latest', 'stats_questions', 'stats_rubric_misses', 'stats_slots', 'users']),
    );
    const triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").pluck().all();
    expect(triggers).toEqual(['attempts_items_insert', 'attempts_items_rescore', 'attempts_items_update', 'attempts_stats_insert', 'attempts_stats_regrade']);
  });

  it('turns on WAL, foreign keys, a busy timeout and synchronous=NORMAL', () => {
    const db = openDatabase(path.join(temp.dir(), 'tutor.sqlite'));
    temp.track(db);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('keeps the rows when the file is opened again and applies nothing twice', () => {
    const file = path.join(temp.dir(), 'tutor.sqlite');
    const first = openDatabase(file);
    first.prepare("INSERT INTO users (id, display_name, created_at, updated_at) VALUES ('u1', 'Ann', 0, 0)").run();
    first.close();

    const second = openDatabase(file);
    temp.track(second);
    expect(second.prepare('SELECT display_name FROM users').pluck().all()).toEqual(['Ann']);
    expect(second.pragma('user_version', { simple: true })).toBe(knownSchemaVersion());
  });

  it('applies a later migration to a file created by an earlier build, in order', () => {
    const file = path.join(temp.dir(), 'tutor.sqlite');
    openDatabase(file).close();
    const extra: Migration = {
      version: migrations.length + 1,
      name: 'test-extra',
      up: (db) => db.exec('CREATE TABLE extra_rows (id INTEGER PRIMARY KEY, user_id TEXT)'),
    };
    const db = openDatabase(file, { migrations: [...migrations, extra] });
    temp.track(db);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length + 1);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'extra_rows'").pluck().get()).toBe(1);
  });

  it('rolls a failing migration back entirely and leaves the version where it was', () => {
    const file = path.join(temp.dir(), 'tutor.sqlite');
    openDatabase(file).close();
    const broken: Migration = {
      version: migrations.length + 1,
      name: 'broken',
      up: (db) => {
        db.exec('CREATE TABLE half_done (id INTEGER)');
        throw new Error('boom in the middle');
      },
    };
    expect(() => openDatabase(file, { migrations: [...migrations, broken] })).toThrow(/boom in the middle/);
    const db = new Database(file);
    temp.track(db);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get()).toBe(0);
  });

  it('refuses a file from a newer schema with a clear message and leaves it byte for byte unchanged', () => {
    const file = path.join(temp.dir(), 'tutor.sqlite');
    const future = new Database(file);
    future.exec("CREATE TABLE users (id TEXT PRIMARY KEY); INSERT INTO users VALUES ('keep-me')");
    future.pragma(`user_version = ${knownSchemaVersion() + 5}`);
    future.close();
    const before = sha256(file);

    const error = catchError(() => openDatabase(file));
    expect(error).toBeInstanceOf(DatabaseError);
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toContain('created by a newer version of study-tutor');
    expect(message).toContain(`schema ${knownSchemaVersion() + 5}, this build knows ${knownSchemaVersion()}`);
    expect(message).toMatch(/upgrade/i);
    expect((error as DatabaseError).code).toBe('database-newer-schema');

    expect(sha256(file)).toBe(before);
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT id FROM users').pluck().all()).toEqual(['keep-me']);
    check.close();
  });

  it('refuses a file that is not SQLite, naming the path, and leaves it as it was', () => {
    const file = path.join(temp.dir(), 'tutor.sqlite');
    fs.writeFileSync(file, 'This is a shopping list, not a database.\n'.repeat(200));
    const before = sha256(file);

    const error = catchError(() => openDatabase(file));
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).code).toBe('database-unreadable');
    expect((error as Error).message).toContain(`Cannot open the database ${file}`);
    expect((error as Error).message).toMatch(/not a database|corrupt/);
    expect(sha256(file)).toBe(before);
  });

  it('refuses a SQLite file whose schema page is damaged instead of resetting it', () => {
    const file = path.join(temp.dir(), 'tutor.sqlite');
    openDatabase(file).close();
    const bytes = fs.readFileSync(file);
    // Keep the 100-byte header, scramble the rest of page 1 (the schema table).
    for (let index = 100; index < 4096 && index < bytes.length; index += 1) bytes[index] = (index * 37) & 0xff;
    fs.writeFileSync(file, bytes);
    const before = sha256(file);

    const error = catchError(() => openDatabase(file));
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/malformed|corrupt|not a database/);
    expect(sha256(file)).toBe(before);
  });

  it("refuses a file whose table pages are damaged, naming the path, rather than failing on a later query", () => {
    const file = path.join(temp.dir(), 'tutor.sqlite');
    const db = openDatabase(file);
    const store = db.prepare("INSERT INTO users (id, display_name, created_at, updated_at) VALUES (?, 'x', 0, 0)");
    for (let index = 0; index < 50; index += 1) store.run(`user-${index}`);
    const rootPage = db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'users'").pluck().get() as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = fs.readFileSync(file);
    bytes.fill(0xa5, (rootPage - 1) * pageSize, rootPage * pageSize);
    fs.writeFileSync(file, bytes);

    const error = catchError(() => openDatabase(file));
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/malformed|corrupt/);
  });

  it('opens read-only without migrating, and says so when the file does not exist', () => {
    const file = path.join(temp.dir(), 'tutor.sqlite');
    expect(() => openDatabase(file, { readonly: true })).toThrow(/No database at .*tutor\.sqlite/);
    expect(fs.existsSync(file)).toBe(false);

    openDatabase(file).close();
    const db = openDatabase(file, { readonly: true });
    temp.track(db);
    expect(db.readonly).toBe(true);
    expect(() => db.prepare("INSERT INTO users (id, display_name, created_at, updated_at) VALUES ('u', 'u', 0, 0)").run()).toThrow(/readonly/);
  });
});
