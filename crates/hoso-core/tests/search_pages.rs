//! Paging a search: whichever way the query uses the matches (looked up when few, walked in
//! the list's order when they are a large share of the register), every page holds the next
//! matching cases in order and the total counts them all.

mod common;

use common::{d, register};
use hoso_core::model::CaseKind;
use hoso_core::register::{NewCase, Register};
use hoso_core::search::{CaseFilter, CaseSort};
use hoso_core::text::Text;

/// 40 cases opened on successive days: 30 say "Kiểm tra", 10 "Giám sát"; kinds alternate.
fn register_with_cases(dir: &std::path::Path) -> (Register, Vec<(String, bool, CaseKind)>) {
    let mut r = register(dir, "HN", false);
    let mut cases = Vec::new();
    for i in 0..40u32 {
        let matches = i % 4 != 3;
        let kind = if i % 2 == 0 {
            CaseKind::InspectionOnSigns
        } else {
            CaseKind::ThematicSupervision
        };
        let title = if matches {
            format!("Kiểm tra đảng viên số {i}")
        } else {
            format!("Giám sát chi bộ số {i}")
        };
        let opened = d("2026-01-01") + chrono::Duration::days(i64::from(i));
        let id = r
            .add_case(NewCase {
                kind,
                title: title.into(),
                lead: "HN".into(),
                coordinators: vec![],
                subjects: vec![],
                origin: None,
                opened: Some(opened),
                summary: Text::default(),
                team: vec![],
            })
            .unwrap()
            .id;
        cases.push((id, matches, kind));
    }
    (r, cases)
}

/// Every page of `f` at `size` rows, concatenated, and the totals each page reported.
fn all_pages(r: &Register, f: &CaseFilter, size: u32) -> (Vec<String>, Vec<u32>) {
    let (mut ids, mut totals) = (Vec::new(), Vec::new());
    for page in 0.. {
        let p = r
            .case_page(&CaseFilter {
                limit: Some(size),
                offset: Some(page * size),
                ..f.clone()
            })
            .unwrap();
        totals.push(p.total);
        if p.rows.is_empty() {
            break;
        }
        ids.extend(p.rows.into_iter().map(|row| row.id));
    }
    (ids, totals)
}

#[test]
fn small_and_large_pages_of_a_common_word_list_every_match_in_order_with_the_total() {
    let dir = tempfile::tempdir().unwrap();
    let (mut r, cases) = register_with_cases(dir.path());
    let search = CaseFilter {
        search: Some("kiem tra".into()),
        ..CaseFilter::default()
    };
    // Newest first: the matching cases from the last opened back.
    let expected: Vec<String> = cases
        .iter()
        .rev()
        .filter(|(_, m, _)| *m)
        .map(|(id, _, _)| id.clone())
        .collect();
    // Pages of 5 (the matches walked in order) and one page of 1000 (looked up) agree.
    let (small, totals) = all_pages(&r, &search, 5);
    assert_eq!(small, expected);
    assert!(totals.iter().all(|t| *t == 30), "{totals:?}");
    let (large, totals) = all_pages(&r, &search, 1000);
    assert_eq!(large, expected);
    assert!(totals.iter().all(|t| *t == 30), "{totals:?}");

    // With another condition the total is counted through it.
    let of_kind = CaseFilter {
        kind: Some(CaseKind::InspectionOnSigns),
        sort: Some(CaseSort::Opened),
        ..search.clone()
    };
    let expected_kind: Vec<String> = cases
        .iter()
        .filter(|(_, m, k)| *m && *k == CaseKind::InspectionOnSigns)
        .map(|(id, _, _)| id.clone())
        .collect();
    let (small, totals) = all_pages(&r, &of_kind, 3);
    assert_eq!(small, expected_kind);
    assert!(totals.iter().all(|t| *t as usize == expected_kind.len()));

    // A retitled case leaves the matches, and the total follows.
    r.set_case_field(&expected[0], "title", "Giám sát chuyên đề")
        .unwrap();
    let (small, totals) = all_pages(&r, &search, 5);
    assert_eq!(small, expected[1..]);
    assert!(totals.iter().all(|t| *t == 29), "{totals:?}");

    // A word nothing matches: an empty page, a total of nothing.
    let none = r
        .case_page(&CaseFilter {
            search: Some("karaoke".into()),
            limit: Some(5),
            ..CaseFilter::default()
        })
        .unwrap();
    assert!(none.rows.is_empty());
    assert_eq!(none.total, 0);
}

#[test]
fn filtered_pages_in_every_order_list_the_same_cases_as_one_long_page() {
    let dir = tempfile::tempdir().unwrap();
    let (r, cases) = register_with_cases(dir.path());
    let filters = [
        CaseFilter {
            kind: Some(CaseKind::InspectionOnSigns),
            ..CaseFilter::default()
        },
        CaseFilter {
            open: true,
            ..CaseFilter::default()
        },
        CaseFilter {
            year: Some(2026),
            kind: Some(CaseKind::ThematicSupervision),
            ..CaseFilter::default()
        },
    ];
    for filter in filters {
        for sort in [
            CaseSort::Newest,
            CaseSort::Number,
            CaseSort::Opened,
            CaseSort::Deadline,
        ] {
            let f = CaseFilter {
                sort: Some(sort),
                ..filter.clone()
            };
            // One page of 1000 looks the cases up; pages of 4 walk the list's order.
            let (one, _) = all_pages(&r, &f, 1000);
            let (paged, totals) = all_pages(&r, &f, 4);
            assert_eq!(paged, one, "{f:?}");
            assert!(totals.iter().all(|t| *t as usize == one.len()), "{f:?}");
            let expected = match (f.kind, f.open) {
                (Some(k), _) => cases.iter().filter(|(_, _, kind)| *kind == k).count(),
                (None, true) => cases.len(),
                (None, false) => unreachable!(),
            };
            assert_eq!(one.len(), expected, "{f:?}");
        }
    }
}
