//! Finding and launching headless Chromium, with a throw-away profile.

use std::{
    fs::File,
    io::Write,
    path::{Path, PathBuf},
    process::Stdio,
    sync::atomic::{AtomicUsize, Ordering},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use tokio::process::{Child, Command};

/// Set to `1` to turn a missing browser into a test failure (CI does).
const REQUIRE_VAR: &str = "CORS_E2E_REQUIRE_BROWSER";
/// The browser binary, when it is not on `PATH` under a usual name.
const BINARY_VAR: &str = "CHROMIUM";
const NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// The flags every launch uses. Without the background-networking ones Chromium keeps trying
/// to reach Google, which a machine with loopback only refuses.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--no-default-browser-check",
    "--mute-audio",
];

/// Headless Chromium keeps third-party cookies off by default; a desktop profile has them
/// on. The credentials scenarios need a cookie of the API's site sent from another site, so
/// the fresh profile starts with the desktop default.
const PREFERENCES: &str =
    r#"{"profile":{"cookie_controls_mode":0,"block_third_party_cookies":false}}"#;

/// The browser to use, or `None` after printing why the calling test is skipped. Panics
/// instead when `CORS_E2E_REQUIRE_BROWSER=1`.
pub(crate) fn find_or_skip(test: &str) -> Option<PathBuf> {
    let found = match std::env::var_os(BINARY_VAR) {
        Some(path) if !path.is_empty() => {
            let path = PathBuf::from(path);
            is_executable(&path).then_some(path)
        }
        _ => std::env::var_os("PATH").and_then(|path| {
            std::env::split_paths(&path)
                .flat_map(|dir| NAMES.iter().map(move |name| dir.join(name)))
                .find(|candidate| is_executable(candidate))
        }),
    };
    if found.is_some() {
        return found;
    }
    let why = match std::env::var(BINARY_VAR) {
        Ok(path) if !path.is_empty() => format!("{BINARY_VAR}={path} is not an executable file"),
        _ => format!("chromium not found (apt-get install chromium, or set {BINARY_VAR}=/path)"),
    };
    if std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1") {
        panic!("{test}: {why}, and {REQUIRE_VAR}=1 requires the browser");
    }
    // Straight to the stream: libtest captures `eprintln!` of passing tests.
    let _ = writeln!(
        std::io::stderr(),
        "browser tests skipped ({test}): {why}; set {REQUIRE_VAR}=1 to make this an error"
    );
    None
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// A directory under the system temp dir, removed on drop.
#[derive(Debug)]
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(label: &str) -> std::io::Result<TempDir> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "cors-e2e-{label}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir(&path)?;
        Ok(TempDir(path))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    /// Removes the directory, retrying for a while: the helper processes of a killed Chromium
    /// may still be writing to its profile for a moment.
    pub(crate) async fn remove(self) {
        for _ in 0..50 {
            match std::fs::remove_dir_all(&self.0) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                _ => return,
            }
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running headless Chromium with a fresh profile. Killed on drop (and by [`Browser::close`]).
#[derive(Debug)]
pub(crate) struct Browser {
    child: Child,
    log: PathBuf,
    /// The profile and the log; removed by [`Browser::close`], or on drop.
    dir: Option<TempDir>,
}

impl Browser {
    /// Starts the browser on `url`. It stays open (and keeps running the page's scripts)
    /// until closed.
    pub(crate) fn open(binary: &Path, url: &str) -> std::io::Result<Browser> {
        let dir = TempDir::new("chromium")?;
        let profile = dir.path().join("profile");
        std::fs::create_dir_all(profile.join("Default"))?;
        std::fs::write(profile.join("Default").join("Preferences"), PREFERENCES)?;
        let log = dir.path().join("chromium.log");
        let log_file = File::create(&log)?;
        let child = Command::new(binary)
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(url)
            .stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .kill_on_drop(true)
            .spawn()?;
        Ok(Browser {
            child,
            log,
            dir: Some(dir),
        })
    }

    /// Stops the browser (SIGTERM, so that it takes its helper processes down with it; SIGKILL
    /// if it is still running 5 s later) and removes its profile.
    pub(crate) async fn close(mut self) {
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .stderr(Stdio::null())
                .status();
        }
        let wait = Duration::from_secs(5);
        if tokio::time::timeout(wait, self.child.wait()).await.is_err() {
            let _ = self.child.start_kill();
            let _ = tokio::time::timeout(wait, self.child.wait()).await;
        }
        if let Some(dir) = self.dir.take() {
            dir.remove().await;
        }
    }

    /// The last lines Chromium printed, for failure messages.
    pub(crate) fn log_tail(&self) -> String {
        log_tail(&self.log)
    }

    /// Loads `url` with `--dump-dom` and returns the serialized DOM once the page settled
    /// (`budget_ms` of virtual time; pending network requests hold it back), or why not.
    pub(crate) async fn dump_dom(
        binary: &Path,
        url: &str,
        budget_ms: u32,
        timeout: Duration,
    ) -> Result<String, String> {
        let budget = format!("--virtual-time-budget={budget_ms}");
        let dir = TempDir::new("chromium-dump").map_err(|e| e.to_string())?;
        let profile = dir.path().join("profile");
        let log = dir.path().join("chromium.log");
        let log_file = File::create(&log).map_err(|e| e.to_string())?;
        let child = Command::new(binary)
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(["--dump-dom", &budget])
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| e.to_string())?;
        let result = match tokio::time::timeout(timeout, child.wait_with_output()).await {
            Ok(Ok(output)) => Ok(String::from_utf8_lossy(&output.stdout).into_owned()),
            Ok(Err(e)) => Err(format!(
                "chromium --dump-dom failed: {e}\n{}",
                log_tail(&log)
            )),
            // Dropping the future dropped the child: kill_on_drop.
            Err(_) => Err(format!(
                "chromium --dump-dom did not finish within {timeout:?}\n{}",
                log_tail(&log)
            )),
        };
        dir.remove().await;
        result
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    // Chromium complains about the missing D-Bus at every start: not worth showing.
    let lines: Vec<&str> = text.lines().filter(|l| !l.contains("dbus")).collect();
    let start = lines.len().saturating_sub(20);
    format!(
        "--- chromium log (last {} lines) ---\n{}",
        lines.len() - start,
        lines[start..].join("\n")
    )
}
