//! "In" on the case page: a preview of the case summary or the whole case file, and "Lưu PDF…"
//! (save dialog, then hoso-print's `save_case`: rendered, audited by the core, written with the
//! core's no-clobber writer). Rendering runs off the UI thread.

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};

use crate::error::IpcResult;
use crate::state::AppState;

/// The options the print dialog offers.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct PrintRequest {
    /// The whole case file (cover, document index, summary, closing sheet).
    pub case_file: bool,
    /// The denouncer's identity (refused by the core without `denouncer.read`).
    pub include_denouncer: bool,
    /// Mark the document "MẬT".
    pub confidential: bool,
    /// The document's date (default: today).
    #[serde(default)]
    pub date: Option<chrono::NaiveDate>,
    /// The document's number in the outgoing register (blank to fill in by hand if none).
    #[serde(default)]
    pub number: Option<String>,
}

impl From<PrintRequest> for hoso_print::PrintOptions {
    fn from(r: PrintRequest) -> Self {
        hoso_print::PrintOptions {
            case_file: r.case_file,
            include_denouncer: r.include_denouncer,
            confidential: r.confidential,
            date: r.date,
            number: r.number.filter(|n| !n.trim().is_empty()),
        }
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PrintPreview {
    /// The document's page count.
    pub pages: u32,
    /// The first pages, each a standalone SVG image.
    pub svgs: Vec<String>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SavedPrint {
    pub path: String,
    pub pages: u32,
}

/// How many pages the preview shows.
const PREVIEW_PAGES: usize = 3;

fn print_error(e: hoso_print::PrintError) -> crate::error::IpcError {
    match e {
        hoso_print::PrintError::Core(core) => core.into(),
        other => anyhow::anyhow!(other).into(),
    }
}

/// The first pages of the document as it would print (nothing is audited until it is saved).
#[tauri::command(async)]
#[specta::specta]
pub fn preview_print(
    state: State<'_, AppState>,
    key: String,
    options: PrintRequest,
) -> IpcResult<PrintPreview> {
    let opts = options.into();
    state.with_register(|r| {
        let p = hoso_print::preview_case(r, &key, &opts, PREVIEW_PAGES).map_err(print_error)?;
        Ok(PrintPreview {
            pages: p.pages as u32,
            svgs: p.svgs,
        })
    })
}

/// "Lưu PDF…": asks where to save (None if cancelled), then prints the case into that new file;
/// the core audits the print.
#[tauri::command(async)]
#[specta::specta]
pub fn save_print(
    app: AppHandle,
    state: State<'_, AppState>,
    key: String,
    options: PrintRequest,
    suggested_name: String,
) -> IpcResult<Option<SavedPrint>> {
    let Some(path) =
        crate::commands::files::pick_save(&app, &suggested_name, "HOSO_E2E_SAVE_FILE")?
    else {
        return Ok(None);
    };
    let opts = options.into();
    state.with_register(|r| {
        let printed = hoso_print::save_case(r, &key, &opts, std::path::Path::new(&path))
            .map_err(print_error)?;
        Ok(Some(SavedPrint {
            path,
            pages: printed.pages as u32,
        }))
    })
}

/// "In…": prints the case (rendered and audited by the core) into a private temporary copy and
/// opens it in the system's PDF viewer, whose print dialog prints it. Returns the copy's path.
#[tauri::command(async)]
#[specta::specta]
pub fn print_in_viewer(
    state: State<'_, AppState>,
    key: String,
    options: PrintRequest,
) -> IpcResult<String> {
    let opts: hoso_print::PrintOptions = options.into();
    let printed =
        state.with_register(|r| hoso_print::print_case(r, &key, &opts).map_err(print_error))?;
    let name = format!(
        "{}-{}.pdf",
        printed.case_number,
        if opts.case_file { "ho-so" } else { "tom-tat" }
    );
    let path = crate::commands::files::private_copy(&printed.blake3, &name, &printed.pdf)?;
    #[cfg(feature = "e2e-dialogs")]
    if std::env::var_os("HOSO_E2E_NO_VIEWER").is_some() {
        return Ok(path.to_string_lossy().into_owned());
    }
    crate::commands::files::open_with_system_viewer(&path)?;
    Ok(path.to_string_lossy().into_owned())
}
