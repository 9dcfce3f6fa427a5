// Pure helpers of the Reports screen: the merged header as table rows, file names (the charts'
// shaping is in charts.ts). The figures themselves come from the core (each cell with the
// cases behind it).
import type { HeaderCell, Report, ReportScope } from "../../lib/ipc/bindings";

/** Header cells grouped by the table row they start on, left to right (for <th colspan rowspan>). */
export function headerRows(report: Pick<Report, "header" | "header_rows">): HeaderCell[][] {
  const rows: HeaderCell[][] = Array.from({ length: report.header_rows }, () => []);
  for (const h of report.header) rows[h.row]?.push(h);
  for (const r of rows) r.sort((a, b) => a.col - b.col);
  return rows;
}

/** "KTDHVP-DV_2026-9m_TW.pdf": the form, period and scope, nothing else. */
export function reportFileName(form: string, period: string, scope: ReportScope, office: string, ext: "pdf" | "xlsx"): string {
  const who = scope.kind === "all" ? "tong-hop" : scope.kind === "office" ? scope.office : office;
  return `${form}_${period}_${who}.${ext}`;
}
