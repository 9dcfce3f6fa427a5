// Every app command gets generated `allow-<command>` / `deny-<command>` permissions, so the
// capability file grants exactly the commands the UI may call. Keep this list equal to the
// commands registered in `src/lib.rs` (a unit test checks it against the capability file).
const COMMANDS: &[&str] = &[
    "app_info",
    "unlock",
    "lock",
    "list_cases",
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
