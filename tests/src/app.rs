//! Drives the real desktop app through tauri-driver (which starts WebKitWebDriver) under a
//! display. Linux-only, like WebKitWebDriver itself. Everything that is missing is a test
//! failure with a clear message, never a skip.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// The app binary built by `make app` (debug profile with the embedded UI).
pub fn app_binary() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("HOSO_APP_BINARY") {
        return Ok(PathBuf::from(p));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let bin = target.join("debug/hoso-desktop");
    if !bin.exists() {
        bail!(
            "app binary {} not found: build it first (`make app`)",
            bin.display()
        );
    }
    Ok(bin)
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// One running app, driven over WebDriver; its data (WebKit storage) lives in `home`, so tests
/// never see each other's saved settings.
pub struct App {
    pub client: Client,
    driver: Child,
    pub home: PathBuf,
}

impl App {
    /// Starts the app with `args` and an isolated data home (reused if given, to test
    /// persistence across restarts).
    pub async fn launch(args: &[&str], home: &Path) -> Result<App> {
        App::launch_with_env(args, home, &[]).await
    }

    /// As [`App::launch`], with extra environment for the app (e.g. `HOSO_E2E_OPEN_FILE`, the
    /// file the `e2e-dialogs` build answers file dialogs with).
    pub async fn launch_with_env(args: &[&str], home: &Path, env: &[(&str, &str)]) -> Result<App> {
        App::launch_binary(&app_binary()?, args, home, env).await
    }

    /// As [`App::launch_with_env`], for another Tauri binary (the start-up benchmark's
    /// yardstick).
    pub async fn launch_binary(
        binary: &Path,
        args: &[&str],
        home: &Path,
        env: &[(&str, &str)],
    ) -> Result<App> {
        if std::env::var_os("DISPLAY").is_none() {
            bail!("DISPLAY is not set: run the end-to-end tests under Xvfb (`make e2e`)");
        }
        for dir in ["data", "config", "cache"] {
            std::fs::create_dir_all(home.join(dir))?;
        }
        let port = free_port()?;
        let native_port = free_port()?;
        let driver = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            // Software rendering under Xvfb: a shader cache only adds noise to the test log.
            .env("MESA_SHADER_CACHE_DISABLE", "true")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context(
                "tauri-driver not found: install it with `cargo install tauri-driver --locked`",
            )?;
        let mut app = AppGuard {
            driver: Some(driver),
        };

        let caps = json!({
            "browserName": "wry",
            "tauri:options": { "application": binary, "args": args },
        });
        let caps = caps.as_object().expect("object").clone();
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            match ClientBuilder::rustls()?
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                Err(e) => return Err(e).context("could not start a WebDriver session"),
            }
        };
        Ok(App {
            client,
            driver: app.driver.take().expect("driver"),
            home: home.to_path_buf(),
        })
    }

    /// Waits for an element by its `data-testid`.
    pub async fn by_test_id(&self, id: &str) -> Result<fantoccini::elements::Element> {
        let css = format!("[data-testid=\"{id}\"]");
        self.client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(&css))
            .await
            .with_context(|| format!("element [data-testid={id}] did not appear"))
    }

    /// The rendered text of every element with this `data-testid`, read in one script call:
    /// reading elements one by one races the list's re-render (stale node references).
    pub async fn texts_of(&self, id: &str) -> Result<Vec<String>> {
        let script = "return Array.from(document.querySelectorAll(`[data-testid=\"${arguments[0]}\"]`)).map(e => e.innerText.trim());";
        let value = self
            .client
            .execute(script, vec![serde_json::Value::String(id.to_owned())])
            .await?;
        serde_json::from_value(value).context("texts_of: the script did not return strings")
    }

    /// Clicks the element with this `data-testid`, retrying for a few seconds while another layer
    /// (a closing dialog's overlay) still intercepts the click.
    pub async fn click(&self, id: &str) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let result = self.by_test_id(id).await?.click().await;
            match result {
                Ok(()) => return Ok(()),
                Err(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => return Err(e).with_context(|| format!("clicking [data-testid={id}]")),
            }
        }
    }

    /// Signs in on the unlock screen (or the locked screen) and waits for the dashboard.
    pub async fn sign_in(&self, login: &str, passphrase: &str) -> Result<()> {
        let field = self.by_test_id("unlock-login").await?;
        field.clear().await?;
        field.send_keys(login).await?;
        self.by_test_id("unlock-passphrase")
            .await?
            .send_keys(passphrase)
            .await?;
        self.by_test_id("unlock-submit").await?.click().await?;
        Ok(())
    }

    /// Waits until `check` holds for the texts of `id` (lists re-render after IPC calls).
    pub async fn wait_for_texts(
        &self,
        id: &str,
        check: impl Fn(&[String]) -> bool,
    ) -> Result<Vec<String>> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let texts = self.texts_of(id).await?;
            if check(&texts) || Instant::now() > deadline {
                return Ok(texts);
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// The value of an attribute of the first element with this `data-testid` (None if absent).
    pub async fn attr_of(&self, id: &str, attr: &str) -> Result<Option<String>> {
        let script = "const e = document.querySelector(`[data-testid=\"${arguments[0]}\"]`); return e ? e.getAttribute(arguments[1]) : null;";
        let value = self
            .client
            .execute(
                script,
                vec![
                    serde_json::Value::String(id.to_owned()),
                    serde_json::Value::String(attr.to_owned()),
                ],
            )
            .await?;
        Ok(value.as_str().map(str::to_owned))
    }

    /// Waits until the attribute of the first element with this `data-testid` equals `expected`;
    /// returns the last value seen.
    pub async fn wait_for_attr(
        &self,
        id: &str,
        attr: &str,
        expected: &str,
    ) -> Result<Option<String>> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let v = self.attr_of(id, attr).await?;
            if v.as_deref() == Some(expected) || Instant::now() > deadline {
                return Ok(v);
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// Waits until the document title equals `expected`; returns the last title seen.
    pub async fn wait_for_title(&self, expected: &str) -> Result<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let title = self.client.title().await?;
            if title == expected || Instant::now() > deadline {
                return Ok(title);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn quit(mut self) -> Result<()> {
        let closed = self.client.clone().close().await;
        stop_driver(&mut self.driver);
        closed.context("closing the WebDriver session")?;
        Ok(())
    }
}

impl Drop for App {
    fn drop(&mut self) {
        stop_driver(&mut self.driver);
    }
}

/// Stops the driver on every early return before the session exists.
struct AppGuard {
    driver: Option<Child>,
}

impl Drop for AppGuard {
    fn drop(&mut self) {
        if let Some(d) = self.driver.as_mut() {
            stop_driver(d);
        }
    }
}

/// SIGTERM, never SIGKILL: a killed tauri-driver orphans WebKitWebDriver, which keeps the test
/// harness's output pipe open and hangs the run (SETUP-NOTES.md).
fn stop_driver(driver: &mut Child) {
    if let Ok(Some(_)) = driver.try_wait() {
        return;
    }
    let _ = Command::new("kill")
        .args(["-TERM", &driver.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = driver.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = driver.kill();
    let _ = driver.wait();
}
