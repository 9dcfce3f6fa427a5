import { describe, expect, it } from "vitest";
import { emptySubjectForm, parseSubjectForm } from "./form";

const member = (over: Partial<ReturnType<typeof emptySubjectForm>>) => ({
  ...emptySubjectForm(),
  ...over,
});

describe("the add-subject form", () => {
  it("sends a member typed decomposed (NFD) as precomposed text, blanks as null", () => {
    const parsed = parseSubjectForm(
      member({
        name: "  Nguye\u0302\u0303n  Va\u0306n \u0110u\u031B\u0301c ",
        birthYear: " 1975 ",
        unit: "Chi bo\u0323\u0302 Pho\u0300ng Ca\u0309nh sa\u0301t kinh te\u0302\u0301",
        post: "   ",
      }),
    );
    expect(parsed).toEqual({
      ok: true,
      input: {
        kind: "member",
        name: "Nguyễn Văn Đức",
        birth_year: 1975,
        unit: "Chi bộ Phòng Cảnh sát kinh tế",
        post: null,
        membership: null,
        authority: null,
      },
    });
    if (parsed.ok) expect(parsed.input.name).toBe("Nguyễn Văn Đức".normalize("NFC"));
  });

  it("requires a name", () => {
    expect(parseSubjectForm(member({ name: "  " }))).toEqual({ ok: false, problem: "nameRequired" });
  });

  it("refuses a birth year that is not a plausible four-digit year", () => {
    for (const birthYear of ["75", "19a5", "1850", "2200", "1975.5"]) {
      expect(parseSubjectForm(member({ name: "Lê Văn Tám", birthYear }))).toEqual({
        ok: false,
        problem: "birthYear",
      });
    }
  });

  it("drops the birth year and post of an organisation", () => {
    const parsed = parseSubjectForm({
      kind: "organisation",
      name: "Chi bộ Phòng Cảnh sát kinh tế",
      birthYear: "abc",
      unit: "Đảng bộ Công an tỉnh",
      post: "Bí thư",
    });
    expect(parsed).toEqual({
      ok: true,
      input: {
        kind: "organisation",
        name: "Chi bộ Phòng Cảnh sát kinh tế",
        birth_year: null,
        unit: "Đảng bộ Công an tỉnh",
        post: null,
        membership: null,
        authority: null,
      },
    });
  });
});
