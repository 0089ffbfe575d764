//! Canonical host forms, as browsers serialize them (URL Standard): IPv4 in all its legacy
//! spellings, IPv6 compression, and the punycode (A-label) of a non-ASCII domain. Used only to
//! show the corrected literal in a message; an origin is accepted only in its canonical form.
//!
//! Hand-written, std-only, on purpose: the `idna` crate (with its default ICU4X backend) adds
//! 26 crates to the proc-macro's build (12.7 s clean, see BENCHMARKS.md) for what is here a
//! hint in an error message, and std parses neither the URL Standard's IPv4 forms (`0x7f.1`)
//! nor serializes IPv6 as it does (`::ffff:1.2.3.4`). `tests.rs` checks every function against
//! the `url` crate (the URL Standard's Rust implementation, a dev-dependency), on tables and on
//! generated input.

use std::fmt::Write as _;
use std::net::Ipv6Addr;

/// The URL Standard's "ends in a number" test: such a host is parsed as IPv4, never as a domain.
pub(crate) fn ends_in_number(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    let last = host.rsplit('.').next().unwrap_or("");
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    match last.strip_prefix("0x").or_else(|| last.strip_prefix("0X")) {
        Some(hex) => hex.bytes().all(|b| b.is_ascii_hexdigit()),
        None => false,
    }
}

/// The URL Standard's IPv4 parser (decimal, `0x` hex and leading-zero octal parts; 1 to 4 parts).
pub(crate) fn parse_ipv4(host: &str) -> Option<[u8; 4]> {
    let parts: Vec<&str> = host.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    let numbers = parts
        .iter()
        .map(|p| ipv4_number(p))
        .collect::<Option<Vec<u64>>>()?;
    let (last, init) = numbers.split_last()?;
    if init.iter().any(|&n| n > 255) {
        return None;
    }
    // The last part fills the remaining bytes: 256^(5 - number of parts).
    let room = 8 * (4 - init.len() as u32);
    if *last >= 1u64 << room {
        return None;
    }
    let mut value = *last;
    for (i, &n) in init.iter().enumerate() {
        value += n << (8 * (3 - i as u32));
    }
    let value = u32::try_from(value).ok()?;
    Some(value.to_be_bytes())
}

fn ipv4_number(part: &str) -> Option<u64> {
    if part.is_empty() {
        return None;
    }
    let (digits, radix) =
        if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            (hex, 16)
        } else if part.len() > 1 && part.starts_with('0') {
            (&part[1..], 8)
        } else {
            (part, 10)
        };
    let mut value: u64 = 0;
    for c in digits.chars() {
        let digit = c.to_digit(radix)?;
        // Anything this large is already out of range; stop before overflowing.
        value = value
            .checked_mul(u64::from(radix))?
            .checked_add(u64::from(digit))?;
        if value > u64::from(u32::MAX) {
            return None;
        }
    }
    Some(value)
}

/// Serializes an IPv6 address as the URL Standard does: lowercase hex, no leading zeros, the first
/// longest run of two or more zero pieces compressed to `::`, never a dotted IPv4 tail.
pub(crate) fn serialize_ipv6(addr: Ipv6Addr) -> String {
    let pieces = addr.segments();
    let (mut best_start, mut best_len) = (None, 1);
    let mut i = 0;
    while i < 8 {
        if pieces[i] == 0 {
            let start = i;
            while i < 8 && pieces[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                best_start = Some(start);
                best_len = i - start;
            }
        } else {
            i += 1;
        }
    }
    let mut out = String::new();
    let mut i = 0;
    while i < 8 {
        if best_start == Some(i) {
            out.push_str(if i == 0 { "::" } else { ":" });
            i += best_len;
            continue;
        }
        let _ = write!(out, "{:x}", pieces[i]);
        if i != 7 {
            out.push(':');
        }
        i += 1;
    }
    out
}

// Punycode (RFC 3492), to show the A-label browsers send for a non-ASCII host.

/// The ASCII form of a non-ASCII host, or `None` when it cannot be derived with certainty.
///
/// Full IDNA processing (UTS #46 mapping, normalization, bidi rules) needs Unicode tables this
/// std-only crate does not carry, so a literal is offered only when every non-ASCII character is a
/// lowercase letter (or the uppercase form of one) from a script whose letters IDNA passes through
/// unchanged; for anything else the message gives advice instead of a literal.
pub(crate) fn punycode(host: &str) -> Option<String> {
    if host.starts_with('[') {
        return None;
    }
    let mut labels = Vec::new();
    for label in host.split('.') {
        if label.is_ascii() {
            labels.push(label.to_ascii_lowercase());
            continue;
        }
        let chars = label
            .chars()
            .map(idna_lower)
            .collect::<Option<Vec<char>>>()?;
        labels.push(format!("xn--{}", punycode_encode(&chars)?));
    }
    Some(labels.join("."))
}

fn idna_lower(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c.to_ascii_lowercase());
    }
    if idna_passes_through(c) {
        return Some(c);
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) if l != c && idna_passes_through(l) => Some(l),
        _ => None,
    }
}

/// Lowercase letters that are NFC-stable and valid, unmapped, in UTS #46 non-transitional
/// processing (what browsers use): Latin-1 and Latin Extended-A letters, Greek, Cyrillic,
/// Hiragana, Katakana, CJK ideographs and Hangul syllables.
fn idna_passes_through(c: char) -> bool {
    matches!(c,
        '\u{DF}'..='\u{F6}'
        | '\u{F8}'..='\u{FF}'
        | '\u{3AC}'..='\u{3CE}'
        | '\u{430}'..='\u{45F}'
        | '\u{3041}'..='\u{3096}'
        | '\u{30A1}'..='\u{30FA}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7A3}')
        || (('\u{100}'..='\u{17F}').contains(&c)
            && c.is_lowercase()
            && !matches!(c, '\u{133}' | '\u{140}' | '\u{149}' | '\u{17F}'))
}

const PUNY_BASE: u32 = 36;
const PUNY_TMIN: u32 = 1;
const PUNY_TMAX: u32 = 26;
const PUNY_SKEW: u32 = 38;
const PUNY_DAMP: u32 = 700;

fn punycode_encode(input: &[char]) -> Option<String> {
    let mut out: String = input.iter().filter(|c| c.is_ascii()).collect();
    let basic = u32::try_from(out.len()).ok()?;
    let total = u32::try_from(input.len()).ok()?;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias, mut handled) = (128u32, 0u32, 72u32, basic);
    while handled < total {
        let m = input.iter().map(|&c| c as u32).filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for &c in input {
            let c = c as u32;
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = PUNY_BASE;
                loop {
                    let t = if k <= bias {
                        PUNY_TMIN
                    } else if k >= bias + PUNY_TMAX {
                        PUNY_TMAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out.push(puny_digit(t + (q - t) % (PUNY_BASE - t)));
                    q = (q - t) / (PUNY_BASE - t);
                    k += PUNY_BASE;
                }
                out.push(puny_digit(q));
                bias = puny_adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out)
}

fn puny_adapt(delta: u32, points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / PUNY_DAMP } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((PUNY_BASE - PUNY_TMIN) * PUNY_TMAX) / 2 {
        delta /= PUNY_BASE - PUNY_TMIN;
        k += PUNY_BASE;
    }
    k + (PUNY_BASE - PUNY_TMIN + 1) * delta / (delta + PUNY_SKEW)
}

fn puny_digit(d: u32) -> char {
    match d {
        0..=25 => char::from(b'a' + d as u8),
        _ => char::from(b'0' + (d.min(35) - 26) as u8),
    }
}

#[cfg(test)]
mod tests;
