// Every app command gets generated `allow-<command>` / `deny-<command>` permissions, so the
// capability file grants exactly the commands the UI may call. Keep this list equal to the
// commands registered in `src/lib.rs` (a unit test checks it against the capability file).
const COMMANDS: &[&str] = &[
    "app_info",
    "unlock",
    "lock",
    "idle_seconds",
    "pick_document",
    "choose_register",
    "open_document",
    "list_cases",
    "case_page",
    "dashboard",
    "case_detail",
    "list_offices",
    "preview_deadline",
    "add_case",
    "transition_case",
    "transfer_case",
    "add_case_note",
    "record_finding",
    "decide_case",
    "attach_document",
    "case_conflicts",
    "resolve_conflict",
    "may_read_denouncer",
    "reveal_denouncer",
    "case_audit",
    "set_case_field",
    "record_appeal",
    "preview_print",
    "save_print",
    "print_in_viewer",
    "report_context",
    "make_report",
    "lock_report",
    "save_report",
    "list_subjects",
    "add_subject",
    "sync_status",
    "changes_without_effect",
    "root_fingerprint",
    "preview_bundle",
    "import_bundle",
    "export_bundle",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
