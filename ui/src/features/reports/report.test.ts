import { describe, expect, it } from "vitest";
import type { Report } from "../../lib/ipc/bindings";
import { headerRows, reportFileName } from "./report";

const report = {
  form: "KTDHVP-DV",
  header_rows: 2,
  header: [
    { label: "Số TT", row: 0, col: 0, rows: 2, cols: 1 },
    { label: "Cấp kiểm tra", row: 0, col: 3, rows: 1, cols: 2 },
    { label: "Tổng số", row: 0, col: 2, rows: 2, cols: 1 },
    { label: "UBKT tỉnh", row: 1, col: 3, rows: 1, cols: 1 },
    { label: "UBKT huyện", row: 1, col: 4, rows: 1, cols: 1 },
  ],
  columns: [
    { label: "Tổng số", computed: true },
    { label: "UBKT tỉnh", computed: true },
    { label: "UBKT huyện", computed: true },
  ],
  rows: [
    { no: "", label: "Tổng cộng", kind: "total", cells: [{ value: 5, cases: [] }, { value: 0, cases: [] }, { value: 5, cases: ["a"] }] },
    { no: "", label: "Chia theo đơn vị chủ trì", kind: "section", cells: [] },
    { no: "HN", label: "Hà Nội", kind: "detail", cells: [{ value: 3, cases: [] }] },
    { no: "HUE", label: "Huế", kind: "detail", cells: [{ value: 0, cases: [] }] },
  ],
} as unknown as Report;

describe("reports", () => {
  it("groups header cells by their first row, left to right", () => {
    const rows = headerRows(report);
    expect(rows.map((r) => r.map((c) => c.label))).toEqual([
      ["Số TT", "Tổng số", "Cấp kiểm tra"],
      ["UBKT tỉnh", "UBKT huyện"],
    ]);
  });
  it("names export files by form, period and scope", () => {
    expect(reportFileName("KTDHVP-DV", "2026-9m", { kind: "all" }, "TW", "xlsx")).toBe("KTDHVP-DV_2026-9m_tong-hop.xlsx");
    expect(reportFileName("THKL-TC", "2026", { kind: "this" }, "HN", "pdf")).toBe("THKL-TC_2026_HN.pdf");
  });
});
