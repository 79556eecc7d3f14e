import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replaceBankFile, writeBankFile } from '../../src/bank/import/write.ts';
import { keyFixBank } from '../services/key-fix-fixtures.ts';

let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'write-bank-'));
  file = path.join(dir, 'keys.json');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the one bank writer', () => {
  it('writes a new file, and replaces one only with force, keeping the old one as a backup', async () => {
    expect(await writeBankFile(keyFixBank, file, { force: false })).toEqual({ ok: true, file });
    const first = fs.readFileSync(file, 'utf8');
    expect(JSON.parse(first)).toEqual(keyFixBank);
    expect(await writeBankFile({ ...keyFixBank, title: 'Other' }, file, { force: false })).toMatchObject({ ok: false, code: 'exists' });
    const replaced = await writeBankFile({ ...keyFixBank, title: 'Other' }, file, { force: true });
    expect(replaced.ok && fs.readFileSync(replaced.backup!, 'utf8')).toBe(first);
    expect((JSON.parse(fs.readFileSync(file, 'utf8')) as { title: string }).title).toBe('Other');
  });

  it('replaces a file only while it holds what the caller read, and never overwrites an earlier backup', async () => {
    fs.writeFileSync(file, 'original');
    const first = await replaceBankFile({ ...keyFixBank, title: 'One' }, file, 'original');
    expect(first.ok).toBe(true);
    const afterFirst = fs.readFileSync(file, 'utf8');
    const second = await replaceBankFile({ ...keyFixBank, title: 'Two' }, file, afterFirst);
    const afterSecond = fs.readFileSync(file, 'utf8');
    const third = await replaceBankFile({ ...keyFixBank, title: 'Three' }, file, afterSecond);
    // Three replacements within a few milliseconds: three distinct backups, each of the file as it was.
    const backups = [first, second, third].map((result) => (result.ok ? result.backup : ''));
    expect(new Set(backups).size).toBe(3);
    expect(backups.map((backup) => fs.readFileSync(backup, 'utf8'))).toEqual(['original', afterFirst, afterSecond]);
    expect((JSON.parse(fs.readFileSync(file, 'utf8')) as { title: string }).title).toBe('Three');
    expect(backups.every((backup) => backup.startsWith(`${file}.`) && backup.endsWith('.bak'))).toBe(true);

    // Someone edits the file by hand after it was read: the edit survives, nothing is written.
    const stale = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, 'edited by hand');
    expect(await replaceBankFile({ ...keyFixBank, title: 'Four' }, file, stale)).toMatchObject({ ok: false, code: 'changed' });
    expect(fs.readFileSync(file, 'utf8')).toBe('edited by hand');
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to replace what is not a regular file', async () => {
    fs.mkdirSync(file);
    expect(await replaceBankFile(keyFixBank, file, '')).toMatchObject({ ok: false, code: 'not-a-file' });
  });
});
