// The configurations every entry point must judge alike, and how to read them.
//
// Included (`include!`) by tests/rules_entry_points.rs (builder, `env(..)`, hand-written
// `Spec`, the compile-time check of a merged `policy = X`) and by cors-macros' unit tests (the
// attributes), so that one table drives them all. Each row lists the problems the rules must
// find, as (key, list entry, kind); an empty list means the policy is valid.

/// A list key's value.
#[derive(Clone, Copy, Debug)]
enum Given {
    Default,
    Any,
    List(&'static [&'static str]),
}

/// One configuration and the problems it must get.
#[derive(Clone, Copy, Debug)]
struct Case {
    name: &'static str,
    /// `Default` is "no origins".
    origins: Given,
    methods: Given,
    headers: Given,
    expose: Given,
    credentials: bool,
    allow_null_origin: bool,
    allow_insecure_origins: bool,
    enforce: bool,
    max_age: Option<u64>,
    preflight_status: Option<u64>,
    /// (key name, list entry, kind as `cors_rules::Kind`'s variant name; `Conflict(..)` as
    /// the conflict's name).
    problems: &'static [(&'static str, Option<usize>, &'static str)],
}

const BASE: Case = Case {
    name: "",
    origins: Given::List(&["https://app.example.com"]),
    methods: Given::Default,
    headers: Given::Default,
    expose: Given::Default,
    credentials: false,
    allow_null_origin: false,
    allow_insecure_origins: false,
    enforce: false,
    max_age: None,
    preflight_status: None,
    problems: &[],
};

const CASES: &[Case] = &[
    Case { name: "valid list", ..BASE },
    Case {
        name: "valid everything",
        origins: Given::List(&["https://app.example.com", "https://*.example.org", "http://localhost:3000"]),
        methods: Given::List(&["GET", "PUT", "PURGE"]),
        headers: Given::List(&["content-type", "X-Custom"]),
        expose: Given::List(&["x-request-id"]),
        credentials: true,
        enforce: true,
        max_age: Some(86_400),
        preflight_status: Some(200),
        ..BASE
    },
    Case { name: "any origin", origins: Given::Any, expose: Given::Any, headers: Given::Any, methods: Given::Any, ..BASE },
    Case {
        name: "issue 11 repro: 127.evil.example is a domain, not loopback",
        origins: Given::List(&["http://127.evil.example"]),
        credentials: true,
        problems: &[("origins", Some(0), "InsecureOrigin")],
        ..BASE
    },
    Case {
        name: "loopback is not insecure",
        origins: Given::List(&["http://127.0.0.1:8080", "http://[::1]:3000", "http://app.localhost"]),
        credentials: true,
        ..BASE
    },
    Case {
        name: "insecure allowed by its flag",
        origins: Given::List(&["http://intranet.example"]),
        credentials: true,
        allow_insecure_origins: true,
        ..BASE
    },
    Case { name: "insecure without credentials", origins: Given::List(&["http://intranet.example"]), ..BASE },
    Case {
        name: "null needs its flag",
        origins: Given::List(&["https://app.example.com", "null"]),
        problems: &[("origins", Some(1), "NullOrigin")],
        ..BASE
    },
    Case { name: "null with its flag", origins: Given::List(&["null"]), allow_null_origin: true, ..BASE },
    Case {
        name: "public suffixes of issue 11",
        origins: Given::List(&[
            "https://*.s3.amazonaws.com",
            "https://*.com.vn",
            "https://*.co.ke",
            "https://*.r2.dev",
            "https://*.eu.org",
            "https://*.supabase.co",
            "https://*.ondigitalocean.app",
            "https://*.com.ng",
        ]),
        problems: &[
            ("origins", Some(0), "PublicSuffixPattern"),
            ("origins", Some(1), "PublicSuffixPattern"),
            ("origins", Some(2), "PublicSuffixPattern"),
            ("origins", Some(3), "PublicSuffixPattern"),
            ("origins", Some(4), "PublicSuffixPattern"),
            ("origins", Some(5), "PublicSuffixPattern"),
            ("origins", Some(6), "PublicSuffixPattern"),
            ("origins", Some(7), "PublicSuffixPattern"),
        ],
        ..BASE
    },
    Case {
        name: "wildcards over a wildcard rule of the list",
        origins: Given::List(&["https://*.sch.uk", "https://*.kawasaki.jp", "https://*.web.school.sch.uk"]),
        problems: &[
            ("origins", Some(0), "PublicSuffixPattern"),
            ("origins", Some(1), "PublicSuffixPattern"),
        ],
        ..BASE
    },
    Case {
        name: "origin grammar",
        origins: Given::List(&["https://app.example.com/", "HTTPS://B.example", "https://a_b.example", "ftp://x"]),
        problems: &[
            ("origins", Some(0), "InvalidOrigin"),
            ("origins", Some(1), "InvalidOrigin"),
            ("origins", Some(2), "InvalidOrigin"),
            ("origins", Some(3), "InvalidOrigin"),
        ],
        ..BASE
    },
    Case {
        name: "star and duplicates in lists",
        origins: Given::List(&["https://a.example", "*", "https://a.example"]),
        methods: Given::List(&["GET", "*", "GET"]),
        headers: Given::List(&["x-a", "*", "X-A"]),
        expose: Given::List(&["x-b", "*", "x-b"]),
        problems: &[
            ("origins", Some(1), "StarInList"),
            ("origins", Some(2), "DuplicateOrigin"),
            ("methods", Some(1), "StarInList"),
            ("methods", Some(2), "DuplicateMethod"),
            ("headers", Some(1), "StarInList"),
            ("headers", Some(2), "DuplicateHeader"),
            ("expose", Some(1), "StarInList"),
            ("expose", Some(2), "DuplicateHeader"),
        ],
        ..BASE
    },
    Case {
        name: "empty lists",
        origins: Given::List(&[]),
        methods: Given::List(&[]),
        problems: &[("origins", None, "EmptyOrigins"), ("methods", None, "EmptyMethods")],
        ..BASE
    },
    Case { name: "empty header lists are fine", headers: Given::List(&[]), expose: Given::List(&[]), ..BASE },
    Case {
        name: "names",
        methods: Given::List(&["get", "TRACE", "G T"]),
        headers: Given::List(&["cookie", "sec-fetch-mode", "host", "x ok"]),
        expose: Given::List(&["set-cookie"]),
        problems: &[
            ("methods", Some(0), "InvalidMethod"),
            ("methods", Some(1), "InvalidMethod"),
            ("methods", Some(2), "InvalidMethod"),
            ("headers", Some(0), "CookieHeader"),
            ("headers", Some(1), "InvalidHeader"),
            ("headers", Some(2), "InvalidHeader"),
            ("headers", Some(3), "InvalidHeader"),
            ("expose", Some(0), "InvalidHeader"),
        ],
        ..BASE
    },
    Case {
        name: "credentials with any origin",
        origins: Given::Any,
        credentials: true,
        problems: &[("credentials", None, "CredentialsWithAnyOrigin")],
        ..BASE
    },
    Case {
        name: "enforce with any origin",
        origins: Given::Any,
        enforce: true,
        problems: &[("enforce", None, "EnforceWithAnyOrigin")],
        ..BASE
    },
    Case {
        name: "expose any with credentials",
        expose: Given::Any,
        credentials: true,
        problems: &[("expose", None, "ExposeAnyWithCredentials")],
        ..BASE
    },
    Case {
        name: "missing origins",
        origins: Given::Default,
        problems: &[("origins", None, "MissingOrigins")],
        ..BASE
    },
    Case {
        name: "limits",
        max_age: Some(86_401),
        preflight_status: Some(201),
        problems: &[("max_age", None, "MaxAgeTooLarge"), ("preflight_status", None, "PreflightStatus")],
        ..BASE
    },
];

// How to read the table (shared by the two test files).

fn kind_name(kind: &cors_rules::Kind) -> String {
    match kind {
        cors_rules::Kind::Conflict(conflict) => format!("{conflict:?}"),
        other => {
            let debug = format!("{other:?}");
            debug.split('(').next().unwrap_or_default().to_owned()
        }
    }
}

fn rules_names(given: Given) -> cors_rules::Names<'static> {
    match given {
        Given::Default => cors_rules::Names::Default,
        Given::Any => cors_rules::Names::Any,
        Given::List(list) => cors_rules::Names::List(list),
    }
}

/// The case as the rules see it, with every value known.
fn input(case: &Case) -> cors_rules::Input<'static> {
    cors_rules::Input {
        origins: match case.origins {
            Given::Default => cors_rules::Origins::Unset,
            Given::Any => cors_rules::Origins::Any,
            Given::List(list) => cors_rules::Origins::List(list),
        },
        methods: rules_names(case.methods),
        headers: rules_names(case.headers),
        expose: rules_names(case.expose),
        credentials: Some(case.credentials),
        allow_null_origin: Some(case.allow_null_origin),
        allow_insecure_origins: Some(case.allow_insecure_origins),
        enforce: Some(case.enforce),
        max_age: case.max_age,
        preflight_status: case.preflight_status,
    }
}

/// The problems of `case`, after checking that they are the ones the table lists.
fn problems(case: &Case) -> Vec<cors_rules::Problem> {
    let found = cors_rules::check(&input(case));
    let summary: Vec<(String, Option<usize>, String)> = found
        .iter()
        .map(|p| {
            (
                p.key.name().to_owned(),
                p.entry.as_ref().map(|e| e.index),
                kind_name(&p.kind),
            )
        })
        .collect();
    let expected: Vec<(String, Option<usize>, String)> = case
        .problems
        .iter()
        .map(|&(key, entry, kind)| (key.to_owned(), entry, kind.to_owned()))
        .collect();
    assert_eq!(summary, expected, "{}: the rules' verdict", case.name);
    found
}
