import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatClassCsv } from '../src/progress/csv-export.ts';
import { createClassReportService } from '../src/services/class-reports.ts';
import { ClassReportRepository } from '../src/storage/class-report-repository.ts';
import { openDatabase, type Db } from '../src/storage/database.ts';
import type { ClassFilter } from '../src/progress/class-report.ts';
import { buildLargeDatabase } from './storage.ts';
import type { BenchModule } from './run.ts';

/**
 * The teacher's views on the storage bench's big database (1,000,000 attempts: 901 learners, 20 banks
 * of 200 questions, 5 guilds; `BENCH_STORAGE_TOTAL=200000 npm run bench class` for a quick run):
 * `tutor report items` as the CLI and `/class items` run it (the class report service: item
 * statistics from first attempts plus the response analysis), for a bank and for a bank in a guild;
 * the same report read from every attempt (what a period asks for, and what every report did before
 * migration 008's roll-ups); `/class report` for a bank in a guild, for a whole guild, and for the
 * last 30 days; and the CSV export of a guild. Each is timed p50/p95 over 20 runs after 2 warm-ups.
 */

const RUNS = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Wall and CPU time: on the shared machine the CPU figure is the steadier one. */
function time(label: string, work: () => string, log: (line: string) => void): void {
  work();
  work();
  const wall: number[] = [];
  const cpu: number[] = [];
  let detail = '';
  for (let index = 0; index < RUNS; index += 1) {
    const cpuBefore = cpuMs();
    const began = performance.now();
    detail = work();
    wall.push(performance.now() - began);
    cpu.push(cpuMs() - cpuBefore);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  log(
    `${label}: p50 ${percentile(wall, 50).toFixed(1)} ms, p95 ${percentile(wall, 95).toFixed(1)} ms wall; ` +
      `CPU p50 ${percentile(cpu, 50).toFixed(1)} ms, p95 ${percentile(cpu, 95).toFixed(1)} ms (${RUNS} runs; ${detail})`,
  );
}

function measure(db: Db, log: (line: string) => void): void {
  const reports = new ClassReportRepository(db);
  const service = createClassReportService({ source: reports, timeZone: 'UTC' });
  const now = new Date(Date.UTC(2026, 10, 1, 12));
  const bankId = 'bank-3';

  const items = (filter: Omit<ClassFilter, 'bankId'>) => () => {
    const rows = service.itemReport(bankId, filter);
    const answers = rows.reduce((sum, row) => sum + (row.responses?.reduce((inner, response) => inner + response.count, 0) ?? 0), 0);
    const learners = rows.reduce((sum, row) => sum + row.attempts, 0);
    return `${rows.length} questions, ${rows.filter((row) => row.flags.length > 0).length} flagged, ${learners.toLocaleString('en-US')} first attempts, ${answers.toLocaleString('en-US')} answers analysed`;
  };
  time(`report items --bank ${bankId} (item statistics + response analysis, from the roll-ups)`, items({}), log);
  time(`report items --bank ${bankId} --guild guild-1`, items({ guildId: 'guild-1' }), log);
  time(`report items --bank ${bankId}, read from every attempt (a period; the path before migration 008)`, items({ since: new Date(0) }), log);

  const cases: Array<[string, ClassFilter]> = [
    [`class report, ${bankId} in guild-1`, { bankId, guildId: 'guild-1', now }],
    ['class report, all banks in guild-1', { guildId: 'guild-1', now }],
    ['class report, guild-1, last 30 days', { guildId: 'guild-1', since: new Date(now.getTime() - 30 * 86_400_000), now }],
  ];
  for (const [label, filter] of cases) {
    time(
      label,
      () => {
        const report = service.classReport(filter);
        return `${report.totals.attempts.toLocaleString('en-US')} attempts, ${report.activeLearners} learners`;
      },
      log,
    );
  }
  time(
    'export, guild-1 (rows + CSV)',
    () => {
      const csv = formatClassCsv(reports.exportRows({ guildId: 'guild-1' }));
      return `${(csv.length / 1024).toFixed(0)} KiB of CSV`;
    },
    log,
  );
}

const bench: BenchModule = {
  name: 'class',
  async run(log) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'study-tutor-bench-class-'));
    log(`${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)} at start`);
    try {
      const db = openDatabase(path.join(dir, 'large.sqlite'));
      try {
        buildLargeDatabase(db, log);
        measure(db, log);
      } finally {
        db.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
