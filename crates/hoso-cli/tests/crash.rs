//! Crash safety: the real `hoso` binary killed with SIGKILL at random moments of a burst of
//! `case add`, of `bundle import`, of `passwd` and of `backup`. After every kill the register
//! opens, its audit chain verifies, every write that reported success is there, an import is
//! applied whole or not at all and can be run again, the old or the new passphrase opens it
//! (never neither), and a backup folder exists under its final name only when complete.
//!
//! `HOSO_CRASH_TRIALS` sets the number of kills per scenario (`make test` runs a handful,
//! `make test-long` hundreds); `HOSO_CRASH_SEED` replays a run (the seed is printed on failure).

use std::collections::BTreeSet;
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;
use common::{NEW_PASS, PASS, Reg};

fn trials() -> usize {
    std::env::var("HOSO_CRASH_TRIALS")
        .map(|v| v.parse().expect("HOSO_CRASH_TRIALS is a number"))
        .unwrap_or(6)
}

/// xorshift64*: enough randomness for kill moments, reproducible from the printed seed.
struct Rng(u64);

impl Rng {
    fn from_env(scenario: &str) -> Rng {
        let seed = std::env::var("HOSO_CRASH_SEED")
            .map(|v| v.parse().expect("HOSO_CRASH_SEED is a number"))
            .unwrap_or_else(|_| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        eprintln!("{scenario}: HOSO_CRASH_SEED={seed}");
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A moment in `0..=span`, uniformly.
    fn moment(&mut self, span: Duration) -> Duration {
        let micros = span.as_micros().max(1) as u64;
        Duration::from_micros(self.next() % (micros + 1))
    }
}

/// Starts `cmd`, kills it with SIGKILL after `after` unless it ended first; its output and
/// whether it ran to the end.
fn kill_after(mut cmd: Command, after: Duration) -> (Output, bool) {
    let mut child: Child = cmd.spawn().unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return (child.wait_with_output().unwrap(), true);
        }
        if started.elapsed() >= after {
            child.kill().unwrap(); // SIGKILL on Unix: no destructor, no rollback, no flush
            return (child.wait_with_output().unwrap(), false);
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// How long one uninterrupted run of `cmd` takes (kill moments are drawn from a little more).
fn duration_of(cmd: Command) -> Duration {
    let started = Instant::now();
    let (out, finished) = kill_after(cmd, Duration::from_secs(120));
    assert!(
        finished && out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    started.elapsed() * 5 / 4
}

fn case_titles(reg: &Reg) -> Vec<String> {
    reg.json(PASS, &["case", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_burst_of_case_adds_killed_at_random_loses_no_reported_write() {
    let mut rng = Rng::from_env("case add");
    let tw = Reg::init("TW", &["--central"]);
    let add = |title: &str| {
        tw.command(
            PASS,
            &[
                "case",
                "add",
                "--kind",
                "inspection-on-signs",
                "--title",
                title,
                "--lead",
                "TW",
            ],
        )
    };
    let span = duration_of(add("Vụ việc đo thời gian"));
    let mut reported = vec!["Vụ việc đo thời gian".to_string()];
    let mut killed = 0;
    for i in 0..trials() {
        let title = format!("Kiểm tra dấu hiệu vi phạm số {i}");
        let (out, finished) = kill_after(add(&title), rng.moment(span));
        if finished {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            reported.push(title);
        } else {
            killed += 1;
        }
        tw.assert_sound(PASS, &format!("after trial {i}"));
        let titles = case_titles(&tw);
        for t in &reported {
            assert!(titles.contains(t), "reported written, then lost: {t}");
        }
        let unique: BTreeSet<&String> = titles.iter().collect();
        assert_eq!(
            unique.len(),
            titles.len(),
            "a case stored twice: {titles:?}"
        );
    }
    // Case numbers stay unique however the writes were cut.
    let numbers: Vec<Value> = tw
        .json(PASS, &["case", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].clone())
        .collect();
    let unique: BTreeSet<String> = numbers.iter().map(|n| n.to_string()).collect();
    assert_eq!(unique.len(), numbers.len(), "{numbers:?}");
    eprintln!("case add: {killed} of {} runs killed", trials());
}

#[test]
fn an_import_killed_at_random_is_applied_whole_or_not_at_all_and_runs_again() {
    let mut rng = Rng::from_env("bundle import");
    let (tw, hn, stick) = common::enrolled_pair();
    for i in 0..40 {
        tw.ok(
            PASS,
            &[
                "case",
                "add",
                "--kind",
                "thematic-supervision",
                "--title",
                &format!("Giám sát chuyên đề số {i} tại Công an Hà Nội"),
                "--lead",
                "HN",
            ],
        );
    }
    let bundle = stick.path().join("TW-HN.hoso");
    tw.ok(
        PASS,
        &[
            "bundle",
            "export",
            "--to",
            "HN",
            "--out",
            bundle.to_str().unwrap(),
        ],
    );
    let import = || hn.command(PASS, &["bundle", "import", bundle.to_str().unwrap()]);

    let pristine = stick.path().join("pristine");
    hn.save_to(&pristine);
    let before = hn.digest(PASS);
    let span = duration_of(import());
    let after = hn.digest(PASS);
    assert_ne!(before, after, "the bundle changes HN");

    let (mut whole, mut none) = (0, 0);
    for i in 0..trials() {
        hn.restore_from(&pristine);
        let (out, finished) = kill_after(import(), rng.moment(span));
        if finished {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        hn.assert_sound(PASS, &format!("after import trial {i}"));
        let now = hn.digest(PASS);
        assert!(
            now == before || now == after,
            "trial {i}: the import was applied in part"
        );
        if now == after {
            whole += 1;
        } else {
            none += 1;
        }
        // Run again: the register ends with the bundle applied exactly once.
        hn.ok(PASS, &["bundle", "import", bundle.to_str().unwrap()]);
        assert_eq!(
            hn.digest(PASS),
            after,
            "trial {i}: the re-run did not complete it"
        );
        hn.assert_sound(PASS, &format!("after re-running import trial {i}"));
    }
    eprintln!("bundle import: {whole} applied whole, {none} not at all before the kill");
}

#[test]
fn a_passphrase_change_killed_at_random_leaves_the_old_or_the_new_one_working() {
    let mut rng = Rng::from_env("passwd");
    let hn = Reg::init("HN", &[]);
    let pristine = hn.dir.path().join("pristine");
    hn.save_to(&pristine);
    let span = duration_of(hn.command(PASS, &["passwd"]));
    let opens = |pass: &str| hn.run(pass, &["digest"]).status.success();
    let (mut old, mut new) = (0, 0);
    for i in 0..trials() {
        hn.restore_from(&pristine);
        let (out, finished) = kill_after(hn.command(PASS, &["passwd"]), rng.moment(span));
        let (old_works, new_works) = (opens(PASS), opens(NEW_PASS));
        assert!(
            old_works != new_works,
            "trial {i}: old opens: {old_works}, new opens: {new_works} (exactly one must)"
        );
        if finished {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                new_works,
                "trial {i}: passwd reported success, the new one fails"
            );
        }
        hn.assert_sound(if new_works { NEW_PASS } else { PASS }, "after passwd");
        if new_works { new += 1 } else { old += 1 }
    }
    eprintln!("passwd: old passphrase kept {old} times, new one {new} times");
}

/// The folders `hoso backup` left in `stick` under a final name (not its hidden temporary ones).
fn backup_folders(stick: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(stick)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("HoSo_saoluu_")
        })
        .collect()
}

#[test]
fn a_backup_killed_at_random_leaves_a_sound_register_and_only_complete_backups() {
    let mut rng = Rng::from_env("backup");
    let tw = Reg::init("TW", &["--central"]);
    for i in 0..30 {
        tw.ok(
            PASS,
            &[
                "case",
                "add",
                "--kind",
                "inspection-on-signs",
                "--title",
                &format!("Kiểm tra dấu hiệu vi phạm số {i} tại Đảng ủy phường Ba Đình"),
                "--lead",
                "TW",
            ],
        );
    }
    let digest = tw.digest(PASS);
    let sticks = tempfile::tempdir().unwrap();
    let backup =
        |stick: &std::path::Path| tw.command(PASS, &["backup", "--out", stick.to_str().unwrap()]);
    let first = sticks.path().join("timing");
    std::fs::create_dir(&first).unwrap();
    let span = duration_of(backup(&first));
    let (mut complete, mut nothing) = (0, 0);
    // The uninterrupted run first (index 0), then the killed ones.
    for i in 0..=trials() {
        let stick = if i == 0 {
            first.clone()
        } else {
            let stick = sticks.path().join(format!("usb-{i}"));
            std::fs::create_dir(&stick).unwrap();
            stick
        };
        // Trial 0: the timing run above, which ran to the end.
        let finished = i == 0 || {
            let (out, finished) = kill_after(backup(&stick), rng.moment(span));
            if finished {
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            finished
        };
        tw.assert_sound(PASS, &format!("after backup trial {i}"));
        assert_eq!(
            tw.digest(PASS),
            digest,
            "trial {i}: a backup changed the register"
        );
        let folders = backup_folders(&stick);
        assert!(folders.len() <= 1, "trial {i}: {folders:?}");
        if finished {
            assert_eq!(folders.len(), 1, "trial {i}: reported written, not there");
        }
        // Whatever is under the final name is a whole backup: restored into a fresh place it
        // opens and holds the same cases.
        if let Some(folder) = folders.first() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("TW.hoso-db");
            let restored = Reg { dir, path };
            restored.ok(PASS, &["restore", "--yes", folder.to_str().unwrap()]);
            assert_eq!(restored.digest(PASS), digest, "trial {i}: a partial backup");
            restored.assert_sound(PASS, &format!("restored from backup trial {i}"));
            complete += 1;
        } else {
            nothing += 1;
        }
    }
    eprintln!("backup: {complete} complete backups, {nothing} left nothing under the final name");
}
