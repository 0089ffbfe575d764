//! The host and port of an origin: IPv6 literals, IPv4 addresses and domains, ports; each
//! problem with the corrected literal when one can be derived (see [`crate::origin`]).

use std::net::Ipv6Addr;

use crate::{
    host,
    origin::{checked, rebuild, show, show_char, Origin, OriginKind, Problem, PORT_RANGE},
    suffix::wildcard_covers_public_suffix,
};

pub(crate) fn split_host_port<'a>(
    scheme: &str,
    authority: &'a str,
    o: &str,
) -> Result<(&'a str, Option<&'a str>), Problem> {
    if authority.starts_with('[') {
        let Some(close) = authority.find(']') else {
            return Err(Problem::advise(
                format!("origin `{o}` has an unclosed `[` in its host"),
                "write an IPv6 address in brackets, as in `http://[::1]:3000`",
            ));
        };
        let (host, after) = authority.split_at(close + 1);
        if after.is_empty() {
            return Ok((host, None));
        }
        return match after.strip_prefix(':') {
            Some(port) => Ok((host, Some(port))),
            None => Err(Problem::advise(
                format!(
                    "origin `{o}` has `{}` after the IPv6 address `{}`",
                    show(after),
                    show(host)
                ),
                "write only a port there, as in `http://[::1]:3000`",
            )),
        };
    }
    match authority.split_once(':') {
        None => Ok((authority, None)),
        Some((host, port)) if !port.contains(':') => Ok((host, Some(port))),
        Some(_) => Err(match authority.parse::<Ipv6Addr>() {
            Ok(addr) => Problem::write(
                format!("origin `{o}` has an IPv6 address without brackets"),
                format!(
                    "{}://[{}]",
                    scheme.to_ascii_lowercase(),
                    host::serialize_ipv6(addr)
                ),
            ),
            Err(_) => Problem::advise(
                format!("origin `{o}` has more than one `:` after the scheme"),
                "put an IPv6 address in brackets, as in `http://[::1]:3000`",
            ),
        }),
    }
}

pub(crate) fn check_port(
    scheme: &str,
    host: &str,
    p: &str,
    secure: bool,
    o: &str,
) -> Result<(), Problem> {
    if p.is_empty() {
        return Err(Problem::write(
            format!("origin `{o}` has an empty port after `:`"),
            rebuild(scheme, host, None),
        ));
    }
    let shown = show(p);
    if !p.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::advise(
            format!("origin `{o}` has port `{shown}`, which is not a number"),
            PORT_RANGE,
        ));
    }
    let value = p.bytes().fold(0u32, |acc, d| {
        acc.saturating_mul(10).saturating_add(u32::from(d - b'0'))
    });
    if value == 0 {
        return Err(Problem::advise(
            format!("origin `{o}` has port `{shown}`, which is not a usable port"),
            PORT_RANGE,
        ));
    }
    if value > 65_535 {
        return Err(Problem::advise(
            format!("origin `{o}` has port `{shown}`, which is above 65535"),
            PORT_RANGE,
        ));
    }
    if p.starts_with('0') {
        return Err(Problem::write(
            format!("origin `{o}` has port `{shown}` with a leading zero, which browsers drop"),
            rebuild(scheme, host, Some(&value.to_string())),
        ));
    }
    if value == if secure { 443 } else { 80 } {
        return Err(Problem::write(
            format!("origin `{o}` has the default port `:{value}`, which browsers omit"),
            rebuild(scheme, host, None),
        ));
    }
    Ok(())
}

/// Checks a bracketed IPv6 host; returns whether it is loopback (`[::1]`).
pub(crate) fn check_ipv6(
    scheme: &str,
    host: &str,
    inner: &str,
    port: Option<&str>,
    o: &str,
) -> Result<bool, Problem> {
    let plausible = host.ends_with(']')
        && !inner.is_empty()
        && inner
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
    match inner.parse::<Ipv6Addr>() {
        Ok(addr) if plausible => {
            let canonical = host::serialize_ipv6(addr);
            if canonical != inner {
                return Err(Problem::write(
                    format!("origin `{o}` has IPv6 address `{host}`, which browsers serialize as `[{canonical}]`"),
                    rebuild(scheme, &format!("[{canonical}]"), port),
                ));
            }
            Ok(canonical == "::1")
        }
        _ => Err(Problem::advise(
            format!("origin `{o}` has an invalid IPv6 address `{}`", show(host)),
            "write it as browsers do, as in `http://[::1]:3000`",
        )),
    }
}

pub(crate) fn check_domain_or_ipv4(
    scheme: &str,
    host: &str,
    port: Option<&str>,
    secure: bool,
    o: &str,
) -> Result<Origin, Problem> {
    let wildcard = host.strip_prefix("*.");
    if let Some(domain) = wildcard {
        if domain.is_empty() {
            return Err(Problem::advise(
                format!("origin `{o}` has nothing after `*.`"),
                "write a domain, as in `https://*.example.com`",
            ));
        }
        if host::ends_in_number(domain) {
            return Err(star_before_ip(o));
        }
    }
    if let Some(c) = host
        .chars()
        .find(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '*')))
    {
        return Err(Problem::advise(
            format!("origin `{o}` has `{}` in its host", show_char(c)),
            "use only a-z, 0-9, `-` and `.`",
        ));
    }
    if wildcard.unwrap_or(host).contains('*') {
        return Err(Problem::advise(
            format!("origin `{o}` has `*` inside its host"),
            "`*` may only appear as a whole leading label, as in `https://*.example.com`",
        ));
    }
    if host.starts_with('.') {
        return Err(Problem::write(
            format!("origin `{o}` has a leading dot in its host"),
            rebuild(scheme, host.trim_start_matches('.'), port),
        ));
    }
    if host.ends_with('.') {
        return Err(Problem::write(
            format!("origin `{o}` has a trailing dot in its host"),
            rebuild(scheme, host.trim_end_matches('.'), port),
        ));
    }
    if host.contains("..") {
        let collapsed: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
        return Err(Problem::write(
            format!("origin `{o}` has an empty label in its host"),
            rebuild(scheme, &collapsed.join("."), port),
        ));
    }

    let mut ipv4 = None;
    if wildcard.is_none() && host::ends_in_number(host) {
        let Some(addr) = host::parse_ipv4(host) else {
            return Err(Problem::advise(
                format!("origin `{o}` has host `{host}`, which ends in a number but is not a valid IPv4 address"),
                "write a dotted quad such as `127.0.0.1`, or a domain name",
            ));
        };
        let canonical = format!("{}.{}.{}.{}", addr[0], addr[1], addr[2], addr[3]);
        if canonical != host {
            return Err(Problem::write(
                format!("origin `{o}` has IPv4 address `{host}`, which browsers serialize as `{canonical}`"),
                rebuild(scheme, &canonical, port),
            ));
        }
        ipv4 = Some(addr);
    } else {
        for label in wildcard.unwrap_or(host).split('.') {
            let edge = if label.starts_with('-') {
                "starts"
            } else if label.ends_with('-') {
                "ends"
            } else {
                continue;
            };
            return Err(Problem::advise(
                format!("origin `{o}` has host label `{label}`, which {edge} with `-`"),
                "start and end each label with a letter or digit",
            ));
        }
    }

    let loopback =
        host == "localhost" || host.ends_with(".localhost") || ipv4.is_some_and(|a| a[0] == 127);
    let insecure = !secure && !loopback;
    Ok(match wildcard {
        Some(domain) => checked(
            OriginKind::Subdomains,
            insecure,
            wildcard_covers_public_suffix(domain),
        ),
        None => checked(OriginKind::Exact, insecure, false),
    })
}

pub(crate) fn star_before_ip(o: &str) -> Problem {
    Problem::advise(
        format!("origin `{o}` puts `*.` before an IP address, which has no subdomains"),
        "list each origin exactly, as in `http://127.0.0.1:3000`",
    )
}
