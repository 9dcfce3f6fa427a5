//! Reading and checking the audit log, for officers with `audit.read`.
//! (Kept in the register: the trust and audit modules depend on the store, not on `Register`.)

use crate::audit::*;
use crate::error::Result;
use crate::register::Register;

impl Register {
    /// Verifies this register's audit log (permission `audit.read`).
    pub fn audit_verify(&self) -> Result<VerifyReport> {
        crate::access::require(
            self.session_info().role,
            crate::access::Permission::AuditRead,
        )?;
        verify(self.store().conn())
    }

    /// Lists audit entries (permission `audit.read`).
    pub fn audit_list(&self, filter: &AuditFilter) -> Result<Vec<Entry>> {
        crate::access::require(
            self.session_info().role,
            crate::access::Permission::AuditRead,
        )?;
        list(self.store().conn(), filter)
    }
}
