// Helpers of the print dialog: the suggested file name and the preview's image sources.

/** The name the save dialog suggests: the case number and the document, e.g.
 * "HN-2026-0001 tom tat.pdf" (ASCII: file names travel between machines). */
export function printFileName(caseNumber: string, caseFile: boolean): string {
  const safe = caseNumber.replace(/[^A-Za-z0-9._-]/g, "_");
  return `${safe} ${caseFile ? "ho so" : "tom tat"}.pdf`;
}

/** A page rendered by the core as SVG, as an image source the CSP admits (data:). */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
