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
            commands::cases::remove_document,
            commands::cases::list_categories,
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
            commands::reports::report_charts,
            commands::reports::lock_report,
            commands::reports::relock_report,
            commands::reports::report_lock_overview,
            commands::reports::save_report,
            commands::subjects::list_subjects,
            commands::subjects::add_subject,
            commands::subjects::subject_plan_items,
            commands::plans::plan_years,
            commands::plans::plans_of_year,
            commands::plans::plan_item_page,
            commands::plans::add_plan,
            commands::plans::add_plan_item,
            commands::plans::edit_plan_item,
            commands::plans::remove_plan_item,
            commands::plans::set_plan_item_status,
            commands::plans::open_case_from_plan_item,
            commands::plans::list_overlaps,
            commands::plans::settle_overlap,
            commands::plans::list_omissions,
            commands::plans::notify_overlaps,
            commands::sync::sync_status,
            commands::sync::changes_without_effect,
            commands::sync::root_fingerprint,
            commands::sync::preview_bundle,
            commands::sync::import_bundle,
            commands::sync::export_bundle,
            commands::admin::admin_capabilities,
            commands::admin::offices_overview,
            commands::admin::certify_office,
            commands::admin::revoke_office,
            commands::admin::rotate_office_key,
            commands::admin::write_enrolment_request,
            commands::admin::officers_overview,
            commands::admin::add_officer,
            commands::admin::set_officer_role,
            commands::admin::deactivate_officer,
            commands::admin::reset_officer_passphrase,
            commands::admin::change_own_passphrase,
            commands::admin::editable_rules,
            commands::admin::preview_rules_edit,
            commands::admin::save_rules_edit,
            commands::admin::idle_minutes,
            commands::admin::set_idle_minutes,
            commands::admin::set_sync_period,
            commands::sync::choose_bundles,
            commands::sync::choose_export_folder,
            commands::sync::sync_history,
            commands::backup::last_backup,
            commands::backup::choose_backup_folder,
            commands::backup::backup_register,
            commands::backup::choose_backup_to_restore,
            commands::backup::restore_register,
        ])
}

pub fn run() {
    commands::files::sweep_stale_document_copies();
    let builder = specta_builder();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state::AppState::from_args(std::env::args()))
        .manage(commands::picked::Picked::default())
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
