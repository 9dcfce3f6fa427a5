import { describe, expect, it } from "vitest";
import vi from "./vi.json";
import en from "./en.json";
import { ERROR_CODES } from "../lib/ipc/bindings";

function keys(obj: object, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === "object" && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe("message catalogues", () => {
  it("English has exactly the Vietnamese keys", () => {
    expect(keys(en).sort()).toEqual(keys(vi).sort());
  });

  it("every error code the app can receive has a message in both languages", () => {
    for (const code of ERROR_CODES) {
      expect(vi.errors).toHaveProperty([code]);
      expect(en.errors).toHaveProperty([code]);
    }
  });

  it("the Vietnamese title is the product's official title", () => {
    expect(vi.app.title).toBe("HoSo — Sổ hồ sơ kiểm tra, giám sát, kỷ luật đảng");
  });

  it("Vietnamese text is stored precomposed (NFC)", () => {
    for (const text of keys(vi)) {
      const value = text.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], vi);
      expect(typeof value === "string" && value.normalize("NFC") === value).toBe(true);
    }
  });
});
