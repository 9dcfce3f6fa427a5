//! Helpers shared by HoSo's test suites. Only ever a dev-dependency.

use std::io::Write;
use std::process::Command;

/// Opt-out for developers without the interop tools; `make test` never sets it.
pub const SKIP_INTEROP: &str = "HOSO_SKIP_INTEROP";
/// File the skipped interop tests are appended to, printed by `make test`'s summary.
pub const SKIPPED_LOG: &str = "HOSO_SKIPPED_LOG";

/// An external tool an interop test checks HoSo's files with, and how to install it.
#[derive(Clone, Copy, Debug)]
pub struct Tool {
    pub program: &'static str,
    /// Arguments that make the program exit quickly (it only has to start).
    pub probe: &'static [&'static str],
    pub install: &'static str,
}

pub const MINISIGN: Tool = Tool {
    program: "minisign",
    probe: &["-v"],
    install: "sudo apt-get install minisign (or `make deps`)",
};
pub const AGE: Tool = Tool {
    program: "age",
    probe: &["--version"],
    install: "sudo apt-get install age (or `make deps`)",
};
pub const ZSTD: Tool = Tool {
    program: "zstd",
    probe: &["--version"],
    install: "sudo apt-get install zstd (or `make deps`)",
};
pub const TAR: Tool = Tool {
    program: "tar",
    probe: &["--version"],
    install: "sudo apt-get install tar (or `make deps`)",
};
pub const PDFTOTEXT: Tool = Tool {
    program: "pdftotext",
    probe: &["-v"],
    install: "sudo apt-get install poppler-utils (or `make deps`)",
};
/// Python with the independent SQLCipher 4 binding, from `make tools`' virtual environment.
pub const PYTHON_SQLCIPHER3: Tool = Tool {
    program: "python3",
    probe: &["-c", "import sqlcipher3"],
    install: "python3 -m venv ~/.cache/hoso-venv && ~/.cache/hoso-venv/bin/pip install sqlcipher3-binary \
              (or `make tools`), with the venv's bin first on PATH",
};

/// Why `tool` cannot run here, or `None` when it can.
pub fn missing(tool: Tool) -> Option<String> {
    match Command::new(tool.program).args(tool.probe).output() {
        Err(e) => Some(format!("{} is not installed ({e})", tool.program)),
        Ok(out) if tool.program == "python3" && !out.status.success() => Some(format!(
            "python3 cannot import sqlcipher3: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Ok(_) => None,
    }
}

/// Whether the interop test `test` may run. Every tool it needs must be present: a missing
/// tool fails the test with the command that installs it, so the suite can never pass without
/// running it. Only an explicit `HOSO_SKIP_INTEROP=1` turns that into a skip, which is recorded
/// in the `HOSO_SKIPPED_LOG` file (when set) for the test summary to print.
pub fn require_tools(test: &str, tools: &[Tool]) -> bool {
    let missing: Vec<(Tool, String)> = tools
        .iter()
        .filter_map(|t| missing(*t).map(|why| (*t, why)))
        .collect();
    if missing.is_empty() {
        return true;
    }
    let why = missing
        .iter()
        .map(|(t, why)| format!("{why}; install: {}", t.install))
        .collect::<Vec<_>>()
        .join("\n  ");
    if !opted_out() {
        panic!(
            "interop test {test} needs:\n  {why}\n(a developer without these tools may set {SKIP_INTEROP}=1 to skip it)"
        );
    }
    eprintln!("SKIPPED {test} ({SKIP_INTEROP}=1): {why}");
    if let Some(log) = std::env::var_os(SKIPPED_LOG) {
        let names: Vec<&str> = missing.iter().map(|(t, _)| t.program).collect();
        let line = format!("{test}: missing {}\n", names.join(", "));
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = written {
            panic!("cannot record the skipped test in {log:?}: {e}");
        }
    }
    false
}

fn opted_out() -> bool {
    std::env::var(SKIP_INTEROP).is_ok_and(|v| v == "1")
}

/// How many cases a property test runs: `PROPTEST_CASES` when set (`make test-long` sets
/// 1,000), otherwise the test's small default for `make test`.
pub fn proptest_cases(default: u32) -> u32 {
    match std::env::var("PROPTEST_CASES") {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("PROPTEST_CASES must be a number, not {v:?}")),
        Err(_) => default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_SUCH_TOOL: Tool = Tool {
        program: "hoso-no-such-tool-anywhere",
        probe: &[],
        install: "nothing installs it",
    };

    #[test]
    fn a_missing_tool_is_named_with_its_install_command() {
        assert!(missing(NO_SUCH_TOOL).is_some());
        // Without the opt-out, requiring it fails the calling test.
        if !opted_out() {
            let caught = std::panic::catch_unwind(|| require_tools("demo", &[NO_SUCH_TOOL]));
            let message = caught.unwrap_err();
            let text = message
                .downcast_ref::<String>()
                .expect("a formatted panic message");
            assert!(text.contains("nothing installs it"), "{text}");
            assert!(text.contains(SKIP_INTEROP), "{text}");
        }
    }
}
