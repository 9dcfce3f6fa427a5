// Case numbers named in the core's texts (omission reasons: "open denunciation HN-2026-0003").
const NUMBER = /\b([A-Z][A-Z0-9]{1,9}-\d{4}-\d{4,})\b/;

export function caseNumberIn(text: string): string | null {
  return NUMBER.exec(text)?.[1] ?? null;
}
