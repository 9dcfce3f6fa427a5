# HoSo — the two commands a newcomer needs: `make run` and `make test`.
# Everything they need is installed on demand (system packages only when missing).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

export CARGO_TARGET_DIR ?= $(HOME)/.cache/hoso-target
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo
APP_BIN := $(CARGO_TARGET_DIR)/debug/hoso-desktop
HOSO_BIN := $(CARGO_TARGET_DIR)/debug/hoso
DEMO_REGISTER ?= $(HOME)/.cache/hoso-demo/demo.hoso-db
TEST_LOGS := $(CARGO_TARGET_DIR)/test-logs
E2E_RUN := $(CARGO) test -p hoso-tests --features e2e --test e2e -- --test-threads=1

# Debian/Ubuntu packages: Tauri's WebKitGTK stack, Xvfb and WebKitWebDriver for the end-to-end
# tests, and the standard tools the interop tests check our files with.
SYSTEM_PACKAGES := libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev \
	libayatana-appindicator3-dev librsvg2-dev pkg-config xvfb xauth webkit2gtk-driver \
	imagemagick age minisign zstd tar poppler-utils python3 python3-venv
PY_VENV := $(HOME)/.cache/hoso-venv

.PHONY: help run test deps tools ui-deps ui app cli demo fmt-check clippy rust-test ui-test e2e \
	test-long fuzz fuzz-smoke fuzz-tools bindings package screenshot bench clean

help:
	@echo "make run      set up and open HoSo on a demo register"
	@echo "make test     set up and run every test (Rust, UI, end-to-end under Xvfb)"
	@echo "make test-long  property tests at 1,000 cases each (takes long)"
	@echo "make fuzz     every fuzz target for FUZZ_SECONDS (default 120) each"
	@echo "make package  build the .deb (and AppImage where the tooling works offline)"
	@echo "make bench    sync, the national register generator, list/search, printing (docs/BENCHMARKS.md)"

## ---- set-up -------------------------------------------------------------------------------

deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if ! command -v apt-get >/dev/null; then \
	    echo "error: missing system packages:$$missing"; \
	    echo "install them with your package manager (Debian/Ubuntu names shown), then re-run make"; exit 1; fi; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  echo "installing:$$missing"; \
	  $$sudo apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@command -v $(CARGO) >/dev/null || { echo "error: Rust is not installed: see https://rustup.rs"; exit 1; }
	@command -v node >/dev/null || { echo "error: Node.js >= 20.19 is required (with npm)"; exit 1; }
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)' \
	  || { echo "error: Node.js >= 20.19 is required, found $$(node --version)"; exit 1; }

# Test-only tools: tauri-driver (WebDriver bridge) and an independent SQLCipher 4 client.
tools: deps
	@command -v tauri-driver >/dev/null || $(CARGO) install tauri-driver --version '^2' --locked
	@[ -x $(PY_VENV)/bin/python ] || python3 -m venv $(PY_VENV)
	@$(PY_VENV)/bin/python -c 'import sqlcipher3' 2>/dev/null || $(PY_VENV)/bin/pip install -q sqlcipher3-binary

ui-deps: deps
	@if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then \
	  npm --prefix ui ci --no-audit --no-fund; fi

ui: ui-deps
	npm --prefix ui run build

# The app embeds the built UI at compile time, so the UI is built first. The app and the CLI are
# built in one cargo run, so their shared dependencies (the core first) resolve to one feature
# set and build once. The end-to-end tests and screenshots build the app with the `e2e-dialogs`
# feature (file dialogs answered from HOSO_E2E_OPEN_FILE / HOSO_E2E_OPEN_REGISTER: WebDriver
# cannot drive native dialogs; debug builds only).
APP_FEATURES ?=
BINARIES = $(CARGO) build -p hoso-desktop -p hoso-cli $(APP_FEATURES)
app: ui
	$(BINARIES)

cli: ui
	$(BINARIES)

## ---- run --------------------------------------------------------------------------------

demo: cli
	@if [ ! -f "$(DEMO_REGISTER)" ]; then mkdir -p "$$(dirname "$(DEMO_REGISTER)")"; \
	  $(HOSO_BIN) demo --out "$(DEMO_REGISTER)"; fi

run: app demo
	@echo "Opening HoSo on the demo register $(DEMO_REGISTER) (officer: demo, passphrase: demo)"
	$(APP_BIN) --register "$(DEMO_REGISTER)"

## ---- test -------------------------------------------------------------------------------

fmt-check:
	$(CARGO) fmt --all --check

clippy: ui
	$(CARGO) clippy --workspace --all-targets --features hoso-tests/e2e -- -D warnings

# Interop tests fail when their tool is missing; HOSO_SKIP_INTEROP=1 (a developer's explicit
# opt-out) skips them instead, and the summary lists what was skipped.
rust-test: ui tools
	@mkdir -p $(TEST_LOGS); rm -f $(TEST_LOGS)/skipped.txt
	HOSO_SKIPPED_LOG=$(TEST_LOGS)/skipped.txt PATH="$(PY_VENV)/bin:$$PATH" \
	  $(CARGO) test --workspace 2>&1 | tee $(TEST_LOGS)/rust.log

ui-test: ui-deps
	@mkdir -p $(TEST_LOGS)
	npm --prefix ui run check
	npm --prefix ui run lint
	npm --prefix ui run test 2>&1 | tee $(TEST_LOGS)/ui.log

# End-to-end: the real app under a virtual display (Xvfb started here unless DISPLAY is set).
e2e screenshot: APP_FEATURES = --features hoso-desktop/e2e-dialogs
e2e: app tools
	@mkdir -p $(TEST_LOGS)
	$(CARGO) build -p hoso-tests --features e2e --tests
	@if [ -n "$${DISPLAY:-}" ]; then $(E2E_RUN); else \
	  xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" $(E2E_RUN); fi 2>&1 | tee $(TEST_LOGS)/e2e.log

test: deps tools fmt-check clippy rust-test ui-test e2e fuzz-smoke
	@scripts/test-summary.sh $(TEST_LOGS)

# The long run: property tests at 1,000 cases each, 200 SIGKILLs per crash scenario, and every
# fuzz target for FUZZ_SECONDS.
LONG_CASES ?= 1000
LONG_CRASH_TRIALS ?= 200
test-long: ui tools
	@mkdir -p $(TEST_LOGS); rm -f $(TEST_LOGS)/skipped.txt
	PROPTEST_CASES=$(LONG_CASES) HOSO_CRASH_TRIALS=$(LONG_CRASH_TRIALS) HOSO_SKIPPED_LOG=$(TEST_LOGS)/skipped.txt PATH="$(PY_VENV)/bin:$$PATH" \
	  $(CARGO) test --workspace 2>&1 | tee $(TEST_LOGS)/rust-long.log
	$(MAKE) fuzz

# Fuzzing: every target in fuzz/ for FUZZ_SECONDS each (docs/SECURITY.md); `make test` runs a
# short bounded pass.
FUZZ_SECONDS ?= 120
fuzz-tools: deps
	@command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --version 0.13.2 --locked

fuzz: fuzz-tools
	scripts/fuzz.sh $(FUZZ_SECONDS)

fuzz-smoke: fuzz-tools
	@mkdir -p $(TEST_LOGS)
	scripts/fuzz.sh 5 2>&1 | tee $(TEST_LOGS)/fuzz.log

bindings: ui
	HOSO_UPDATE_BINDINGS=1 $(CARGO) test -p hoso-desktop --test bindings bindings_are_fresh

## ---- packaging ----------------------------------------------------------------------------

# The AppImage bundler downloads its tooling (linuxdeploy) at build time: offline it cannot be
# made, which is reported, not fatal. The .deb needs nothing from the network.
package: ui
	TAURI_APP_PATH=src-tauri ui/node_modules/.bin/tauri build --bundles deb
	@TAURI_APP_PATH=src-tauri ui/node_modules/.bin/tauri build --bundles appimage \
	  || echo "note: no AppImage: its tooling is downloaded at build time and this machine is offline"
	@ls -1 $(CARGO_TARGET_DIR)/release/bundle/*/*.deb $(CARGO_TARGET_DIR)/release/bundle/*/*.AppImage 2>/dev/null || true

# The README's screenshot: the app under Xvfb, signed in to the demo register.
# Sync throughput against a raw SQLCipher insert, bundle size, peak memory (release build).
BENCH_OPS ?= 100000
# Every benchmark of docs/BENCHMARKS.md. Release builds; the start-up one under Xvfb. The national
# register (BENCH_CASES cases, generated once by the demo generator, timed, then kept at
# BENCH_REGISTER) is what the case list and search are measured on; delete it to time the
# generator again.
BENCH_YEAR ?= $(shell date +%Y)
# The statistics forms and charts on a larger demo register (generated on first use, ≈ 10 min).
REPORT_CASES ?= 20000
BENCH_CASES ?= 100000
BENCH_REGISTER ?= /tmp/hoso-bench-$(BENCH_CASES).hoso-db
bench: deps demo
	$(CARGO) build --release -p hoso-core -p hoso-demo --example sync_bench --example demo_bench \
	  --example list_bench
	HOSO_BENCH_IMPORT_PROCESS=1 /usr/bin/time -v $(CARGO_TARGET_DIR)/release/examples/sync_bench $(BENCH_OPS)
	[ -e "$(BENCH_REGISTER)" ] || /usr/bin/time -v \
	  $(CARGO_TARGET_DIR)/release/examples/demo_bench "$(BENCH_REGISTER)" $(BENCH_CASES)
	$(CARGO_TARGET_DIR)/release/examples/list_bench "$(BENCH_REGISTER)" 200
	$(CARGO) run --release -p hoso-print --example render_bench -- "$(DEMO_REGISTER)" demo demo 20
	$(CARGO) run --release -p hoso-print --example report_bench -- "$(DEMO_REGISTER)" demo demo $(BENCH_YEAR)-9m
	$(CARGO) run --release -p hoso-demo --example report_scale -- \
	  "$(HOME)/.cache/hoso-demo/report-scale-$(REPORT_CASES).hoso-db" $(REPORT_CASES) $(BENCH_YEAR)-9m
	$(MAKE) app
	$(CARGO) build -p hoso-desktop --example minimal_window
	xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
	  $(CARGO) run -p hoso-tests --features e2e --example startup_bench -- 10 \
	  "$(CARGO_TARGET_DIR)/debug/examples/minimal_window"

screenshot: app demo tools
	HOSO_SCREENSHOT_REGISTER="$(DEMO_REGISTER)" HOSO_SCREENSHOT_OUT="$(CURDIR)/docs/screenshot.png" \
	HOSO_SCREENSHOT_SYNC_OUT="$(CURDIR)/docs/screenshot-sync.png" \
	HOSO_SCREENSHOT_DIR="$(CURDIR)/docs/screenshots" \
	  xvfb-run -a -s "-screen 0 1366x768x24 -nolisten tcp" \
	  $(CARGO) test -p hoso-tests --features e2e --test e2e readme_screenshot -- --ignored

clean:
	rm -rf ui/dist ui/node_modules
