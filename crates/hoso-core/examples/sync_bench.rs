//! `make bench` (sync part): export and import of ~100k operations between two real SQLCipher
//! registers, compared with a raw SQLCipher bulk insert of the same rows in the same run; bundle
//! size against the raw JSON size; peak memory (VmHWM). Prints a Markdown table row set.
//!
//! Run: `cargo run --release -p hoso-core --example sync_bench [-- OPS]` (default 100000).

use std::time::Instant;

use chrono::{Duration, Utc};
use hoso_core::bundle::{Limits, UnverifiedBundle};
use hoso_core::model::CaseKind;
use hoso_core::register::{InitParams, NewCase, Register};
use hoso_core::store::{FAST_KDF_FOR_TESTS, Store};
use hoso_core::trust::OfficeKeys;
use hoso_core::trust::roster::certificate_for;
use hoso_core::{Text, oplog};

fn create(dir: &std::path::Path, code: &str, central: bool) -> Register {
    let (store, _) = Store::create(
        dir.join(format!("{code}.hoso-db")),
        "admin",
        "bench",
        &FAST_KDF_FOR_TESTS,
    )
    .expect("create register");
    Register::initialise(
        store,
        InitParams {
            office_code: code.into(),
            office_name: format!("Ủy ban Kiểm tra {code}").as_str().into(),
            officer_login: "admin".into(),
            officer_name: "Nguyễn Văn An".into(),
            central,
        },
    )
    .expect("initialise")
}

/// Peak resident memory of this process so far, in MiB.
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// One `ops` row as stored.
type RawRow = (
    String,
    i64,
    i64,
    String,
    i64,
    String,
    String,
    String,
    String,
);

/// `sync_bench --import-only DIR`: imports DIR/hn-to-tw.hoso into DIR/TW.hoso-db in a process
/// of its own and prints "operations seconds peak-MiB" (see `HOSO_BENCH_IMPORT_PROCESS`).
fn import_only(dir: &std::path::Path) {
    let store = Store::open(dir.join("TW.hoso-db"), "admin", "bench").expect("open TW");
    let mut tw = Register::session(store, "admin").expect("session");
    let t = Instant::now();
    let r = tw
        .import_bundle(&dir.join("hn-to-tw.hoso"), false, None, &mut |_| {})
        .unwrap();
    println!(
        "{} {} {}",
        r.new_operations,
        t.elapsed().as_secs_f64(),
        peak_mib()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--import-only") {
        return import_only(std::path::Path::new(&args[2]));
    }
    let target: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut tw = create(dir.path(), "TW", true);
    let mut hn = create(dir.path(), "HN", false);
    let req = hn.enrolment_request().unwrap();
    let now = Utc::now();
    // HN is on the office list the central office starts with; certifying links it.
    tw.certify(&req, now - Duration::minutes(1), now + Duration::days(30))
        .unwrap();
    let fp = tw.root_fingerprint().unwrap();
    let setup = dir.path().join("setup.hoso");
    tw.export_bundle(
        &["HN".into()],
        true,
        &mut std::fs::File::create(&setup).unwrap(),
        &mut |_| {},
    )
    .unwrap();
    hn.import_bundle(&setup, false, Some(&fp), &mut |_| {})
        .unwrap();

    // Data: cases with edits at HN until the op log holds `target` operations. Generation is
    // not measured (synchronous=OFF only here, to make it quick).
    hn.store()
        .conn()
        .pragma_update(None, "synchronous", "OFF")
        .unwrap();
    let count = |r: &Register| -> u64 {
        r.store()
            .conn()
            .query_row("SELECT count(*) FROM ops", [], |x| x.get::<_, i64>(0))
            .unwrap() as u64
    };
    let mut i = 0u64;
    while count(&hn) < target {
        let c = hn
            .add_case(NewCase {
                kind: CaseKind::InspectionOnSigns,
                title: format!("Kiểm tra dấu hiệu vi phạm số {i} tại Phòng Cảnh sát đường thủy")
                    .as_str()
                    .into(),
                lead: "HN".into(),
                coordinators: vec![],
                subjects: vec![],
                origin: None,
                opened: None,
                summary: Text::from(
                    "Đảng viên có dấu hiệu vi phạm trong thực hiện nhiệm vụ được giao",
                ),
                team: vec![],
            })
            .unwrap();
        for k in 0..4 {
            hn.set_case_field(
                &c.id,
                "summary",
                &format!("Bổ sung lần {k}: xác minh thêm tài liệu"),
            )
            .unwrap();
        }
        i += 1;
    }
    hn.store()
        .conn()
        .pragma_update(None, "synchronous", "FULL")
        .unwrap();
    let ops = count(&hn);
    let raw_json: u64 = oplog::ops_since(hn.store().conn(), &Default::default())
        .unwrap()
        .map(|op| op.unwrap().canonical_json().len() as u64 + 1)
        .sum();

    let bundle = dir.path().join("hn-to-tw.hoso");
    let t = Instant::now();
    let exported = hn
        .export_bundle(
            &["TW".into()],
            false,
            &mut std::io::BufWriter::new(std::fs::File::create(&bundle).unwrap()),
            &mut |_| {},
        )
        .unwrap();
    let export_s = t.elapsed().as_secs_f64();
    let peak_after_export = peak_mib();
    let size = std::fs::metadata(&bundle).unwrap().len();

    // The peak RSS of the import alone: reset the high-water mark (Linux: "5" to clear_refs).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    // Markers on stderr let a profiler attach to the import alone.
    eprintln!("bench: import starts");
    std::thread::sleep(std::time::Duration::from_millis(
        std::env::var("HOSO_BENCH_PAUSE_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
    ));
    // HOSO_BENCH_IMPORT_PROCESS=1: the import runs in a process of its own (this program with
    // `--import-only`), so its peak RSS is the import's alone, not what generating and exporting
    // left resident in this one.
    let (imported_ops, import_s, peak_after_import) =
        if std::env::var_os("HOSO_BENCH_IMPORT_PROCESS").is_some() {
            let out = std::process::Command::new(std::env::current_exe().unwrap())
                .arg("--import-only")
                .arg(dir.path())
                .output()
                .expect("import process");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let text = String::from_utf8(out.stdout).unwrap();
            let v: Vec<&str> = text.split_whitespace().collect();
            (
                v[0].parse::<u64>().unwrap(),
                v[1].parse::<f64>().unwrap(),
                v[2].parse::<f64>().unwrap(),
            )
        } else {
            let t = Instant::now();
            let imported = tw.import_bundle(&bundle, false, None, &mut |_| {}).unwrap();
            (
                imported.new_operations,
                t.elapsed().as_secs_f64(),
                peak_mib(),
            )
        };
    eprintln!("bench: import ends");
    assert_eq!(imported_ops, exported.operations);

    // Where the import's time goes: reading alone (tar, signatures, age, zstd, JSON), and the
    // domain projections alone (rebuilt from the merged op log).
    let t = Instant::now();
    {
        let keys = OfficeKeys::load(tw.store().conn()).unwrap();
        let roster = tw.roster().unwrap().unwrap();
        let b = UnverifiedBundle::read(std::fs::File::open(&bundle).unwrap(), &Limits::default())
            .unwrap();
        let (_, pk) = certificate_for(&roster, "HN", b.key_id()).unwrap();
        let mut r = b.verify(&pk).unwrap().open_payload(&keys.age).unwrap();
        let key_of = |o: &str, k| {
            certificate_for(&roster, o, k)
                .map(|(_, pk)| pk)
                .map_err(|e| e.to_string())
        };
        while r.next_item(&key_of).unwrap().is_some() {}
    }
    let read_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    tw.rebuild_projections().unwrap();
    let project_s = t.elapsed().as_secs_f64();

    // Raw: the same rows, one prepared INSERT each, one transaction, into a SQLCipher file.
    let rows: Vec<RawRow> = {
        let conn = hn.store().conn();
        let mut stmt = conn
            .prepare(
                "SELECT origin, seq, hlc, author, txn, scope, kind, entity_id, change FROM ops",
            )
            .unwrap();
        stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .filter(|r| r.0 == "HN")
        .collect()
    };
    let mut raw = rusqlite::Connection::open(dir.path().join("raw.db")).unwrap();
    raw.pragma_update(
        None,
        "key",
        "x'2DD29CA851E7B56E4697B0E1F08507293D761A05CE4D1B628663F411A8086D99'",
    )
    .unwrap();
    raw.pragma_update(None, "journal_mode", "WAL").unwrap();
    raw.pragma_update(None, "synchronous", "FULL").unwrap();
    raw.execute_batch(
        "CREATE TABLE ops (origin TEXT NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL,
           author TEXT NOT NULL, txn INTEGER NOT NULL, scope TEXT NOT NULL, kind TEXT NOT NULL,
           entity_id TEXT NOT NULL, change TEXT NOT NULL, PRIMARY KEY (origin, seq)) WITHOUT ROWID",
    )
    .unwrap();
    let t = Instant::now();
    {
        let tx = raw.transaction().unwrap();
        {
            let mut ins = tx
                .prepare("INSERT INTO ops VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
                .unwrap();
            for r in &rows {
                ins.execute(rusqlite::params![
                    r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8
                ])
                .unwrap();
            }
        }
        tx.commit().unwrap();
    }
    let raw_s = t.elapsed().as_secs_f64();

    // Raw export baseline: scan the same register's `ops` table (every column, one prepared
    // statement) and compress the rows as JSON lines with zstd at the bundle's level, into a
    // file; no signatures, no encryption, no scope rules.
    let t = Instant::now();
    let raw_zst = dir.path().join("raw-scan.zst");
    let mut raw_scan_n = 0f64;
    {
        use std::io::Write;
        let conn = hn.store().conn();
        let mut stmt = conn
            .prepare(
                "SELECT origin, seq, hlc, author, txn, scope, kind, entity_id, change FROM ops",
            )
            .unwrap();
        let mut z = zstd::Encoder::new(
            std::io::BufWriter::new(std::fs::File::create(&raw_zst).unwrap()),
            3,
        )
        .unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let line = serde_json::json!([
                r.get::<_, String>(0).unwrap(),
                r.get::<_, i64>(1).unwrap(),
                r.get::<_, i64>(2).unwrap(),
                r.get::<_, String>(3).unwrap(),
                r.get::<_, i64>(4).unwrap(),
                r.get::<_, String>(5).unwrap(),
                r.get::<_, String>(6).unwrap(),
                r.get::<_, String>(7).unwrap(),
                r.get::<_, String>(8).unwrap(),
            ]);
            serde_json::to_writer(&mut z, &line).unwrap();
            z.write_all(b"\n").unwrap();
            raw_scan_n += 1.0;
        }
        let mut w = z.finish().unwrap();
        w.flush().unwrap();
        w.get_ref().sync_all().unwrap();
    }
    let raw_scan_s = t.elapsed().as_secs_f64();
    let n = exported.operations as f64;
    println!("| measure | value |");
    println!("|---|---|");
    println!(
        "| operations in the register / exported / signed segments | {ops} / {} / {} |",
        exported.operations, exported.segments
    );
    println!(
        "| export (HN → TW, delta = everything) | {export_s:.2} s, {:.0} ops/s |",
        n / export_s
    );
    println!(
        "| import at TW (verify, decrypt, apply, project) | {import_s:.2} s, {:.0} ops/s |",
        n / import_s
    );
    println!("| of which reading: tar, signatures, age, zstd, JSON (alone) | {read_s:.2} s |");
    println!("| of which domain projections (rebuilt alone) | {project_s:.2} s |");
    println!(
        "| raw SQLCipher bulk insert of the same rows | {raw_s:.2} s, {:.0} ops/s |",
        rows.len() as f64 / raw_s
    );
    println!(
        "| import throughput / raw | {:.2}× |",
        (n / import_s) / (rows.len() as f64 / raw_s)
    );
    println!(
        "| raw scan of the ops table + zstd (level 3) to a file | {raw_scan_s:.2} s, {:.0} ops/s |",
        raw_scan_n / raw_scan_s
    );
    println!(
        "| export throughput / raw scan + zstd | {:.2}× |",
        (n / export_s) / (raw_scan_n / raw_scan_s)
    );
    println!(
        "| bundle size / raw JSON of the ops | {:.1} MiB / {:.1} MiB ({:.1}%) |",
        size as f64 / 1048576.0,
        raw_json as f64 / 1048576.0,
        100.0 * size as f64 / raw_json as f64
    );
    println!(
        "| peak RSS up to the export (whole process) / during the import alone | {peak_after_export:.0} MiB / {peak_after_import:.0} MiB |"
    );
}
