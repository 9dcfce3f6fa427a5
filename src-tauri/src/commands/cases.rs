use chrono::NaiveDate;
use tauri::State;

use hoso_core::model::{
    Appeal, Case, CaseKind, CaseStatus, Denouncer, DisciplineDecision, DocumentMeta, Finding,
    Office,
};
use hoso_core::register::{
    CaseAuditEntry, CaseConflict, CaseCreated, CaseDetail, Dashboard, NewCaseForm, NewDecision,
    media_type_for,
};
use hoso_core::rules::ContentCategory;
use hoso_core::search::{CaseFilter, CasePage, CaseRow};
use hoso_core::text::Text;

use crate::error::IpcResult;
use crate::state::AppState;

/// Cases matching the filter, newest first (search folds diacritics and đ).
#[tauri::command(async)]
#[specta::specta]
pub fn list_cases(state: State<'_, AppState>, filter: CaseFilter) -> IpcResult<Vec<CaseRow>> {
    state.with_register(|r| Ok(r.list_cases(&filter)?))
}

/// One page of the filtered, sorted case list and the number of matches in all.
#[tauri::command(async)]
#[specta::specta]
pub fn case_page(state: State<'_, AppState>, filter: CaseFilter) -> IpcResult<CasePage> {
    state.with_register(|r| Ok(r.case_page(&filter)?))
}

/// Overdue, due soon, conflicts, overlaps and omissions.
#[tauri::command(async)]
#[specta::specta]
pub fn dashboard(state: State<'_, AppState>) -> IpcResult<Dashboard> {
    state.with_register(|r| Ok(r.dashboard()?))
}

/// A case by id or number with everything the detail screen shows.
#[tauri::command(async)]
#[specta::specta]
pub fn case_detail(state: State<'_, AppState>, key: String) -> IpcResult<CaseDetail> {
    state.with_register(|r| Ok(r.case_detail(&key)?))
}

/// Offices (Vietnamese order) for the lead and coordinator choices.
#[tauri::command(async)]
#[specta::specta]
pub fn list_offices(state: State<'_, AppState>) -> IpcResult<Vec<Office>> {
    state.with_register(|r| Ok(r.list_offices()?))
}

/// The deadline the core would store for a new case (None: set by the inspection decision).
#[tauri::command(async)]
#[specta::specta]
pub fn preview_deadline(
    state: State<'_, AppState>,
    kind: CaseKind,
    lead: String,
    opened: Option<NaiveDate>,
) -> IpcResult<Option<NaiveDate>> {
    state.with_register(|r| Ok(r.preview_deadline(kind, &lead, opened)?))
}

/// Opens a case.
#[tauri::command(async)]
#[specta::specta]
pub fn add_case(state: State<'_, AppState>, form: NewCaseForm) -> IpcResult<CaseCreated> {
    state.with_register(|r| Ok(r.add_case_from_form(form)?))
}

/// The content categories in force on `on` (default today): the choices of the case form.
#[tauri::command(async)]
#[specta::specta]
pub fn list_categories(
    state: State<'_, AppState>,
    on: Option<NaiveDate>,
) -> IpcResult<Vec<ContentCategory>> {
    state.with_register(|r| Ok(r.categories_in_force(on)?))
}

/// Moves a case along the workflow (the core refuses moves it does not allow).
#[tauri::command(async)]
#[specta::specta]
pub fn transition_case(
    state: State<'_, AppState>,
    key: String,
    to: CaseStatus,
    note: Option<Text>,
    date: Option<NaiveDate>,
) -> IpcResult<Case> {
    state.with_register(|r| Ok(r.transition(&key, to, note, date)?))
}

/// Transfers the case to the body that will handle it (the core records the receiving body;
/// a plain transition to "transferred" is refused).
#[tauri::command(async)]
#[specta::specta]
pub fn transfer_case(
    state: State<'_, AppState>,
    key: String,
    receiving_body: Text,
    date: Option<NaiveDate>,
    note: Text,
) -> IpcResult<Case> {
    state.with_register(|r| Ok(r.transfer(&key, receiving_body, date, note)?))
}

/// Appends a note to the case's timeline.
#[tauri::command(async)]
#[specta::specta]
pub fn add_case_note(
    state: State<'_, AppState>,
    key: String,
    note: Text,
    date: Option<NaiveDate>,
) -> IpcResult<()> {
    state.with_register(|r| Ok(r.add_note(&key, note, date)?))
}

/// Records a finding about one of the case's subjects.
#[tauri::command(async)]
#[specta::specta]
pub fn record_finding(
    state: State<'_, AppState>,
    key: String,
    finding: Finding,
) -> IpcResult<Finding> {
    state.with_register(|r| Ok(r.record_finding(&key, finding)?))
}

/// Records a discipline decision (validated by the core's rules).
#[tauri::command(async)]
#[specta::specta]
pub fn decide_case(
    state: State<'_, AppState>,
    key: String,
    decision: NewDecision,
) -> IpcResult<DisciplineDecision> {
    state.with_register(|r| Ok(r.decide(&key, decision)?))
}

/// Stores the file chosen with `pick_document` (its handle: never a path from the window)
/// encrypted in the register.
#[tauri::command(async)]
#[specta::specta]
pub fn attach_document(
    state: State<'_, AppState>,
    picked: State<'_, crate::commands::picked::Picked>,
    key: String,
    document: String,
) -> IpcResult<DocumentMeta> {
    let path = picked.path(
        &document,
        crate::commands::picked::Purpose::DocumentToAttach,
    )?;
    let content =
        std::fs::read(&path).map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    state.with_register(|r| {
        Ok(r.attach_document(&key, &Text::new(&name), media_type_for(&name), &content)?)
    })
}

/// Takes a document off the case's list, with the reason (the history keeps it).
#[tauri::command(async)]
#[specta::specta]
pub fn remove_document(
    state: State<'_, AppState>,
    key: String,
    blake3: String,
    reason: Text,
) -> IpcResult<()> {
    state.with_register(|r| Ok(r.remove_document(&key, &blake3, &reason)?))
}

/// Conflicting fields with each value's office, officer and time.
#[tauri::command(async)]
#[specta::specta]
pub fn case_conflicts(state: State<'_, AppState>, key: String) -> IpcResult<Vec<CaseConflict>> {
    state.with_register(|r| Ok(r.case_conflicts(&key)?))
}

/// Resolves a conflict with the value that stands (a new operation).
#[tauri::command(async)]
#[specta::specta]
pub fn resolve_conflict(
    state: State<'_, AppState>,
    key: String,
    field: String,
    value: Option<String>,
) -> IpcResult<Case> {
    state.with_register(|r| Ok(r.resolve_conflict(&key, &field, value.as_deref())?))
}

/// Whether the denouncer panel may be offered (reads nothing confidential).
#[tauri::command(async)]
#[specta::specta]
pub fn may_read_denouncer(state: State<'_, AppState>, key: String) -> IpcResult<bool> {
    state.with_register(|r| Ok(r.may_read_denouncer(&key)?))
}

/// The denouncer's identity; the core audits every read.
#[tauri::command(async)]
#[specta::specta]
pub fn reveal_denouncer(state: State<'_, AppState>, key: String) -> IpcResult<Option<Denouncer>> {
    state.with_register(|r| Ok(r.denouncer(&key)?))
}

/// The case's audit trail, newest first (`audit.read`).
#[tauri::command(async)]
#[specta::specta]
pub fn case_audit(state: State<'_, AppState>, key: String) -> IpcResult<Vec<CaseAuditEntry>> {
    state.with_register(|r| Ok(r.case_audit(&key)?))
}

/// Sets one field of a case: `title`, `summary`, `origin`, `lead`, `opened` or `deadline`
/// (YYYY-MM-DD, empty to clear); the core validates it.
#[tauri::command(async)]
#[specta::specta]
pub fn set_case_field(
    state: State<'_, AppState>,
    key: String,
    field: String,
    value: String,
) -> IpcResult<Case> {
    state.with_register(|r| Ok(r.set_case_field(&key, &field, &value)?))
}

/// Records an appeal against a discipline decision of the case, or its outcome.
#[tauri::command(async)]
#[specta::specta]
pub fn record_appeal(state: State<'_, AppState>, key: String, appeal: Appeal) -> IpcResult<Appeal> {
    state.with_register(|r| Ok(r.record_appeal(&key, appeal)?))
}
