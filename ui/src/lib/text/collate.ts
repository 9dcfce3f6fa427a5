// Vietnamese alphabetical order (a ă â b c d đ e ê …, tones after the base letter), the same
// order the core's `VI` SQL collation gives, for lists the UI sorts itself.

const collator = new Intl.Collator("vi", { sensitivity: "variant", numeric: true });

export function compareVi(a: string, b: string): number {
  return collator.compare(a.normalize("NFC"), b.normalize("NFC"));
}

/** People's names as Vietnamese lists sort them: by given name (the last word), then the rest. */
export function comparePersonNames(a: string, b: string): number {
  const split = (name: string) => {
    const words = name.normalize("NFC").trim().split(/\s+/);
    return [words[words.length - 1] ?? "", words.slice(0, -1).join(" ")] as const;
  };
  const [givenA, restA] = split(a);
  const [givenB, restB] = split(b);
  return compareVi(givenA, givenB) || compareVi(restA, restB);
}
