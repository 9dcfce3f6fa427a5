//! The office's local settings (`office_settings`, migration 4): plain key/value text, local to
//! this register (never synced, never in the digest). Printed documents read their header lines,
//! place, signatory and template paths here; absent keys mean the reader's built-in default.
//!
//! - `office_settings() -> Vec<(key, value)>` (any officer: nothing in them is confidential);
//! - `set_office_setting(key, Some(value) | None)`: `office.admin`, audited (key and value).
//! - `audit_print(entity, detail)`: appends a `print` audit entry for the signed-in officer.

use rusqlite::params;

use super::Register;
use crate::access::Permission;
use crate::error::{Error, Result};
use crate::text::Text;

impl Register {
    /// Every local setting of this office, by key.
    pub fn office_settings(&self) -> Result<Vec<(String, String)>> {
        let mut st = self
            .conn()
            .prepare("SELECT key, value FROM office_settings ORDER BY key")?;
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()
            .map_err(Error::from)
    }

    /// Sets (or with `None` removes) one local setting. Keys are dotted ASCII
    /// (`print.place`); values are NFC text.
    pub fn set_office_setting(&mut self, key: &str, value: Option<&str>) -> Result<()> {
        self.require(Permission::OfficeAdmin)?;
        let key = key.trim();
        if key.is_empty()
            || key.len() > 64
            || !key.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_')
            })
        {
            return Err(Error::invalid(
                "setting",
                format!("'{key}' must be 1-64 characters a-z, 0-9, '.', '-' or '_'"),
            ));
        }
        let value = value.map(|v| Text::new(v).into_string());
        let login = self.session.login.clone();
        let tx = self.store_mut().conn_mut().transaction()?;
        match &value {
            Some(v) => tx.execute(
                "INSERT INTO office_settings(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, v],
            ),
            None => tx.execute("DELETE FROM office_settings WHERE key = ?1", [key]),
        }?;
        crate::audit::append(
            &tx,
            &crate::audit::NewEntry::new(
                &login,
                "settings.set",
                format!("setting:{key}"),
                serde_json::json!({ "value": value }),
            ),
        )?;
        Ok(tx.commit()?)
    }

    /// Records that the signed-in officer printed something (`entity` e.g. `case:<id>`; `detail`
    /// says what and with which options). Printing needs `case.read`, checked by the reads that
    /// gathered the data; this only appends the entry, in its own transaction.
    pub fn audit_print(&mut self, entity: &str, detail: serde_json::Value) -> Result<()> {
        self.require(Permission::CaseRead)?;
        let login = self.session.login.clone();
        let tx = self.store_mut().conn_mut().transaction()?;
        crate::audit::append(
            &tx,
            &crate::audit::NewEntry::new(&login, "print", entity, detail),
        )?;
        Ok(tx.commit()?)
    }
}
