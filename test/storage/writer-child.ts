/**
 * A separate process that writes attempts through the real store, for the crash and concurrency tests.
 * Usage: node --import tsx writer-child.ts <db> <userId> <count|forever>
 * Prints one line per 50 attempts stored ("stored N") so the parent can tell it is mid-stream.
 */
import { openDatabase } from '../../src/storage/database.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { makeAttempt, makeFreeTextAttempt } from './fixtures.ts';

const [dbPath, userId, countArg] = process.argv.slice(2);
if (!dbPath || !userId || !countArg) throw new Error('usage: writer-child.ts <db> <userId> <count|forever>');
const limit = countArg === 'forever' ? Number.POSITIVE_INFINITY : Number(countArg);

const db = openDatabase(dbPath);
const store = new SqliteProgressStore(db);
const start = Date.UTC(2026, 0, 1);
for (let index = 0; index < limit; index += 1) {
  const common = { userId, questionId: `q${index % 10}`, createdAt: new Date(start + index * 60_000) };
  store.recordAttempt(index % 3 === 0 ? makeFreeTextAttempt(['met', 'missed'], common) : makeAttempt({ ...common, score: index % 2 }));
  if ((index + 1) % 50 === 0) process.stdout.write(`stored ${index + 1}\n`);
}
db.close();
process.stdout.write('done\n');
