import { describe, expect, it } from "vitest";
import { printFileName, svgDataUrl } from "./print";

describe("print dialog helpers", () => {
  it("suggests a plain file name per document", () => {
    expect(printFileName("HN-2026-0001", false)).toBe("HN-2026-0001 tom tat.pdf");
    expect(printFileName("HN-2026-0001", true)).toBe("HN-2026-0001 ho so.pdf");
    expect(printFileName("../x/y", false)).toBe(".._x_y tom tat.pdf");
  });

  it("makes an SVG page an encoded data URL", () => {
    const url = svgDataUrl('<svg xmlns="http://www.w3.org/2000/svg"><text>Đức #1</text></svg>');
    expect(url.startsWith("data:image/svg+xml;charset=utf-8,")).toBe(true);
    expect(url).not.toContain("#");
    expect(decodeURIComponent(url.split(",")[1])).toContain("Đức #1");
  });
});
