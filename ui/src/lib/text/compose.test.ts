import { describe, expect, it } from "vitest";
import { settledInput } from "./compose";

function field() {
  const input = document.createElement("input");
  const seen: string[] = [];
  settledInput(input, (v) => seen.push(v));
  return { input, seen };
}

describe("input from Vietnamese input methods", () => {
  it("waits for compositionend before reporting the value", () => {
    const { input, seen } = field();
    input.dispatchEvent(new CompositionEvent("compositionstart"));
    input.value = "Đa";
    input.dispatchEvent(new InputEvent("input", { isComposing: true }));
    input.value = "Đả";
    input.dispatchEvent(new InputEvent("input", { isComposing: true }));
    expect(seen).toEqual([]);
    input.value = "Đảng";
    input.dispatchEvent(new CompositionEvent("compositionend"));
    expect(seen).toEqual(["Đảng"]);
  });

  it("reports plain typing at once, normalised to NFC", () => {
    const { input, seen } = field();
    input.value = "\u0110a\u0309ng u\u0309y"; // "Đảng ủy" typed decomposed (NFD)
    input.dispatchEvent(new InputEvent("input"));
    expect(seen).toEqual(["Đảng ủy"]);
    expect(seen[0]).toBe("Đảng ủy".normalize("NFC"));
  });
});
