use super::*;

#[test]
fn punycode_matches_rfc_3492() {
    let enc = |s: &str| punycode_encode(&s.chars().collect::<Vec<_>>());
    assert_eq!(enc("bücher").as_deref(), Some("bcher-kva"));
    assert_eq!(enc("münchen").as_deref(), Some("mnchen-3ya"));
    assert_eq!(enc("straße").as_deref(), Some("strae-oqa"));
    assert_eq!(enc("日本語").as_deref(), Some("wgv71a119e"));
    // RFC 3492 section 7.1 sample (L): "3年B組金八先生" lower-cased.
    assert_eq!(
        enc("3年b組金八先生").as_deref(),
        Some("3b-ww4c5e180e575a65lsy2b")
    );
}

// Differential tests against the `url` crate, which implements the URL Standard's host parser
// (IPv4 forms, IPv6 serialization, and IDNA through the `idna` crate).

use proptest::prelude::*;

/// What the URL Standard makes of `host`: its serialization, or `None` if it is not a host.
fn reference(host: &str) -> Option<String> {
    url::Host::parse(host).ok().map(|h| h.to_string())
}

/// What we make of `host`, for the hosts `origin.rs` asks about.
fn ours(host: &str) -> Option<String> {
    if ends_in_number(host) {
        return parse_ipv4(host).map(|a| format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3]));
    }
    punycode(host)
}

#[test]
fn ipv4_forms_agree_with_the_url_standard() {
    for host in [
        "127.0.0.1",
        "127.1",
        "0x7f.1",
        "0x7F.0.0.1",
        "017700000001",
        "0177.0.0.1",
        "2130706433",
        "0x",
        "0",
        "1.2.3",
        "255.255.255.255",
        "256.0.0.1",
        "1.2.3.4.5",
        "4294967295",
        "4294967296",
        "08.1.1.1",
        "0x100000000",
        "1.0x",
        "99999999999999999999999",
    ] {
        assert!(ends_in_number(host), "{host}");
        assert_eq!(ours(host), reference(host), "{host}");
    }
}

#[test]
fn ipv6_serialization_agrees_with_the_url_standard() {
    for text in [
        "::",
        "::1",
        "1::",
        "2001:db8::1",
        "2001:db8:0:0:1:0:0:1",
        "2001:0:0:1:0:0:0:1",
        "::ffff:127.0.0.1",
        "::127.0.0.1",
        "1:2:3:4:5:6:7:8",
        "0:0:1:0:0:0:0:0",
    ] {
        let addr: Ipv6Addr = text.parse().unwrap();
        assert_eq!(
            Some(format!("[{}]", serialize_ipv6(addr))),
            reference(&format!("[{text}]")),
            "{text}"
        );
    }
}

#[test]
fn punycode_agrees_with_idna_where_it_answers() {
    for host in [
        "bücher.example",
        "BÜCHER.example",
        "münchen.de",
        "straße.de",
        "日本語.jp",
        "пример.рф",
        "ΕΛΛΆΔΑ.gr",
        "한국.kr",
        "ǅ.example",
        "İ.example",
    ] {
        if let Some(ascii) = ours(host) {
            assert_eq!(Some(ascii), reference(host), "{host}");
        }
    }
    assert_eq!(
        ours("bücher.example").as_deref(),
        Some("xn--bcher-kva.example")
    );
}

fn host_chars() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        prop::char::range('a', 'z'),
        prop::char::range('A', 'Z'),
        prop::char::range('0', '9'),
        Just('-'),
        prop::char::range('\u{C0}', '\u{17F}'),
        prop::char::range('\u{386}', '\u{3CE}'),
        prop::char::range('\u{400}', '\u{45F}'),
        prop::char::range('\u{3041}', '\u{30FA}'),
        prop::char::range('\u{4E00}', '\u{4E40}'),
        prop::char::range('\u{AC00}', '\u{AC40}'),
    ];
    prop::collection::vec(prop::collection::vec(c, 1..8), 1..4).prop_map(|labels| {
        labels
            .into_iter()
            .map(|l| l.into_iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(".")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn ipv4_numbers_agree(parts in prop::collection::vec(
        prop_oneof![
            (0u64..300).prop_map(|n| n.to_string()),
            (0u64..0x1_0000_0000).prop_map(|n| n.to_string()),
            (0u64..300).prop_map(|n| format!("0x{n:x}")),
            (0u64..300).prop_map(|n| format!("0{n:o}")),
        ],
        1..5,
    )) {
        let host = parts.join(".");
        prop_assert_eq!(ours(&host), reference(&host), "{}", host);
    }

    #[test]
    fn ipv6_serializations_agree(segments in prop::array::uniform8(
        prop_oneof![Just(0u16), Just(1u16), any::<u16>()],
    )) {
        let addr = Ipv6Addr::from(segments);
        prop_assert_eq!(
            Some(format!("[{}]", serialize_ipv6(addr))),
            reference(&format!("[{addr}]"))
        );
    }

    #[test]
    fn punycode_never_contradicts_idna(host in host_chars()) {
        if let Some(ascii) = ours(&host) {
            if !ends_in_number(&host) {
                prop_assert_eq!(Some(ascii), reference(&host), "{}", host);
            }
        }
    }
}
