// Pure helpers of the Reports screen: the merged header as table rows, the chart's bars, file
// names. The figures themselves come from the core (each cell with the cases behind it).
import type { HeaderCell, Report, ReportScope } from "../../lib/ipc/bindings";

/** Header cells grouped by the table row they start on, left to right (for <th colspan rowspan>). */
export function headerRows(report: Pick<Report, "header" | "header_rows">): HeaderCell[][] {
  const rows: HeaderCell[][] = Array.from({ length: report.header_rows }, () => []);
  for (const h of report.header) rows[h.row]?.push(h);
  for (const r of rows) r.sort((a, b) => a.col - b.col);
  return rows;
}

export type Bar = { label: string; value: number; column: number };

/**
 * The main figures for the chart: the total row's computed columns after the grand total
 * (level, content, conclusion…), zeros left out so the chart shows what there is.
 */
export function totalBars(report: Report): Bar[] {
  const total = report.rows.find((r) => r.kind === "total") ?? report.rows.find((r) => r.cells.length > 0);
  if (!total) return [];
  const bars: Bar[] = [];
  total.cells.forEach((c, i) => {
    if (i === 0 || c.value === null || c.value === 0) return;
    bars.push({ label: report.columns[i]?.label ?? String(i + 1), value: c.value, column: i });
  });
  return bars;
}

/** Per office (the roll-up rows of a report over every office): the grand total column. */
export function officeBars(report: Report): Bar[] {
  const start = report.rows.findIndex((r) => r.kind === "section" && r.no === "" && r.label.startsWith("Chia theo đơn vị"));
  if (start < 0) return [];
  return report.rows
    .slice(start + 1)
    .filter((r) => r.kind === "detail" && (r.cells[0]?.value ?? 0) > 0)
    .map((r) => ({ label: r.label, value: r.cells[0].value ?? 0, column: 0 }));
}

/** Bar widths as a share (0–1) of the largest figure. */
export function scaled(bars: Bar[]): { bar: Bar; share: number }[] {
  const max = Math.max(1, ...bars.map((b) => b.value));
  return bars.map((bar) => ({ bar, share: bar.value / max }));
}

/** "KTDHVP-DV_2026-9m_TW.pdf": the form, period and scope, nothing else. */
export function reportFileName(form: string, period: string, scope: ReportScope, office: string, ext: "pdf" | "xlsx"): string {
  const who = scope.kind === "all" ? "tong-hop" : scope.kind === "office" ? scope.office : office;
  return `${form}_${period}_${who}.${ext}`;
}
