import { describe, expect, it } from "vitest";
import { compareVi, comparePersonNames } from "./collate";

const sorted = (xs: string[], cmp = compareVi) => [...xs].sort(cmp);

describe("Vietnamese collation", () => {
  it("puts đ after d: Đào after Dương", () => {
    expect(sorted(["Đào", "Dương"])).toEqual(["Dương", "Đào"]);
  });

  it("orders a ă â and u ư as the alphabet does", () => {
    expect(sorted(["Ân", "Ăn", "An"])).toEqual(["An", "Ăn", "Ân"]);
    expect(sorted(["Ưng", "Uy"])).toEqual(["Uy", "Ưng"]);
  });

  it("compares tones after the base letters: Anh before Ánh, Ánh before Bình", () => {
    expect(sorted(["Bình", "Ánh", "Anh"])).toEqual(["Anh", "Ánh", "Bình"]);
  });

  it("treats decomposed input like precomposed", () => {
    expect(compareVi("\u0110a\u0300o", "Đào")).toBe(0);
  });

  it("sorts people by given name first", () => {
    expect(sorted(["Trần Văn Bình", "Nguyễn Thị An", "Lê Văn An"], comparePersonNames)).toEqual([
      "Lê Văn An",
      "Nguyễn Thị An",
      "Trần Văn Bình",
    ]);
  });
});
