// Pure helpers of the Sync screen: what an import preview says, and where each chosen file stands.
import type {
  ChosenBundle,
  ImportOutcome,
  ImportReport,
  IpcError,
  PeerStatus,
} from "../../lib/ipc/bindings";
import { formatDate } from "../../lib/format";

/** One line of an import preview: an i18n key under `sync.preview.` and its counts. */
export type PreviewLine = { key: string; values: Record<string, number> };

/** Nothing to import: the bundle (or a newer one from the same sender) was imported before. */
export function nothingToImport(outcome: ImportOutcome): boolean {
  return outcome === "already-imported" || outcome === "superseded";
}

/** The counts an officer checks before confirming an import, in the order they read them. */
export function previewLines(r: ImportReport): PreviewLine[] {
  if (nothingToImport(r.outcome)) return [];
  return [
    { key: "cases", values: { added: r.cases_new, updated: r.cases_updated } },
    { key: "plans", values: { added: r.plans_new, updated: r.plans_updated } },
    { key: "subjects", values: { added: r.subjects_new, updated: r.subjects_updated } },
    { key: "documents", values: { added: r.documents_new } },
    { key: "conflicts", values: { count: r.conflicts.length } },
    { key: "operations", values: { added: r.new_operations, known: r.known_operations } },
    // Changes their office had no authority for: kept, without effect, listed for officers.
    ...(r.without_effect > 0
      ? [{ key: "withoutEffect", values: { count: r.without_effect } }]
      : []),
  ];
}

/** An office whose changes are dated far beyond this workstation's clock, with the peer that
 *  brought them when that is another office (a relay), for the dashboard's warnings. */
export type ClockLine = { office: string; furthest: string; via: string | null };

/** Every far-ahead clock the dashboard rows carry, in row order. */
export function clockWarnings(peers: PeerStatus[]): ClockLine[] {
  return peers.flatMap((p) =>
    p.clock_ahead.map((w) => ({
      office: w.office,
      furthest: w.furthest,
      via: w.office === p.office ? null : p.office,
    })),
  );
}

/** Local calendar date as yyyy-mm-dd (file names sort by date). */
function isoDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** An RFC 3339 timestamp (UTC) as the officer's local day, dd/mm/yyyy: a bundle written at
 *  06:00 in Hà Nội is dated that day, not the previous one as its UTC date would say. */
export function localDay(timestamp: string): string {
  const t = new Date(timestamp);
  return Number.isNaN(t.getTime()) ? formatDate(timestamp) : formatDate(isoDay(t));
}

/** Where a chosen bundle file stands, for its row in the list (an i18n key under
 *  `sync.fileStatus.`): imported in this session, refused (and why), the set-up bundle that
 *  needs the root fingerprint, imported before, older than one imported, or ready. */
export type FileStatus = "imported" | "refused" | "setup" | "already" | "older" | "ready";

export function fileStatus(c: ChosenBundle, importedNow: boolean): FileStatus {
  if (importedNow) return "imported";
  const problem = c.unreadable ?? c.header?.problem ?? null;
  if (problem) return problem.code === "trust-root-missing" ? "setup" : "refused";
  if (c.header?.already_imported) return "already";
  if (c.header?.older) return "older";
  return "ready";
}

/** Files still to import, in the list's order (sender, then sequence). */
export function toImport(files: ChosenBundle[], imported: Set<string>): ChosenBundle[] {
  return files.filter((f) => {
    const s = fileStatus(f, imported.has(f.file.handle));
    return s === "ready" || s === "older";
  });
}

/** The register trusts no central office yet: the bundle can only be the set-up bundle, which
 *  is imported once with the root fingerprint the central office reads out by phone. */
export function needsTrustRoot(error: IpcError | null): boolean {
  return error?.code === "trust-root-missing";
}

/** The fingerprint as typed, or null when none: the core alone decides whether it matches
 *  (it ignores spaces and dashes), so the screen only trims it. */
export function typedFingerprint(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === "" ? null : trimmed;
}
