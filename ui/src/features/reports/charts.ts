// Pure shaping of the Reports screen's charts: the core's figures (ReportCharts: every figure a
// Cell with the cases behind it) into what a chart draws, the data table beside it and the
// sentence a screen reader reads. No chart library here: ChartsFigure.svelte draws the shapes.
import type { Cell, ReportCharts } from "../../lib/ipc/bindings";

/** A translation function (svelte-i18n's `$_`). */
export type Translate = (key: string, options?: { values?: Record<string, string | number> }) => string;

/** One drawn series: a name, one value per category and the cells behind them (drill-down). */
export type Series = { key: string; name: string; fullName: string; values: number[]; cells: Cell[] };

/** What one chart shows: categories along an axis, one or more series, the total. */
export type ChartData = {
  categories: string[];
  /** Full category names (tooltips and the data table), same order as `categories`. */
  fullCategories: string[];
  series: Series[];
  total: number;
};

/** The data table of a chart: a header row, then one row per series (or per category). */
export type DataTable = { head: string[]; rows: (string | number)[][] };

/** Numbers as officers write them: "." for thousands. */
export function formatNumber(n: number): string {
  return n.toLocaleString("vi-VN");
}

/** "2026-03" → "T3" (Vietnamese) or "Mar" (other locales); a year bucket stays "2026". */
export function bucketLabel(bucket: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(bucket);
  if (!m) return bucket;
  const month = Number(m[2]);
  if (locale.startsWith("vi")) return `T${month}`;
  return new Intl.DateTimeFormat(locale, { month: "short", timeZone: "UTC" }).format(new Date(Date.UTC(Number(m[1]), month - 1, 1)));
}

/** Full name of a bucket for tooltips and tables: "Tháng 3/2026" or "March 2026"; a year as is. */
export function bucketName(bucket: string, t: Translate): string {
  const m = /^(\d{4})-(\d{2})$/.exec(bucket);
  return m ? t("reports.charts.monthOf", { values: { month: Number(m[2]), year: m[1] } }) : bucket;
}

const value = (c: Cell) => c.value ?? 0;

/** Cases opened per month (or year), one stacked series per case kind. */
export function kindChart(charts: ReportCharts, t: Translate, locale: string): ChartData {
  return {
    categories: charts.buckets.map((b) => bucketLabel(b, locale)),
    fullCategories: charts.buckets.map((b) => bucketName(b, t)),
    series: charts.by_kind.map((s) => ({
      key: s.kind,
      name: t(`reports.charts.kindShort.${s.kind}`),
      fullName: t(`kind.${s.kind}`),
      values: s.cells.map(value),
      cells: s.cells,
    })),
    total: value(charts.opened),
  };
}

/** Subjects disciplined in the period, one bar per discipline form (every form, zeros kept). */
export function disciplineChart(charts: ReportCharts, t: Translate): ChartData {
  const names = charts.discipline.map((b) => t(`disciplineForm.${b.form}`));
  return {
    categories: names,
    fullCategories: names,
    series: [
      {
        key: "discipline",
        name: t("reports.charts.subjects"),
        fullName: t("reports.charts.subjects"),
        values: charts.discipline.map((b) => value(b.cell)),
        cells: charts.discipline.map((b) => b.cell),
      },
    ],
    total: value(charts.disciplined),
  };
}

/** Overdue cases by lead office, most first (offices without any are not listed). */
export function overdueChart(charts: ReportCharts, t: Translate): ChartData {
  return {
    categories: charts.overdue.map((b) => b.name),
    fullCategories: charts.overdue.map((b) => `${b.name} (${b.office})`),
    series: [
      {
        key: "overdue",
        name: t("reports.charts.overdueCases"),
        fullName: t("reports.charts.overdueCases"),
        values: charts.overdue.map((b) => value(b.cell)),
        cells: charts.overdue.map((b) => b.cell),
      },
    ],
    total: value(charts.overdue_total),
  };
}

/** True when nothing would be drawn (every value zero). */
export function isEmpty(data: ChartData): boolean {
  return data.series.every((s) => s.values.every((v) => v === 0));
}

/**
 * The sentence a screen reader reads for a chart: its title, the total, then each non-zero
 * figure ("Kiểm tra khi có dấu hiệu vi phạm: 12"), largest first, at most `limit` of them.
 */
export function summary(title: string, data: ChartData, t: Translate, limit = 8): string {
  const parts: { name: string; n: number }[] = [];
  if (data.series.length > 1) {
    for (const s of data.series) parts.push({ name: s.fullName, n: s.values.reduce((a, b) => a + b, 0) });
  } else {
    data.series[0]?.values.forEach((n, i) => parts.push({ name: data.fullCategories[i] ?? "", n }));
  }
  const shown = parts
    .filter((p) => p.n > 0)
    .sort((a, b) => b.n - a.n)
    .slice(0, limit)
    .map((p) => `${p.name}: ${formatNumber(p.n)}`);
  const total = t("reports.charts.totalIs", { values: { total: formatNumber(data.total) } });
  return [`${title}. ${total}`, ...shown].join("; ") + ".";
}

/**
 * The data table behind a chart. Several series (cases by kind): one row per series with a
 * column per category and a total; one series: one row per category.
 */
export function dataTable(data: ChartData, firstColumn: string, t: Translate): DataTable {
  if (data.series.length > 1) {
    return {
      head: [firstColumn, ...data.fullCategories, t("reports.charts.total")],
      rows: data.series.map((s) => [s.fullName, ...s.values, s.values.reduce((a, b) => a + b, 0)]),
    };
  }
  const s = data.series[0];
  return {
    head: [firstColumn, s?.fullName ?? ""],
    rows: data.fullCategories.map((c, i) => [c, s?.values[i] ?? 0]),
  };
}

/** The cell behind a clicked bar, or null (a zero bar has no cases to list). */
export function cellAt(data: ChartData, seriesIndex: number, dataIndex: number): Cell | null {
  const c = data.series[seriesIndex]?.cells[dataIndex];
  return c && value(c) > 0 ? c : null;
}

/**
 * Colours of the design system for the series, read from CSS custom properties (`--chart-1`…),
 * with fallbacks for a document without them (tests).
 */
export function palette(read: (name: string) => string, count: number): string[] {
  const fallback = ["#3b5b7a", "#c99a06", "#2f7a78", "#7a4f8f", "#8c6239", "#5b7fa6", "#a0668c", "#34495e", "#b59a6a"];
  return Array.from({ length: count }, (_, i) => {
    const v = read(`--chart-${(i % fallback.length) + 1}`).trim();
    return v || fallback[i % fallback.length];
  });
}
