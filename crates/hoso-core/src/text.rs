//! Vietnamese text: NFC normalisation at the boundary, search folding, collation.
//!
//! API (helper R):
//! - `Text::new(s)` NFC newtype; `fold(s) -> String` (search form: lower-case, no marks, đ→d).
//! - `compare_vi(a, b) -> Ordering`: Vietnamese dictionary order (CLDR `vi` tailoring via ICU4X).
//! - `sort_key_vi(s) -> Vec<u8>`: bytes that compare (memcmp) like `compare_vi`; do not store
//!   them durably across ICU/CLDR upgrades without a way to recompute.
//! - `compare_person_names(a, b) -> Ordering`: given name (last word) first, then the rest.
//! - `is_nfc(s)`; `nfc_json(&mut serde_json::Value) -> usize`: normalises every string (and
//!   object key) of a JSON value in place, returning how many changed (bundle import, IPC).
//! - `install_sql_functions(conn)`: SQL `fold(x)`, `vi_sort_key(x)`, collations `VI` and
//!   `VI_NAME` (person names), e.g. `ORDER BY name COLLATE VI`.
//!
//! Why ICU4X rather than a hand-written table: the Unicode CLDR `vi` collation
//! (common/collation/vi.xml) is exactly the order Vietnamese dictionaries use, and ICU4X is the
//! Unicode consortium's maintained implementation. CLDR's tailoring is
//!   `&̀<<̉<<̃<<́<<̣  &a<ă<<<Ă<â<<<Â  &d<đ<<<Đ  &e<ê<<<Ê  &o<ô<<<Ô<ơ<<<Ơ  &u<ư<<<Ư`
//! i.e. primary: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y; secondary (tones,
//! compared only after all base letters tie): none < huyền (grave) < hỏi (hook) < ngã (tilde)
//! < sắc (acute) < nặng (dot below), the order of the Hoàng Phê "Từ điển tiếng Việt";
//! tertiary: case (lower before upper). Input is normalised by the collator, so NFD and NFC
//! compare equal.

use std::cmp::Ordering;
use std::sync::LazyLock;

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// A string known to be in Unicode NFC. The only way in is through normalisation, so text typed
/// decomposed (NFD, as some input methods send it) and precomposed compare equal everywhere.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(transparent))]
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

/// Whether `s` is already in NFC (cheap: a quick check first, a full one only if needed).
pub fn is_nfc(s: &str) -> bool {
    match unicode_normalization::is_nfc_quick(s.chars()) {
        unicode_normalization::IsNormalized::Yes => true,
        unicode_normalization::IsNormalized::No => false,
        unicode_normalization::IsNormalized::Maybe => unicode_normalization::is_nfc(s),
    }
}

/// Normalises every string and object key inside `v` to NFC, in place. Returns how many
/// strings changed, so an import can report what arrived decomposed.
pub fn nfc_json(v: &mut serde_json::Value) -> usize {
    use serde_json::Value;
    match v {
        Value::String(s) if !is_nfc(s) => {
            *s = s.nfc().collect();
            1
        }
        Value::Array(items) => items.iter_mut().map(nfc_json).sum(),
        Value::Object(map) => {
            let mut changed = 0;
            if map.keys().any(|k| !is_nfc(k)) {
                let old = std::mem::take(map);
                for (k, val) in old {
                    let key = if is_nfc(&k) {
                        k
                    } else {
                        changed += 1;
                        k.nfc().collect()
                    };
                    map.insert(key, val);
                }
            }
            changed + map.values_mut().map(nfc_json).sum::<usize>()
        }
        _ => 0,
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

/// The Vietnamese collator (tertiary strength), built once from ICU4X's compiled CLDR data.
static VI: LazyLock<CollatorBorrowed<'static>> = LazyLock::new(|| {
    let locale = icu_locale_core::locale!("vi");
    // Compiled data always contains the `vi` tailoring; failing here is a build defect.
    Collator::try_new(locale.into(), CollatorOptions::default())
        .expect("ICU4X compiled data has the vi collation")
});

/// Compares two strings in Vietnamese dictionary order (see the module doc). NFC and NFD forms
/// of the same text compare equal.
pub fn compare_vi(a: &str, b: &str) -> Ordering {
    VI.compare(a, b)
}

/// A byte string whose bytewise order is `compare_vi` order (for indexes or sorting many rows).
pub fn sort_key_vi(s: &str) -> Vec<u8> {
    let mut key = Vec::new();
    let Ok(()) = VI.write_sort_key_to(s, &mut key);
    key
}

/// Splits a Vietnamese personal name into (given name, the rest): "Nguyễn Văn An" → ("An",
/// "Nguyễn Văn"). A one-word name is all given name.
fn split_person_name(name: &str) -> (&str, &str) {
    let name = name.trim();
    match name.rfind(char::is_whitespace) {
        Some(i) => (name[i..].trim_start(), name[..i].trim_end()),
        None => (name, ""),
    }
}

/// Orders people as Vietnamese lists do: by given name (the last word), then by family and
/// middle names, each in `compare_vi` order.
pub fn compare_person_names(a: &str, b: &str) -> Ordering {
    let (ga, ra) = split_person_name(a);
    let (gb, rb) = split_person_name(b);
    compare_vi(ga, gb).then_with(|| compare_vi(ra, rb))
}

/// Registers the SQL helpers every connection needs: collations `VI` (Vietnamese order) and
/// `VI_NAME` (person names, given name first), and the functions `fold(text)` and
/// `vi_sort_key(text) -> blob`. Called by the store on every open, before migrations (indexes
/// may use `COLLATE VI`).
pub fn install_sql_functions(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("fold", 1, flags, |ctx| Ok(fold(&ctx.get::<String>(0)?)))?;
    conn.create_scalar_function("vi_sort_key", 1, flags, |ctx| {
        Ok(sort_key_vi(&ctx.get::<String>(0)?))
    })?;
    conn.create_collation("VI", compare_vi)?;
    conn.create_collation("VI_NAME", compare_person_names)?;
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

    fn sorted(words: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        v.sort_by(|a, b| compare_vi(a, b));
        v
    }

    #[test]
    fn d_bar_is_a_letter_after_d() {
        // Byte order would put "Đ" (U+0110) after every ASCII letter; Vietnamese puts it after d.
        assert_eq!(compare_vi("Đào", "Dương"), Ordering::Greater);
        assert_eq!(
            sorted(&["Đào", "Em", "Dương", "Duy"]),
            ["Duy", "Dương", "Đào", "Em"]
        );
    }

    #[test]
    fn tones_come_after_base_letters_in_dictionary_order() {
        assert_eq!(compare_vi("Anh", "Ánh"), Ordering::Less);
        // none < huyền < hỏi < ngã < sắc < nặng
        assert_eq!(
            sorted(&["ạnh", "ánh", "ãnh", "ảnh", "ành", "anh"]),
            ["anh", "ành", "ảnh", "ãnh", "ánh", "ạnh"]
        );
        // Base letters of the whole word decide before any tone: "Ánh" < "Anh Đào".
        assert_eq!(compare_vi("Ánh", "Anh Đào"), Ordering::Less);
        assert_eq!(compare_vi("Ánh", "Ăn"), Ordering::Less);
    }

    #[test]
    fn modified_vowels_are_letters_of_their_own() {
        assert_eq!(compare_vi("U", "Ư"), Ordering::Less);
        assert_eq!(compare_vi("Uyên", "Ưng"), Ordering::Less);
        assert_eq!(sorted(&["â", "b", "ă", "a"]), ["a", "ă", "â", "b"]);
        assert_eq!(
            sorted(&["Ân", "Bình", "Ăn", "An"]),
            ["An", "Ăn", "Ân", "Bình"]
        );
        assert_eq!(sorted(&["ơ", "p", "ô", "o"]), ["o", "ô", "ơ", "p"]);
        assert_eq!(sorted(&["ê", "g", "e"]), ["e", "ê", "g"]);
    }

    #[test]
    fn case_only_breaks_ties() {
        assert_eq!(compare_vi("an", "An"), Ordering::Less);
        assert_eq!(compare_vi("An", "ăn"), Ordering::Less);
    }

    #[test]
    fn nfd_sorts_like_nfc() {
        let nfd = "Nguye\u{302}\u{303}n";
        assert_eq!(compare_vi(nfd, "Nguyễn"), Ordering::Equal);
        assert_eq!(compare_vi(nfd, "Nguyên"), Ordering::Greater);
        assert_eq!(compare_vi(nfd, "Nguyến"), Ordering::Less);
        assert_eq!(sort_key_vi(nfd), sort_key_vi("Nguyễn"));
    }

    #[test]
    fn sort_keys_order_like_compare() {
        let words = [
            "Đào", "Dương", "Ánh", "Anh", "Ư", "U", "ă", "a", "â", "Nguyễn", "Lê",
        ];
        for a in words {
            for b in words {
                assert_eq!(
                    sort_key_vi(a).cmp(&sort_key_vi(b)),
                    compare_vi(a, b),
                    "{a} vs {b}"
                );
            }
        }
    }

    #[test]
    fn people_sort_by_given_name_then_family_name() {
        let mut people = vec![
            "Trần Thị Bình",
            "Nguyễn Văn An",
            "Lê Ánh",
            "Phạm Minh Đức",
            "Đỗ Văn An",
            "Võ Thị Dung",
        ];
        people.sort_by(|a, b| compare_person_names(a, b));
        assert_eq!(
            people,
            [
                "Đỗ Văn An",
                "Nguyễn Văn An",
                "Lê Ánh",
                "Trần Thị Bình",
                "Võ Thị Dung",
                "Phạm Minh Đức"
            ]
        );
        // Same given name: Đỗ before Nguyễn by family name; extra spaces do not matter.
        assert_eq!(
            compare_person_names(" Đỗ  Văn An ", "Nguyễn Văn An"),
            Ordering::Less
        );
    }

    #[test]
    fn sql_order_by_collate_vi_on_sqlcipher() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("collate.hoso");
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "key", "collation test passphrase")
            .unwrap();
        install_sql_functions(&conn).unwrap();
        conn.execute_batch(
            "CREATE TABLE people(name TEXT NOT NULL);
             CREATE INDEX people_name ON people(name COLLATE VI);",
        )
        .unwrap();
        let nfd_nguyen = "Nguye\u{302}\u{303}n Văn Đức";
        for n in [
            "Đào Thị Hoa",
            "Dương Văn Nam",
            "Ánh",
            "Anh",
            "Ưng",
            "Uyên",
            nfd_nguyen,
            "Bùi",
        ] {
            conn.execute("INSERT INTO people(name) VALUES (?1)", [n])
                .unwrap();
        }
        // The file is really SQLCipher-encrypted: no SQLite header in clear.
        let head = std::fs::read(&path).unwrap();
        assert!(!head.starts_with(b"SQLite format 3"));

        let names: Vec<String> = conn
            .prepare("SELECT name FROM people ORDER BY name COLLATE VI")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            names,
            [
                "Anh",
                "Ánh",
                "Bùi",
                "Dương Văn Nam",
                "Đào Thị Hoa",
                nfd_nguyen,
                "Uyên",
                "Ưng"
            ]
        );

        // Equality under VI treats NFC and NFD alike; fold() and vi_sort_key() are there too.
        let hits: i64 = conn
            .query_row(
                "SELECT count(*) FROM people WHERE name = ?1 COLLATE VI",
                ["Nguyễn Văn Đức"],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(hits, 1);
        let folded: String = conn
            .query_row("SELECT fold('Đào Thị Hoa')", [], |r| r.get(0))
            .unwrap();
        assert_eq!(folded, "dao thi hoa");
        let by_key: Vec<String> = conn
            .prepare("SELECT name FROM people ORDER BY vi_sort_key(name)")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(by_key, names);

        let people: Vec<String> = conn
            .prepare("SELECT name FROM people WHERE name LIKE '% %' ORDER BY name COLLATE VI_NAME")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(people, [nfd_nguyen, "Đào Thị Hoa", "Dương Văn Nam"]);
    }

    #[test]
    fn json_from_outside_is_normalised_and_counted() {
        let nfd_name = "Nguye\u{302}\u{303}n Va\u{306}n \u{110}u\u{31b}\u{301}c";
        let mut v = serde_json::json!({
            "title": "Kiểm tra",
            "subjects": [{"name": nfd_name}, {"name": "Lê Ánh"}],
            "ghi chu\u{301}": null,
            "n": 3
        });
        assert!(!is_nfc(nfd_name) && is_nfc("Nguyễn Văn Đức"));
        assert_eq!(nfc_json(&mut v), 2);
        assert_eq!(v["subjects"][0]["name"], "Nguyễn Văn Đức");
        assert!(v.as_object().unwrap().contains_key("ghi chú"));
        // Already normalised: nothing to do.
        assert_eq!(nfc_json(&mut v), 0);
    }

    #[test]
    fn folding_removes_marks_and_d_bar() {
        assert_eq!(fold("Đảng ủy tỉnh"), "dang uy tinh");
        assert_eq!(fold("Nguyễn Văn Đức"), "nguyen van duc");
    }
}
