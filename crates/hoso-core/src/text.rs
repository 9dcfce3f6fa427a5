//! Vietnamese text: NFC normalisation at the boundary, search folding, collation.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// A string known to be in Unicode NFC. The only way in is through normalisation, so text typed
/// decomposed (NFD, as some input methods send it) and precomposed compare equal everywhere.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
#[serde(transparent)]
pub struct Text(String);

impl Text {
    pub fn new(s: impl AsRef<str>) -> Self {
        Text(s.as_ref().nfc().collect())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Text::new(String::deserialize(d)?))
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0, f)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::new(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text::new(s)
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Folded form for search: lower-case, diacritics removed, đ→d. "Đảng ủy" → "dang uy".
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

/// Registers the SQL helpers every connection needs: the Vietnamese collation `VI` and `fold()`.
/// Called by the store on every open, before migrations (indexes may use `COLLATE VI`).
pub fn install_sql_functions(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "fold",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(fold(&ctx.get::<String>(0)?)),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfd_and_nfc_become_equal() {
        let nfd = "Nguye\u{302}\u{303}n Va\u{306}n \u{110}u\u{31b}\u{301}c";
        assert_eq!(Text::new(nfd), Text::new("Nguyễn Văn Đức"));
    }

    #[test]
    fn folding_removes_marks_and_d_bar() {
        assert_eq!(fold("Đảng ủy tỉnh"), "dang uy tinh");
        assert_eq!(fold("Nguyễn Văn Đức"), "nguyen van duc");
    }
}
