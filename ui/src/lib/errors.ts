// Errors from the core arrive as { code, detail, field }. The user reads a message in their
// language chosen by `code`; the English `detail` stays available behind a disclosure. This is
// the one place that maps codes (and the fields the core names) to what the UI shows.
import type { IpcError } from "./ipc/bindings";

export function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as IpcError).code === "string" &&
    typeof (value as IpcError).detail === "string"
  );
}

/** The i18n key for an error code; unknown codes fall back to a generic message. */
export function errorMessageKey(code: string, known: (key: string) => boolean): string {
  const key = `errors.${code}`;
  return known(key) ? key : "errors.unknown";
}

/** Anything thrown (IPC error, JS exception, string) as an IpcError. */
export function toIpcError(e: unknown): IpcError {
  if (isIpcError(e)) return { ...e, field: e.field ?? null };
  if (e instanceof Error) return { code: "internal", detail: e.message, field: null };
  return { code: "internal", detail: String(e), field: null };
}

/**
 * The core's own reason, without its "invalid <field>: " prefix: shown with refusals (a
 * discipline form the subject cannot receive, a date outside the case) so the officer reads
 * why, not only that.
 */
export function coreReason(e: IpcError): string {
  if (e.code === "invalid" && e.field) {
    const prefix = `invalid ${e.field}: `;
    if (e.detail.startsWith(prefix)) return e.detail.slice(prefix.length);
  }
  return e.detail;
}

/** Codes whose detail explains a rule the officer must know (shown, not hidden). */
export function showsReason(e: IpcError): boolean {
  return e.code === "invalid" || e.code === "illegal-transition" || e.code === "not-found";
}

/**
 * The form field an error belongs to, when the core names one: its `field` for `invalid`, the
 * entity for `not-found` (an unknown office belongs to the lead office field). `aliases` maps
 * the core's names to the form's own field names.
 */
export function errorFieldOf(
  e: IpcError,
  aliases: Record<string, string> = {},
): string | null {
  if ((e.code !== "invalid" && e.code !== "not-found") || !e.field) return null;
  return aliases[e.field] ?? e.field;
}

/** The fields of the new-case form, by the names the core gives them in its errors. */
export const NEW_CASE_FIELD_ALIASES: Record<string, string> = {
  office: "lead",
  lead: "lead",
  title: "title",
  summary: "summary",
  opened: "opened",
  coordinator: "coordinators",
  subject: "subjects",
  kind: "kind",
  "case kind": "kind",
  "content category": "category",
};
