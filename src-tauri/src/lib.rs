//! HoSo's desktop shell: wires the core to the web UI through typed commands. No business logic.

pub mod commands;
pub mod error;
pub mod state;

use tauri_specta::{Builder, collect_commands};

/// The typed command set; also used by the test that regenerates `ui/src/lib/ipc/bindings.ts`.
pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        // One TypeScript type per Rust type: ours serialise and deserialise alike.
        .disable_serde_phases()
        .constant("ERROR_CODES", error::all_codes())
        .commands(collect_commands![
            commands::app::app_info,
            commands::session::unlock,
            commands::session::lock,
            commands::session::idle_seconds,
            commands::files::pick_document,
            commands::files::choose_register,
            commands::files::open_document,
            commands::cases::list_cases,
            commands::cases::case_page,
            commands::cases::dashboard,
            commands::cases::case_detail,
            commands::cases::list_offices,
            commands::cases::preview_deadline,
            commands::cases::add_case,
            commands::cases::transition_case,
            commands::cases::transfer_case,
            commands::cases::add_case_note,
            commands::cases::record_finding,
            commands::cases::decide_case,
            commands::cases::attach_document,
            commands::cases::case_conflicts,
            commands::cases::resolve_conflict,
            commands::cases::may_read_denouncer,
            commands::cases::reveal_denouncer,
            commands::cases::case_audit,
            commands::cases::set_case_field,
            commands::cases::record_appeal,
            commands::print::preview_print,
            commands::print::save_print,
            commands::print::print_in_viewer,
            commands::reports::report_context,
            commands::reports::make_report,
            commands::reports::lock_report,
            commands::reports::save_report,
            commands::subjects::list_subjects,
            commands::subjects::add_subject,
            commands::sync::sync_status,
            commands::sync::changes_without_effect,
            commands::sync::root_fingerprint,
            commands::sync::preview_bundle,
            commands::sync::import_bundle,
            commands::sync::export_bundle,
        ])
}

pub fn run() {
    commands::files::sweep_stale_document_copies();
    let builder = specta_builder();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state::AppState::from_args(std::env::args()))
        .invoke_handler(builder.invoke_handler())
        .build(tauri::generate_context!())
        .expect("error while building HoSo")
        .run(|_app, event| {
            // Decrypted copies of opened documents never outlive the app.
            if let tauri::RunEvent::Exit = event {
                commands::files::remove_document_copies();
            }
        });
}
