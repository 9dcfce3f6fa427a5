// The add-subject form's values and their conversion to the IPC input. Pure, so it is unit-tested;
// the core still validates everything (this only spares the officer a round trip).
import type { NewSubject, SubjectKind } from "../../lib/ipc/bindings";

export type SubjectFormValues = {
  kind: SubjectKind;
  name: string;
  birthYear: string;
  unit: string;
  post: string;
};

/** i18n keys under `subjects.invalid`. */
export type SubjectFormProblem = "nameRequired" | "birthYear";

export type ParsedSubjectForm =
  | { ok: true; input: NewSubject }
  | { ok: false; problem: SubjectFormProblem };

export function emptySubjectForm(): SubjectFormValues {
  return { kind: "member", name: "", birthYear: "", unit: "", post: "" };
}

// Blank optional fields are sent as null, never as "".
function optional(value: string): string | null {
  const t = value.normalize("NFC").trim();
  return t === "" ? null : t;
}

/** Checks the form and builds the input for `add_subject`. Only members carry a birth year and
 *  a post, so those fields are dropped for an organisation. */
export function parseSubjectForm(values: SubjectFormValues): ParsedSubjectForm {
  const name = values.name.normalize("NFC").trim().split(/\s+/).join(" ");
  if (name === "") return { ok: false, problem: "nameRequired" };
  const member = values.kind === "member";
  let birthYear: number | null = null;
  const yearText = values.birthYear.trim();
  if (member && yearText !== "") {
    if (!/^\d{4}$/.test(yearText)) return { ok: false, problem: "birthYear" };
    birthYear = Number(yearText);
    if (birthYear < 1900 || birthYear > 2100) return { ok: false, problem: "birthYear" };
  }
  return {
    ok: true,
    input: {
      kind: values.kind,
      name,
      birth_year: birthYear,
      unit: optional(values.unit),
      post: member ? optional(values.post) : null,
      membership: null,
      authority: null,
    },
  };
}
