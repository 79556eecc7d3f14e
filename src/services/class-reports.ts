import type { ClassFilter, ClassReport, ClassReportSource } from '../progress/class-report.ts';
import { formatClassCsv } from '../progress/csv-export.ts';
import { buildItemReport, type ItemReportRow } from '../progress/item-report.ts';

/**
 * The teacher's views of a class (issue 12): the class report, item statistics with response
 * analysis, and the CSV export. Both front ends call this; who may see it is theirs to check (the
 * CLI's operator is trusted, Discord checks the teacher role).
 */
export interface ClassReportService {
  classReport(filter?: ClassFilter): ClassReport;
  /** Per question of the bank: statistics from first attempts, and the answers given; "check the key" first. */
  itemReport(bankId: string, filter?: Omit<ClassFilter, 'bankId'>): ItemReportRow[];
  /** The CSV (UTF-8 with BOM) and how many learner-and-bank rows it holds. */
  exportCsv(filter?: ClassFilter): { csv: string; rows: number };
}

export interface ClassReportServiceDeps {
  source: ClassReportSource;
  /** IANA zone for the activity chart's days (config TIME_ZONE). */
  timeZone: string;
}

export function createClassReportService(deps: ClassReportServiceDeps): ClassReportService {
  return {
    classReport: (filter = {}) => deps.source.classReport({ timeZone: deps.timeZone, ...filter }),
    itemReport(bankId, filter = {}) {
      return buildItemReport(deps.source.itemReportInput(bankId, filter));
    },
    exportCsv(filter = {}) {
      const rows = deps.source.exportRows(filter);
      return { csv: formatClassCsv(rows), rows: rows.length };
    },
  };
}
