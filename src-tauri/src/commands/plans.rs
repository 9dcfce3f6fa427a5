//! Plans and coordination: annual programmes and their items, overlaps between offices and
//! their settlement, omissions. Each command converts types and calls the core, which checks
//! permissions and rules.

use chrono::NaiveDate;
use tauri::State;

use hoso_core::model::{PlanItem, PlanItemStatus};
use hoso_core::register::{
    CaseCreated, NewPlan, NewPlanItem, Omission, Overlap, PlanItemEdit, PlanItemPage, PlanSummary,
    Settlement, SettlementOutcome,
};
use hoso_core::text::Text;

use crate::error::IpcResult;
use crate::state::AppState;

/// The years that have plans, newest first.
#[tauri::command(async)]
#[specta::specta]
pub fn plan_years(state: State<'_, AppState>) -> IpcResult<Vec<i32>> {
    state.with_register(|r| Ok(r.plan_years()?))
}

/// The plans of a year this office sees: its own programme and those it takes part in.
#[tauri::command(async)]
#[specta::specta]
pub fn plans_of_year(state: State<'_, AppState>, year: i32) -> IpcResult<Vec<PlanSummary>> {
    state.with_register(|r| Ok(r.plans_of_year(year)?))
}

/// One page of a plan's items, by start date.
#[tauri::command(async)]
#[specta::specta]
pub fn plan_item_page(
    state: State<'_, AppState>,
    plan_id: String,
    offset: u32,
    limit: u32,
) -> IpcResult<PlanItemPage> {
    state.with_register(|r| Ok(r.plan_item_page(&plan_id, offset, limit)?))
}

/// Adds this office's programme for a year; returns its id.
#[tauri::command(async)]
#[specta::specta]
pub fn add_plan(state: State<'_, AppState>, year: i32, title: Text) -> IpcResult<String> {
    state.with_register(|r| {
        Ok(r.add_plan(NewPlan {
            office: None,
            year,
            title,
        })?)
    })
}

/// Adds an item to a plan (also "Thêm vào kế hoạch" for an omission); returns its id.
#[tauri::command(async)]
#[specta::specta]
pub fn add_plan_item(
    state: State<'_, AppState>,
    plan_id: String,
    item: NewPlanItem,
) -> IpcResult<String> {
    state.with_register(|r| Ok(r.add_plan_item(&plan_id, item)?))
}

/// Changes a plan item.
#[tauri::command(async)]
#[specta::specta]
pub fn edit_plan_item(
    state: State<'_, AppState>,
    item_id: String,
    edit: PlanItemEdit,
) -> IpcResult<PlanItem> {
    state.with_register(|r| Ok(r.edit_plan_item(&item_id, edit)?))
}

/// Removes a plan item no case carries out.
#[tauri::command(async)]
#[specta::specta]
pub fn remove_plan_item(state: State<'_, AppState>, item_id: String) -> IpcResult<()> {
    state.with_register(|r| Ok(r.remove_plan_item(&item_id)?))
}

/// Sets where an item stands (dropped needs the reason).
#[tauri::command(async)]
#[specta::specta]
pub fn set_plan_item_status(
    state: State<'_, AppState>,
    item_id: String,
    status: PlanItemStatus,
    reason: Option<Text>,
) -> IpcResult<PlanItem> {
    state.with_register(|r| Ok(r.set_plan_item_status(&item_id, status, reason)?))
}

/// Opens the case that carries out a plan item, with its subject, kind, lead and coordinators.
#[tauri::command(async)]
#[specta::specta]
pub fn open_case_from_plan_item(
    state: State<'_, AppState>,
    item_id: String,
    title: Option<Text>,
    opened: Option<NaiveDate>,
) -> IpcResult<CaseCreated> {
    state.with_register(|r| Ok(r.open_case_from_plan_item(&item_id, title, opened)?))
}

/// Current overlaps (trùng dẫm, chồng chéo) this office sees or was notified of.
#[tauri::command(async)]
#[specta::specta]
pub fn list_overlaps(state: State<'_, AppState>) -> IpcResult<Vec<Overlap>> {
    state.with_register(|r| Ok(r.overlaps()?))
}

/// Records how an overlap (its record id, or its subject) was settled; returns the record id.
#[tauri::command(async)]
#[specta::specta]
pub fn settle_overlap(
    state: State<'_, AppState>,
    key: String,
    outcome: SettlementOutcome,
    lead: Option<String>,
    reason: Text,
) -> IpcResult<String> {
    state.with_register(|r| {
        Ok(r.settle_overlap(
            &key,
            Settlement {
                outcome,
                lead,
                reason,
            },
        )?)
    })
}

/// Subjects that need an inspection nobody planned or opened (bỏ lọt).
#[tauri::command(async)]
#[specta::specta]
pub fn list_omissions(state: State<'_, AppState>) -> IpcResult<Vec<Omission>> {
    state.with_register(|r| Ok(r.omissions()?))
}

/// Writes a notice for each current overlap no record covers yet, so that every office
/// involved learns of it with its next bundle (the central office sees every office's work).
/// Returns how many notices were written.
#[tauri::command(async)]
#[specta::specta]
pub fn notify_overlaps(state: State<'_, AppState>) -> IpcResult<u32> {
    state.with_register(|r| Ok(u32::try_from(r.notify_overlaps()?).unwrap_or(u32::MAX)))
}
