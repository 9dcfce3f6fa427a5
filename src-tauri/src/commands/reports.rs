//! The Reports screen (issue 13): the statistics forms computed by the core (every cell with
//! the cases behind it) with their progress, the charts, locking a period, and export to PDF or
//! XLSX through the save dialog. Computing and rendering run on a blocking thread, never the UI's.

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

use hoso_core::register::Register;
use hoso_core::reports::{LockOverview, Period, Report, ReportCharts, ReportContext, ReportScope};

use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

async fn on_register<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&mut Register) -> IpcResult<T> + Send + 'static,
) -> IpcResult<T> {
    tauri::async_runtime::spawn_blocking(move || app.state::<AppState>().with_register(f))
        .await
        .map_err(|e| IpcError::from(anyhow::anyhow!("report task failed: {e}")))?
}

/// Which report: form code, period code (`2026-9m`) and scope.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct ReportRequest {
    pub form: String,
    pub period: String,
    pub scope: ReportScope,
}

impl ReportRequest {
    fn period(&self) -> IpcResult<Period> {
        Ok(Period::parse(&self.period, None)?)
    }
}

#[derive(Debug, Clone, Copy, Deserialize, specta::Type)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    Pdf,
    Xlsx,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SavedReport {
    pub path: String,
}

/// The forms, the periods of `year`, what this officer may do.
#[tauri::command]
#[specta::specta]
pub async fn report_context(app: AppHandle, year: i32) -> IpcResult<ReportContext> {
    on_register(app, move |r| Ok(r.report_context(year)?)).await
}

/// How far computing a form is: `done` of the `total` cases to read (about a hundred messages).
#[derive(Debug, Clone, Copy, Serialize, specta::Type)]
pub struct ReportProgress {
    pub done: u32,
    pub total: u32,
}

/// A form for a period (the locked figures when the period is locked), its progress sent to
/// `on_progress`.
#[tauri::command]
#[specta::specta]
pub async fn make_report(
    app: AppHandle,
    request: ReportRequest,
    on_progress: Channel<ReportProgress>,
) -> IpcResult<Report> {
    on_register(app, move |r| {
        // A window that stopped listening does not stop the work.
        let mut progress = |done, total| {
            let _ = on_progress.send(ReportProgress { done, total });
        };
        Ok(r.report_with_progress(
            &request.form,
            &request.period()?,
            &request.scope,
            &mut progress,
        )?)
    })
    .await
}

/// The Reports screen's charts for a period (`2026-9m`) and scope.
#[tauri::command]
#[specta::specta]
pub async fn report_charts(
    app: AppHandle,
    period: String,
    scope: ReportScope,
) -> IpcResult<ReportCharts> {
    on_register(app, move |r| {
        Ok(r.report_charts(&Period::parse(&period, None)?, &scope)?)
    })
    .await
}

/// "Chốt số liệu": locks the period's figures (committee leadership, checked by the core).
#[tauri::command]
#[specta::specta]
pub async fn lock_report(app: AppHandle, request: ReportRequest) -> IpcResult<Report> {
    on_register(app, move |r| {
        Ok(r.lock_report(&request.form, &request.period()?, &request.scope)?)
    })
    .await
}

/// "Chốt lại": renews a period's lock with the figures computed now and a reason (committee
/// leadership, checked by the core); the earlier lock stays in the record's history.
#[tauri::command]
#[specta::specta]
pub async fn relock_report(
    app: AppHandle,
    request: ReportRequest,
    reason: String,
) -> IpcResult<Report> {
    on_register(app, move |r| {
        Ok(r.relock_report(&request.form, &request.period()?, &request.scope, &reason)?)
    })
    .await
}

/// Which offices locked a form for a period (every office at the central office; a province
/// sees its own).
#[tauri::command]
#[specta::specta]
pub async fn report_lock_overview(
    app: AppHandle,
    form: String,
    period: String,
) -> IpcResult<LockOverview> {
    on_register(app, move |r| {
        Ok(r.report_lock_overview(&form, &Period::parse(&period, None)?)?)
    })
    .await
}

/// "Xuất PDF…" / "Xuất Excel…": asks where to save (None if cancelled), then writes the report
/// into that new file; the core audits the export.
#[tauri::command]
#[specta::specta]
pub async fn save_report(
    app: AppHandle,
    request: ReportRequest,
    format: ExportFormat,
    suggested_name: String,
) -> IpcResult<Option<SavedReport>> {
    let (fmt, filter): (hoso_print::ReportFormat, (&str, &[&str])) = match format {
        ExportFormat::Pdf => (hoso_print::ReportFormat::Pdf, ("PDF", &["pdf"])),
        ExportFormat::Xlsx => (hoso_print::ReportFormat::Xlsx, ("Excel", &["xlsx"])),
    };
    let picker = app.clone();
    let picked = tauri::async_runtime::spawn_blocking(move || {
        crate::commands::files::pick_save_as(&picker, &suggested_name, "HOSO_E2E_SAVE_FILE", filter)
    })
    .await
    .map_err(|e| IpcError::from(anyhow::anyhow!("save dialog failed: {e}")))??;
    let Some(path) = picked else {
        return Ok(None);
    };
    on_register(app, move |r| {
        let report = r.report(&request.form, &request.period()?, &request.scope)?;
        hoso_print::save_report(
            r,
            &report,
            fmt,
            &hoso_print::ReportPrintOptions::default(),
            std::path::Path::new(&path),
        )
        .map_err(|e| match e {
            hoso_print::PrintError::Core(core) => IpcError::from(core),
            other => IpcError::from(anyhow::anyhow!(other)),
        })?;
        Ok(Some(SavedReport { path }))
    })
    .await
}
