// Case numbers named in the core's texts (omission reasons: "open denunciation HN-2026-0003").
const NUMBER = /\b([A-Z][A-Z0-9]{1,9}-\d{4}-\d{4,})\b/;

export function caseNumberIn(text: string): string | null {
  return NUMBER.exec(text)?.[1] ?? null;
}

/** The core's omission reasons ("open denunciation X", "signs of violation found in X"), as an
 * i18n key and the case number; other texts are shown as they are. */
export function omissionReason(text: string): { key: string; number: string } | null {
  const number = caseNumberIn(text);
  if (!number) return null;
  if (text.startsWith("open denunciation")) return { key: "dashboard.reason.openDenunciation", number };
  if (text.startsWith("signs of violation found in")) return { key: "dashboard.reason.signsFound", number };
  return null;
}
