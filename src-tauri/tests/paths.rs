//! No command accepts a file-system path from the window (issue 14, "the Tauri surface"): files
//! and folders are chosen in a dialog the shell opens itself and named by a handle afterwards
//! (`src/commands/picked.rs`). This test reads every command's signature in the shell's source:
//! a parameter named like a path is refused, and each parameter that names a chosen file or
//! folder must be resolved through `picked.path(&name, …)` (which refuses anything the dialog
//! did not return).

use std::path::Path;

/// Parameters that carry a handle of `picked.rs`.
const HANDLES: &[&str] = &["file", "folder", "document"];

struct Command {
    name: String,
    params: Vec<(String, String)>,
    body: String,
}

fn commands() -> Vec<Command> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("src/commands") {
        let path = entry.expect("entry").path();
        let src = std::fs::read_to_string(&path).expect("source");
        for chunk in src.split("#[tauri::command").skip(1) {
            let start = chunk.find("fn ").expect("a command function") + 3;
            let rest = &chunk[start..];
            let name = rest[..rest.find('(').expect("(")].trim().to_string();
            // The parameter list: up to the parenthesis that closes the first one.
            let mut depth = 0;
            let mut end = 0;
            for (i, c) in rest.char_indices() {
                match c {
                    '(' | '<' => depth += 1,
                    ')' | '>' if depth > 0 => {
                        depth -= 1;
                        if depth == 0 && c == ')' {
                            end = i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let list = &rest[rest.find('(').unwrap() + 1..end];
            let params = split_params(list)
                .into_iter()
                .filter_map(|p| {
                    let (n, t) = p.split_once(':')?;
                    Some((
                        n.trim().trim_start_matches("mut ").to_string(),
                        t.trim().to_string(),
                    ))
                })
                .collect();
            let body_end = rest.find("\n}\n").unwrap_or(rest.len());
            out.push(Command {
                name,
                params,
                body: rest[end..body_end].to_string(),
            });
        }
    }
    out
}

/// Splits a parameter list at top-level commas.
fn split_params(list: &str) -> Vec<String> {
    let (mut parts, mut cur, mut depth) = (Vec::new(), String::new(), 0);
    for c in list.chars() {
        match c {
            '<' | '(' => depth += 1,
            '>' | ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        parts.push(cur);
    }
    parts
}

#[test]
fn no_command_takes_a_path_and_every_chosen_file_goes_through_the_dialogs_handles() {
    let commands = commands();
    assert!(commands.len() > 30, "found {} commands", commands.len());
    let mut handles = 0;
    for c in &commands {
        for (name, ty) in &c.params {
            let lower = name.to_lowercase();
            assert!(
                !(lower.contains("path") || lower.contains("dir")),
                "command {} takes `{name}: {ty}`: a path from the window; pick it in a dialog \
                 and pass a handle (picked.rs)",
                c.name
            );
            if HANDLES.contains(&name.as_str()) {
                handles += 1;
                let body: String = c.body.split_whitespace().collect();
                assert!(
                    body.contains(&format!("picked.path(&{name}")),
                    "command {}: `{name}` must be resolved with picked.path(&{name}, …)",
                    c.name
                );
            }
        }
    }
    // The sync screen (import, export), backup, restore and documents: all by handle.
    assert!(handles >= 6, "only {handles} handle parameters found");
    for required in [
        "preview_bundle",
        "import_bundle",
        "export_bundle",
        "backup_register",
    ] {
        let c = commands
            .iter()
            .find(|c| c.name == required)
            .unwrap_or_else(|| panic!("{required} not found"));
        assert!(
            c.params.iter().any(|(n, _)| HANDLES.contains(&n.as_str())),
            "{required} names its file by a handle"
        );
    }
}

/// Commands that touch no register data: they open a dialog, start or end the session (the core
/// checks the passphrase in `unlock`), or describe the app.
const OUTSIDE_THE_REGISTER: &[&str] = &[
    "app_info",
    "unlock",
    "lock",
    "pick_document",
    "choose_register",
    "choose_export_folder",
    "choose_backup_folder",
    "choose_backup_to_restore",
];

/// Issue 14: every other command reaches the core through `AppState::with_register` (or its
/// blocking-thread wrapper `on_register`), that is with the signed-in officer's session, where
/// the core makes every permission check (the permission matrix in tests/sync/permissions.rs
/// tries each core operation with each role). And the shell decides nothing itself: no command
/// names a permission, a role or a `require`.
#[test]
fn every_command_reaches_the_core_with_the_session_and_decides_nothing_itself() {
    let all = commands();
    assert!(all.len() > 60, "only {} commands found", all.len());
    for c in &all {
        let reaches = c.body.contains("with_register(") || c.body.contains("on_register(");
        let outside = OUTSIDE_THE_REGISTER.contains(&c.name.as_str());
        assert!(
            reaches != outside,
            "{}: {}",
            c.name,
            if outside {
                "listed as outside the register but calls it: take it off the list"
            } else {
                "does not go through the session's register (with_register / on_register)"
            }
        );
        for rule in ["Permission", "Role::", ".require(", "require_on(", ".role"] {
            assert!(
                !c.body.contains(rule),
                "{}: the shell decides an access rule itself ({rule}); the core must",
                c.name
            );
        }
    }
    for name in OUTSIDE_THE_REGISTER {
        assert!(
            all.iter().any(|c| c.name == *name),
            "{name} is listed but no such command exists"
        );
    }
}
