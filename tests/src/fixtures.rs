//! Registers built through the public core API, as `hoso init` and `hoso case add` would.

use std::path::Path;

use anyhow::Result;
use hoso_core::Text;
use hoso_core::model::CaseKind;
use hoso_core::register::{InitParams, NewCase, Register};
use hoso_core::store::Store;
use hoso_crypto::KdfParams;

pub const OFFICER: &str = "tranhung";
pub const PASSPHRASE: &str = "mật khẩu thử nghiệm 2026";

/// A provincial office register (Nghệ An) holding the given cases `(kind, title)`.
pub fn register_with_cases(path: &Path, cases: &[(CaseKind, &str)]) -> Result<()> {
    let (store, _recovery) = Store::create(path, OFFICER, PASSPHRASE, &KdfParams::recommended())?;
    let mut register = Register::initialise(
        store,
        InitParams {
            office_code: "NAN".into(),
            office_name: Text::new("Ủy ban Kiểm tra Tỉnh ủy Nghệ An"),
            officer_login: OFFICER.into(),
            officer_name: Text::new("Trần Văn Hùng"),
            central: false,
        },
    )?;
    for (kind, title) in cases {
        register.add_case(NewCase {
            kind: *kind,
            title: Text::new(title),
            lead: "NAN".into(),
            coordinators: vec![],
            subjects: vec![],
            origin: None,
            opened: None,
            summary: Text::default(),
            team: vec![],
        })?;
    }
    Ok(())
}
