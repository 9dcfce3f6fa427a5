import { describe, expect, it } from "vitest";
import type { ReportCharts } from "../../lib/ipc/bindings";
import vi from "../../i18n/vi.json";
import en from "../../i18n/en.json";
import { bucketLabel, cellAt, dataTable, disciplineChart, isEmpty, kindChart, overdueChart, palette, summary, type Translate } from "./charts";

// A translation function over the real catalogue (ICU placeholders filled in).
function translator(catalogue: Record<string, unknown>): Translate {
  return (key, options) => {
    const found = key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], catalogue);
    if (typeof found !== "string") return key;
    return found.replace(/\{(\w+)\}/g, (_, name) => String(options?.values?.[name] ?? `{${name}}`));
  };
}
const t = translator(vi);

const cell = (value: number, cases: string[] = []) => ({ value, cases });

const charts = {
  period: { code: "2026-q1", label: "Quý I năm 2026", start: "2026-01-01", end: "2026-03-31" },
  scope: { code: "*", name: "Toàn lực lượng", all: true },
  buckets: ["2026-01", "2026-02", "2026-03"],
  by_kind: [
    { kind: "inspection-on-signs", cells: [cell(0), cell(2, ["a", "b"]), cell(1, ["c"])], total: cell(3, ["a", "b", "c"]) },
    { kind: "denunciation", cells: [cell(1, ["d"]), cell(0), cell(0)], total: cell(1, ["d"]) },
  ],
  opened: cell(4, ["a", "b", "c", "d"]),
  discipline: [
    { form: "reprimand", cell: cell(1, ["a"]) },
    { form: "warning", cell: cell(2, ["a", "c"]) },
    { form: "removal-from-post", cell: cell(0) },
    { form: "expulsion", cell: cell(0) },
    { form: "dissolution", cell: cell(0) },
  ],
  disciplined: cell(3, ["a", "c"]),
  overdue_on: "2026-03-31",
  overdue: [
    { office: "HN", name: "Công an Hà Nội", cell: cell(1234, ["x"]) },
    { office: "TW", name: "Cục Trung ương", cell: cell(1, ["y"]) },
  ],
  overdue_total: cell(1235, ["x", "y"]),
  cases: {},
} as unknown as ReportCharts;

describe("report charts", () => {
  it("labels months the way each language reads them", () => {
    expect(bucketLabel("2026-03", "vi")).toBe("T3");
    expect(bucketLabel("2026-03", "en")).toBe("Mar");
    expect(bucketLabel("2026", "vi")).toBe("2026");
  });

  it("stacks cases by kind per month with short names and full names for the table", () => {
    const d = kindChart(charts, t, "vi");
    expect(d.categories).toEqual(["T1", "T2", "T3"]);
    expect(d.fullCategories).toEqual(["Tháng 1/2026", "Tháng 2/2026", "Tháng 3/2026"]);
    expect(d.series.map((s) => [s.name, s.fullName, s.values])).toEqual([
      ["KT dấu hiệu vi phạm", "Kiểm tra khi có dấu hiệu vi phạm", [0, 2, 1]],
      ["Giải quyết tố cáo", vi.kind.denunciation, [1, 0, 0]],
    ]);
    expect(d.total).toBe(4);
    const table = dataTable(d, "Loại vụ việc", t);
    expect(table.head).toEqual(["Loại vụ việc", "Tháng 1/2026", "Tháng 2/2026", "Tháng 3/2026", "Tổng"]);
    expect(table.rows[0]).toEqual(["Kiểm tra khi có dấu hiệu vi phạm", 0, 2, 1, 3]);
  });

  it("keeps every discipline form in order and names them in Vietnamese or English", () => {
    const d = disciplineChart(charts, t);
    expect(d.categories).toEqual(["Khiển trách", "Cảnh cáo", "Cách chức", "Khai trừ", "Giải tán"]);
    expect(d.series[0].values).toEqual([1, 2, 0, 0, 0]);
    expect(disciplineChart(charts, translator(en)).categories[0]).toBe(en.disciplineForm.reprimand);
    expect(dataTable(d, "Hình thức", t).rows[1]).toEqual(["Cảnh cáo", 2]);
  });

  it("says the total and the largest figures for a screen reader, numbers with dots", () => {
    const d = overdueChart(charts, t);
    expect(summary("Quá hạn", d, t)).toBe("Quá hạn. Tổng số: 1.235; Công an Hà Nội (HN): 1.234; Cục Trung ương (TW): 1.");
    const k = kindChart(charts, t, "vi");
    expect(summary("Theo loại", k, t, 1)).toBe("Theo loại. Tổng số: 4; Kiểm tra khi có dấu hiệu vi phạm: 3.");
    // Zero figures are not read out.
    expect(summary("Kỷ luật", disciplineChart(charts, t), t)).not.toContain("Cách chức");
  });

  it("drills into the cases of a clicked bar, never into an empty one", () => {
    const k = kindChart(charts, t, "vi");
    expect(cellAt(k, 0, 1)?.cases).toEqual(["a", "b"]);
    expect(cellAt(k, 0, 0)).toBeNull();
    expect(cellAt(k, 5, 0)).toBeNull();
  });

  it("knows when a chart has nothing to draw", () => {
    const none = { ...charts, overdue: [], overdue_total: cell(0), by_kind: [], opened: cell(0) } as unknown as ReportCharts;
    expect(isEmpty(overdueChart(none, t))).toBe(true);
    expect(isEmpty(kindChart(none, t, "vi"))).toBe(true);
    expect(isEmpty(disciplineChart(charts, t))).toBe(false);
  });

  it("takes series colours from the design system's variables", () => {
    const vars: Record<string, string> = { "--chart-1": " #111111", "--chart-2": "" };
    const colours = palette((n) => vars[n] ?? "", 3);
    expect(colours[0]).toBe("#111111");
    expect(colours[1]).toMatch(/^#[0-9a-f]{6}$/);
    expect(new Set(colours).size).toBe(3);
  });
});
