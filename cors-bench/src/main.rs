//! `cors-bench`: the benchmark driver. See `BENCHMARKS.md` at the repository root.
//!
//! ```text
//! cors-bench all                 # every table below, as markdown
//! cors-bench allocations         # heap allocations per request (runs the `allocations` binary)
//! cors-bench instructions [N]    # instructions per request under callgrind (N requests, 2000)
//! cors-bench time [ROUNDS]       # interleaved wall-clock time (ROUNDS rounds, 41)
//! cors-bench e2e [SECS] [ROUNDS] # loopback req/s with axum::serve and wrk (5 s, 5 rounds)
//! ```

use std::{
    fmt::Write as _,
    path::PathBuf,
    process::{Command, ExitCode},
    sync::Mutex,
    time::Instant,
};

use axum::{body::Body, http::Request};
use cors_bench::{call, App, Contender, Kind, MinimalCors, Table};

/// Targets on instructions: (kind, contender, at most this × the floor / bare figure).
const INSTRUCTION_TARGETS: &[(Kind, Contender, f64)] = &[
    (Kind::Preflight, Contender::Handler, 1.05),
    (Kind::GetOrigin, Contender::Handler, 1.15),
    (Kind::GetNoOrigin, Contender::Handler, 1.05),
    (Kind::Rejected, Contender::Handler, 1.00),
    (Kind::Preflight, Contender::Group, 1.20),
    (Kind::GetOrigin, Contender::Group, 1.30),
];

/// Targets on time: (kind, contender, at least this many times faster than tower-http).
const TIME_TARGETS: &[(Kind, Contender, f64)] = &[
    (Kind::Preflight, Contender::Handler, 1.8),
    (Kind::GetOrigin, Contender::Handler, 2.0),
    (Kind::Preflight, Contender::Group, 1.5),
    (Kind::GetOrigin, Contender::Group, 1.5),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: u64| -> u64 {
        args.get(i)
            .map(|s| s.parse().expect("a number"))
            .unwrap_or(default)
    };
    match args.first().map(String::as_str) {
        Some("all") => {
            allocations();
            instructions(2000);
            time(41);
            e2e(5, 5);
        }
        Some("allocations") => allocations(),
        Some("instructions") => instructions(arg(1, 2000)),
        Some("time") => time(arg(1, 41) as usize),
        Some("e2e") => e2e(arg(1, 5), arg(2, 5) as usize),
        Some("callgrind-run") => callgrind_run(&args[1..]),
        _ => {
            eprintln!("usage: cors-bench all | allocations | instructions [N] | time [ROUNDS] | e2e [SECS] [ROUNDS]");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

fn sibling(name: &str) -> PathBuf {
    std::env::current_exe()
        .expect("current exe")
        .with_file_name(name)
}

fn allocations() {
    let status = Command::new(sibling("allocations")).status().expect(
        "run the `allocations` binary (build it with `cargo build --release -p cors-bench`)",
    );
    assert!(status.success(), "allocations failed");
}

fn ratio(x: f64, base: f64) -> String {
    format!("{:.2}×", x / base)
}

fn target_line(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "**missed**"
    }
}

// --- instructions ------------------------------------------------------------------------

/// The one function whose instructions callgrind counts (`--toggle-collect`): one request,
/// its response dropped.
#[inline(never)]
fn measured_request(router: &mut App, req: Request<Body>) {
    drop(call(router, req));
}

/// Inside valgrind: warm the router up (not counted), then `n` counted requests.
fn callgrind_run(args: &[String]) {
    let table = Table::from_key(&args[0]).expect("table");
    let kind = Kind::from_key(&args[2]).expect("kind");
    let n: usize = args[3].parse().expect("n");
    let (mut router, contender) = match args[1].as_str() {
        // The hand-written lower bound: the main table's GETs only, answered as ours answers
        // them.
        MINIMAL => {
            assert!(
                table == Table::Main && !kind.is_preflight(),
                "minimal: main-table GETs"
            );
            (MinimalCors::app(), Contender::Handler)
        }
        key => {
            let contender = Contender::from_key(key).expect("contender");
            (contender.router(table), contender)
        }
    };
    for _ in 0..10 {
        let response = call(&mut router, kind.request(table));
        kind.check(table, contender, &response);
    }
    let requests: Vec<_> = (0..n).map(|_| kind.request(table)).collect();
    for req in requests {
        measured_request(&mut router, req);
    }
}

/// The command-line key of [`MinimalCors`] for `callgrind-run`.
const MINIMAL: &str = "minimal";

fn callgrind(table: Table, contender: &str, kind: Kind, n: u64) -> f64 {
    let dir = std::env::temp_dir();
    let out = dir.join(format!(
        "cors-bench-callgrind-{}-{}-{}-{}.out",
        std::process::id(),
        table.key(),
        contender,
        kind.key()
    ));
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg("--collect-atstart=no")
        .arg("--toggle-collect=*measured_request*")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(std::env::current_exe().expect("current exe"))
        .args(["callgrind-run", table.key(), contender, kind.key()])
        .arg(n.to_string())
        .output()
        .expect("run valgrind (apt-get install valgrind)");
    assert!(
        output.status.success(),
        "valgrind failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(&out).expect("callgrind output");
    let _ = std::fs::remove_file(&out);
    let total: u64 = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("totals:")
                .or_else(|| l.strip_prefix("summary:"))
        })
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("callgrind totals");
    total as f64 / n as f64
}

/// `results[table][kind][contender]`.
type Grid = Vec<Vec<Vec<f64>>>;

fn instructions(n: u64) {
    let jobs: Vec<(usize, usize, usize)> = (0..Table::ALL.len())
        .flat_map(|t| {
            (0..Kind::ALL.len())
                .flat_map(move |k| (0..Contender::ALL.len()).map(move |c| (t, k, c)))
        })
        .collect();
    let grid: Mutex<Grid> = Mutex::new(vec![
        vec![vec![0.0; Contender::ALL.len()]; Kind::ALL.len()];
        Table::ALL.len()
    ]);
    let next = Mutex::new(jobs.into_iter());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let Some((t, k, c)) = next.lock().unwrap().next() else {
                    break;
                };
                let ir = callgrind(Table::ALL[t], Contender::ALL[c].key(), Kind::ALL[k], n);
                grid.lock().unwrap()[t][k][c] = ir;
            });
        }
    });
    let grid = grid.into_inner().unwrap();

    println!("### Instructions per request (callgrind, {n} requests each; exact)\n");
    println!("Ratios are against the floor (preflights) or bare (GET) figure of the same table.\n");
    for (t, table) in Table::ALL.into_iter().enumerate() {
        println!("#### {}\n", table.name());
        println!("| request | floor / bare | tower-http | ours: handler | ours: group | ours: handler in group |");
        println!("|---|---:|---:|---:|---:|---:|");
        for (k, kind) in Kind::ALL.into_iter().enumerate() {
            let row = &grid[t][k];
            let mut line = format!("| {} | {:.0} |", kind.name(), row[0]);
            for &x in &row[1..] {
                let _ = write!(line, " {x:.0} ({}) |", ratio(x, row[0]));
            }
            println!("{line}");
        }
        println!();
    }

    println!("#### Instruction targets\n");
    println!("| target | measured | |");
    println!("|---|---:|---|");
    for &(kind, contender, limit) in INSTRUCTION_TARGETS {
        let k = Kind::ALL.iter().position(|&x| x == kind).unwrap();
        let c = Contender::ALL.iter().position(|&x| x == contender).unwrap();
        let x = grid[0][k][c] / grid[0][k][0];
        let base = if kind.is_preflight() { "floor" } else { "bare" };
        println!(
            "| {}, {}: ≤ {limit:.2} × {base} | {x:.3} × | {} |",
            contender.name(),
            kind.name(),
            target_line(x <= limit)
        );
    }
    let preflight = Kind::ALL
        .iter()
        .position(|&x| x == Kind::Preflight)
        .unwrap();
    let worst_table = Table::ALL
        .iter()
        .position(|&x| x == Table::Headers200)
        .unwrap();
    for contender in [Contender::Handler, Contender::Group] {
        let c = Contender::ALL.iter().position(|&x| x == contender).unwrap();
        let x = grid[worst_table][preflight][c] / grid[0][preflight][c];
        println!(
            "| {}, worst-case preflight (200 allowed, 128 upper-case requested): ≤ 3 × its typical preflight | {x:.2} × ({:.0} / {:.0}) | {} |",
            contender.name(),
            grid[worst_table][preflight][c],
            grid[0][preflight][c],
            target_line(x <= 3.0)
        );
    }
    for (t, table) in Table::ALL.into_iter().enumerate().skip(1) {
        if table == Table::Headers200 {
            continue;
        }
        for contender in [Contender::Handler, Contender::Group] {
            let c = Contender::ALL.iter().position(|&x| x == contender).unwrap();
            let worst = (0..Kind::ALL.len())
                .map(|k| grid[t][k][c] / grid[0][k][c])
                .fold(0.0, f64::max);
            println!(
                "| {}, {}: every request within 5% of 3 origins | worst {worst:.3} × | {} |",
                contender.name(),
                table.name(),
                target_line(worst <= 1.05)
            );
        }
    }
    println!();

    // What the actual-request targets leave: the hand-written minimum of CORS work.
    println!("#### The irreducible part of an actual request (3 exact origins)\n");
    println!("`MinimalCors` (in `cors-bench`): the bare router behind a hand-written layer that only looks `Origin` up, compares it with the three origins and adds `Vary`, `Access-Control-Allow-Origin` and `Access-Control-Allow-Credentials` (no preflights, no per-route policy, no guard): what any layer sending these headers through `http`'s `HeaderMap` cannot avoid.\n");
    println!(
        "| request | bare | minimal CORS (lower bound) | ours: handler | ours: group | target |"
    );
    println!("|---|---:|---:|---:|---:|---|");
    for (kind, target) in [(Kind::GetOrigin, 1.15), (Kind::GetNoOrigin, 1.05)] {
        let k = Kind::ALL.iter().position(|&x| x == kind).unwrap();
        let bare = grid[0][k][0];
        let minimal = callgrind(Table::Main, MINIMAL, kind, n);
        let ours = |contender: Contender| {
            let c = Contender::ALL.iter().position(|&x| x == contender).unwrap();
            grid[0][k][c]
        };
        let (handler, group) = (ours(Contender::Handler), ours(Contender::Group));
        println!(
            "| {} | {bare:.0} | {minimal:.0} ({}; +{:.0}) | {handler:.0} ({}; +{:.0}) | {group:.0} ({}; +{:.0}) | handler ≤ {target:.2} × bare (+{:.0}): {} |",
            kind.name(),
            ratio(minimal, bare),
            minimal - bare,
            ratio(handler, bare),
            handler - bare,
            ratio(group, bare),
            group - bare,
            bare * (target - 1.0),
            if minimal <= bare * target {
                "within reach of the lower bound"
            } else {
                "below the lower bound"
            }
        );
    }
    println!();
}

// --- wall-clock time ---------------------------------------------------------------------

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

const BATCH: usize = 1000;

/// Nanoseconds per request over one batch of fresh requests (built before the clock starts).
fn timed_batch(router: &mut App, table: Table, kind: Kind) -> f64 {
    let requests: Vec<_> = (0..BATCH).map(|_| kind.request(table)).collect();
    let start = Instant::now();
    for req in requests {
        drop(std::hint::black_box(call(router, req)));
    }
    start.elapsed().as_nanos() as f64 / BATCH as f64
}

fn time(rounds: usize) {
    println!(
        "### Wall-clock time per request (interleaved: {rounds} rounds of {BATCH} requests per contender, order rotated each round)\n"
    );
    println!(
        "Raw figures are medians of ns per request; ratios are medians of per-round ratios. \
         \"÷ tower-http\" is how many times faster than tower-http.\n"
    );
    let n = Contender::ALL.len();
    let mut main_speedups = Vec::new();
    for table in Table::ALL {
        println!("#### {}\n", table.name());
        println!(
            "| request | floor / bare ns | tower-http ns | ours: handler ns | ours: group ns | ours: handler in group ns | handler ÷ tower-http | group ÷ tower-http |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|");
        for kind in Kind::ALL {
            let mut routers: Vec<App> = Contender::ALL.iter().map(|c| c.router(table)).collect();
            for (router, &c) in routers.iter_mut().zip(&Contender::ALL) {
                kind.check(table, c, &call(router, kind.request(table)));
                timed_batch(router, table, kind);
            }
            let mut ns = vec![Vec::with_capacity(rounds); n];
            for round in 0..rounds {
                for i in 0..n {
                    let c = (round + i) % n;
                    ns[c].push(timed_batch(&mut routers[c], table, kind));
                }
            }
            let per_round = |a: usize, b: usize| -> f64 {
                median((0..rounds).map(|r| ns[a][r] / ns[b][r]).collect())
            };
            let raw: Vec<f64> = ns.iter().map(|v| median(v.clone())).collect();
            let mut line = format!("| {} | {:.0} |", kind.name(), raw[0]);
            for (c, &x) in raw.iter().enumerate().skip(1) {
                let _ = write!(line, " {x:.0} ({:.2}×) |", per_round(c, 0));
            }
            let handler = per_round(1, 2);
            let group = per_round(1, 3);
            let _ = write!(line, " {handler:.2}× | {group:.2}× |");
            println!("{line}");
            if table == Table::Main {
                main_speedups.push((kind, handler, group));
            }
        }
        println!();
    }
    println!("#### Time targets (3 exact origins)\n");
    println!("| target | measured | |");
    println!("|---|---:|---|");
    for &(kind, contender, min) in TIME_TARGETS {
        let &(_, handler, group) = main_speedups.iter().find(|(k, ..)| *k == kind).unwrap();
        let x = if contender == Contender::Handler {
            handler
        } else {
            group
        };
        println!(
            "| {}, {}: ≥ {min:.1} × faster than tower-http | {x:.2} × | {} |",
            contender.name(),
            kind.name(),
            target_line(x >= min)
        );
    }
    println!();
}

// --- end to end ----------------------------------------------------------------------------

const WRK_PREFLIGHT: &str = r#"wrk.method = "OPTIONS"
wrk.path = "/tasks/1"
wrk.headers["Origin"] = "https://app.example.com"
wrk.headers["Access-Control-Request-Method"] = "PUT"
wrk.headers["Access-Control-Request-Headers"] = "authorization,content-type"
"#;

const WRK_GET: &str = r#"wrk.method = "GET"
wrk.path = "/tasks"
wrk.headers["Origin"] = "https://app.example.com"
"#;

/// Requests per second reported by one `wrk` run.
fn wrk(addr: std::net::SocketAddr, script: &std::path::Path, secs: u64) -> f64 {
    let output = Command::new("wrk")
        .args(["-t1", "-c32"])
        .arg(format!("-d{secs}s"))
        .arg("-s")
        .arg(script)
        .arg(format!("http://{addr}"))
        .output()
        .expect("run wrk (apt-get install wrk)");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "wrk failed: {text}");
    assert!(
        !text.contains("Non-2xx"),
        "wrk saw error responses from {addr}: {text}"
    );
    text.lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no Requests/sec in wrk output: {text}"))
}

fn e2e(secs: u64, rounds: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let table = Table::Main;
    let addrs: Vec<std::net::SocketAddr> = Contender::ALL
        .iter()
        .map(|c| {
            let app = c.router(table);
            runtime.block_on(async {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                let addr = listener.local_addr().expect("addr");
                match app {
                    App::Axum(router) => {
                        tokio::spawn(async move { axum::serve(listener, router).await })
                    }
                    App::Cors(router) => {
                        tokio::spawn(async move { axum::serve(listener, router).await })
                    }
                    App::Minimal(_) => unreachable!("a lower bound, not served end to end"),
                };
                addr
            })
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("cors-bench-wrk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let scripts = [
        (Kind::Preflight, dir.join("preflight.lua"), WRK_PREFLIGHT),
        (Kind::GetOrigin, dir.join("get.lua"), WRK_GET),
    ];
    for (_, path, text) in &scripts {
        std::fs::write(path, text).expect("write wrk script");
    }
    println!(
        "### Loopback end to end (axum::serve on 1 tokio worker, wrk -t1 -c32, {secs} s per run, {rounds} interleaved rounds; 3 exact origins)\n"
    );
    println!(
        "Raw figures are medians of requests per second; ratios are medians of per-round ratios.\n"
    );
    println!("| request | floor / bare req/s | tower-http req/s | ours: handler req/s | ours: group req/s | ours: handler in group req/s | handler ÷ tower-http | group ÷ tower-http |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let n = Contender::ALL.len();
    for (kind, script, _) in &scripts {
        let mut rps = vec![Vec::new(); n];
        for round in 0..rounds {
            for i in 0..n {
                let c = (round + i) % n;
                rps[c].push(wrk(addrs[c], script, secs));
            }
        }
        let per_round =
            |a: usize, b: usize| median((0..rounds).map(|r| rps[a][r] / rps[b][r]).collect());
        let raw: Vec<f64> = rps.iter().map(|v| median(v.clone())).collect();
        let mut line = format!("| {} | {:.0} |", kind.name(), raw[0]);
        for (c, x) in raw.iter().enumerate().skip(1) {
            let _ = write!(line, " {x:.0} ({:.2}×) |", per_round(c, 0));
        }
        let _ = write!(line, " {:.2}× | {:.2}× |", per_round(2, 1), per_round(3, 1));
        println!("{line}");
    }
    println!();
    let _ = std::fs::remove_dir_all(&dir);
    runtime.shutdown_background();
}
