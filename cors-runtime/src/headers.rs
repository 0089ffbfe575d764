//! `Access-Control-Request-Headers`: parsing the requested names and checking them against the
//! policy's, allocation-free and bounded.

use http::HeaderValue;

/// Longest `Access-Control-Request-Headers` (all fields together) a preflight may carry.
///
/// Browsers send the sorted, lower-cased names of the non-safelisted headers a script set;
/// 4 KiB is more than a hundred typical names. Anything longer is rejected before it is parsed.
pub(crate) const MAX_REQUEST_HEADERS_LEN: usize = 4096;

/// Most names an `Access-Control-Request-Headers` may list (empty items count too).
pub(crate) const MAX_REQUEST_HEADERS_ITEMS: usize = 128;

/// Why the requested headers were refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum HeadersRefusal<'a> {
    /// A header name the policy does not allow.
    NotAllowed(&'a [u8]),
    /// Not a comma-separated list of header names.
    Malformed,
    /// Longer than [`MAX_REQUEST_HEADERS_LEN`] or more than [`MAX_REQUEST_HEADERS_ITEMS`] names.
    TooLong,
}

pub(crate) use cors_rules::names::is_token;

pub(crate) fn trim_ows(mut bytes: &[u8]) -> &[u8] {
    // Nothing to trim, the usual case: every byte of a name is above `' '`.
    if let [first, .., last] = bytes {
        if *first > b' ' && *last > b' ' {
            return bytes;
        }
    }
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

/// The request header names a policy allows, prepared when the policy is built: lower-cased,
/// deduplicated and hashed into a table, so that checking a requested name costs one hash of
/// its bytes, a look at one bucket and (on a hash match) one comparison, whatever its case and
/// however long the list.
///
/// The table has a power of two of buckets, at least twice as many as names; the names are
/// sorted by hash, and a bucket is the run of names whose hash has the bucket's top bits. A
/// requested name is compared (by hash, then, on a match, by its bytes) only with the names of
/// its bucket: at most as many as the fullest bucket holds, a number fixed when the policy is
/// built (2 for the 200 names of the unit test), never the whole list. A preflight lists at
/// most [`MAX_REQUEST_HEADERS_ITEMS`] names in at most [`MAX_REQUEST_HEADERS_LEN`] bytes, and
/// the check reads each requested byte at most twice (the comma search, which hashes as it
/// goes, then the comparison; three times for a name with spaces around it, hashed again once
/// trimmed): the work is linear in the request, whatever the policy. The linear scan of the
/// list this replaced made up to `128 × n` byte comparisons (25,600 for 200 names), twice.
#[derive(Clone, Debug, Default)]
pub(crate) struct AllowedNames {
    /// Sorted by hash.
    entries: Box<[Entry]>,
    /// `entries[start..end]` for `(start, end) = buckets[b]`: the names whose hash has top
    /// bits `b`.
    buckets: Box<[(u32, u32)]>,
    /// `64 - log2(number of buckets)`.
    shift: u32,
    /// Every name is a valid token (always so for names the macros or the builder accepted), so
    /// a requested name equal to one of them (ignoring case) is a token too: it needs no
    /// separate token check.
    tokens: bool,
}

/// Names of at most this many bytes (almost all) are compared four words at a time, without a
/// loop; longer ones a word at a time ([`Entry::matches`]).
const SHORT: usize = 32;

/// One allowed name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    /// [`fold_hash`] of the name.
    hash: u64,
    /// Lower case.
    name: Box<[u8]>,
    /// A name of at most [`SHORT`] bytes as four little-endian words, zero-padded: its bytes
    /// (lower case), and `0x20` in the bytes that are letters (where a requested name may
    /// differ in case). Zero for longer names.
    short: [u64; 4],
    letters: [u64; 4],
    /// For names of eight bytes or more: each word [`Entry::matches`] reads
    /// ([`word_offsets`]), with its letters as above.
    words: Box<[(u64, u64)]>,
}

/// The letters of the up to eight bytes of `bytes`: `0x20` in each byte that is one.
fn letters_of(bytes: &[u8]) -> u64 {
    bytes.iter().rev().fold(0, |mask, b| {
        (mask << 8) | if b.is_ascii_lowercase() { 0x20 } else { 0 }
    })
}

impl Entry {
    fn new(name: &str) -> Entry {
        let name = name.as_bytes().to_ascii_lowercase();
        let words = word_offsets(name.len())
            .map(|at| (word(&name, at), letters_of(&name[at..at + 8])))
            .collect();
        let (mut short, mut letters) = ([0; 4], [0; 4]);
        if let Some(words) = short_words(&name) {
            short = words;
            for (mask, chunk) in letters.iter_mut().zip(name.chunks(8)) {
                *mask = letters_of(chunk);
            }
        }
        Entry {
            hash: fold_hash(&name),
            name: name.into_boxed_slice(),
            short,
            letters,
            words,
        }
    }

    /// A requested name of `len <= SHORT` bytes, given as its four zero-padded words, equals
    /// this name ignoring ASCII case: each word ORed with this name's letters (`A` becomes `a`
    /// where this name has a letter, and only there) equals this name's.
    #[inline(always)]
    fn matches_short(&self, len: usize, words: &[u64; 4]) -> bool {
        let differ = |i: usize| (words[i] | self.letters[i]) ^ self.short[i];
        self.name.len() == len && differ(0) | differ(1) | differ(2) | differ(3) == 0
    }

    /// `requested` equals this name ignoring ASCII case: a word at a time, the bytes that differ
    /// may only differ by `0x20`, and only where this name has a letter.
    fn matches(&self, requested: &[u8]) -> bool {
        let len = requested.len();
        if self.name.len() != len {
            return false;
        }
        if len < 8 {
            return self.name.eq_ignore_ascii_case(requested);
        }
        let mut at = 0;
        for &(word_, letters) in &self.words[..self.words.len() - 1] {
            if (word(requested, at) ^ word_) & !letters != 0 {
                return false;
            }
            at += 8;
        }
        let (last, letters) = self.words[self.words.len() - 1];
        (word(requested, len - 8) ^ last) & !letters == 0
    }
}

impl AllowedNames {
    pub(crate) fn new<N: AsRef<str>>(names: &[N]) -> Self {
        let mut entries: Vec<Entry> = names.iter().map(|n| Entry::new(n.as_ref())).collect();
        entries.sort_unstable();
        entries.dedup();
        let bits = (2 * entries.len())
            .next_power_of_two()
            .trailing_zeros()
            .max(1);
        let shift = 64 - bits;
        let mut ends = vec![0u32; (1 << bits) + 1];
        for entry in &entries {
            ends[(entry.hash >> shift) as usize + 1] += 1;
        }
        for b in 1..ends.len() {
            ends[b] += ends[b - 1];
        }
        let buckets: Vec<(u32, u32)> = ends.windows(2).map(|w| (w[0], w[1])).collect();
        AllowedNames {
            tokens: entries.iter().all(|e| is_token(&e.name)),
            entries: entries.into_boxed_slice(),
            buckets: buckets.into_boxed_slice(),
            shift,
        }
    }

    /// The most names a requested name is compared with (by hash).
    #[cfg(test)]
    fn largest_bucket(&self) -> usize {
        self.buckets
            .iter()
            .map(|&(start, end)| (end - start) as usize)
            .max()
            .unwrap_or(0)
    }

    /// The names whose hash is `hash`'s bucket.
    #[inline(always)]
    fn candidates(&self, hash: u64) -> &[Entry] {
        let b = (hash >> self.shift) as usize;
        self.buckets
            .get(b)
            .and_then(|&(start, end)| self.entries.get(start as usize..end as usize))
            .unwrap_or(&[])
    }

    /// Whether `name` (any case) is in the set. No copy of `name` is made.
    fn contains(&self, name: &[u8]) -> bool {
        let hash = fold_hash(name);
        self.candidates(hash).iter().any(|entry| {
            #[cfg(test)]
            tests::COMPARISONS.with(|n| n.set(n.get() + 1));
            entry.hash == hash && entry.matches(name)
        })
    }

    /// [`AllowedNames::contains`] for a name that [`scan_item`] read whole: not longer than
    /// [`SHORT`], its hash and words computed by the scan.
    #[inline(always)]
    fn contains_scanned(&self, item: &Scanned) -> bool {
        self.candidates(item.hash).iter().any(|entry| {
            #[cfg(test)]
            tests::COMPARISONS.with(|n| n.set(n.get() + 1));
            entry.hash == item.hash && entry.matches_short(item.len, &item.words)
        })
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The 8-byte little-endian word of `bytes` at `at` (`at + 8 <= bytes.len()`).
fn word(bytes: &[u8], at: usize) -> u64 {
    let mut le = [0; 8];
    le.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(le)
}

/// Where the words of a name of `len >= 8` bytes start: every eight bytes, and the last eight
/// bytes (overlapping the previous word when `len` is not a multiple of eight), as
/// [`Entry::matches`] reads them.
fn word_offsets(len: usize) -> impl Iterator<Item = usize> {
    let full = if len < 8 { 0 } else { (len - 1) / 8 };
    (0..full).map(|i| i * 8).chain((len >= 8).then(|| len - 8))
}

const FOLD: u64 = ONES * 0x20;
const COMMAS: u64 = ONES * b',' as u64;

/// One step of [`fold_hash`]: `word` ORed with `0x20` in every byte (which turns `A`-`Z` into
/// `a`-`z`, and leaves digits and `-` alone), mixed in FxHash-style.
#[inline(always)]
fn mix(hash: u64, word: u64) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    (hash.rotate_left(5) ^ (word | FOLD)).wrapping_mul(K)
}

/// The bytes of `word` below the first `,` (and the count of them), or `None` if `word` has no
/// comma: the classic "has a zero byte" test on `word ^ ",,,,,,,,"`, whose lowest flagged byte
/// is always the first comma.
#[inline(always)]
fn before_comma(word: u64) -> Option<(u64, usize)> {
    let x = word ^ COMMAS;
    let zeros = x.wrapping_sub(ONES) & !x & HIGHS;
    if zeros == 0 {
        return None;
    }
    let n = zeros.trailing_zeros() / 8;
    // `n < 8`: `1 << (8 * n)` does not overflow.
    Some((word & ((1u64 << (8 * n)) - 1), n as usize))
}

/// A hash of `name` that ignores ASCII case. A name of at most [`SHORT`] bytes (almost all)
/// is hashed from its four zero-padded words ([`short_hash`], which [`scan_item`]'s words feed
/// directly); a longer one word by word through [`mix`]. Either way each word is ORed with
/// `0x20` in every byte first, so a few other bytes fold together too (`^` with `~`): the hash
/// only picks the candidates, the comparison then checks the bytes.
fn fold_hash(name: &[u8]) -> u64 {
    if let Some(words) = short_words(name) {
        return short_hash(&words, name.len());
    }
    let hash = name.chunks(8).map(padded_word).fold(0, mix);
    mix(hash, name.len() as u64)
}

/// Up to eight bytes as a little-endian word, zero-padded.
fn padded_word(chunk: &[u8]) -> u64 {
    let mut le = [0; 8];
    le[..chunk.len()].copy_from_slice(chunk);
    u64::from_le_bytes(le)
}

/// A name of at most [`SHORT`] bytes as the four zero-padded words [`scan_item`] reads;
/// `None` for a longer one.
fn short_words(name: &[u8]) -> Option<[u64; 4]> {
    if name.len() > SHORT {
        return None;
    }
    let mut words = [0; 4];
    for (word, chunk) in words.iter_mut().zip(name.chunks(8)) {
        *word = padded_word(chunk);
    }
    Some(words)
}

/// [`fold_hash`] of a name of `len <= SHORT` bytes given as four zero-padded words: each
/// word, case folded, times its own odd constant, summed (no loop, no dependency between the
/// words), with the length.
#[inline(always)]
fn short_hash(words: &[u64; 4], len: usize) -> u64 {
    const K: [u64; 4] = [
        0x517c_c1b7_2722_0a95,
        0x9e37_79b9_7f4a_7c15,
        0xc2b2_ae3d_27d4_eb4f,
        0x1656_67b1_9e37_79f9,
    ];
    let term = |i: usize| (words[i] | FOLD).wrapping_mul(K[i]);
    (term(0).wrapping_add(term(1)))
        .wrapping_add(term(2).wrapping_add(term(3)))
        .wrapping_add((len as u64).wrapping_mul(0xff51_afd7_ed55_8ccd))
}

/// An item of a comma-separated list, as [`scan_item`] read it.
struct Scanned {
    /// Where it ends: the index of the next `,`, or the end of the field.
    end: usize,
    /// Its length.
    len: usize,
    /// [`fold_hash`] of its bytes when `len <= SHORT`.
    hash: u64,
    /// Its first 32 bytes as four little-endian words, zero past its end (whole when
    /// `len <= SHORT`).
    words: [u64; 4],
}

/// The item of a comma-separated list that starts at `start`: where it ends (the next `,`, or
/// the end of `bytes`), its first words and (when it has at most [`SHORT`] bytes) its
/// [`fold_hash`], in one pass a word at a time, so a requested name's bytes are read once
/// (this scan) and its words hashed and compared with the one candidate the hash picks
/// without a second read.
#[inline(always)]
fn scan_item(bytes: &[u8], start: usize) -> Scanned {
    let mut words = [0; 4];
    let mut k = 0;
    let mut rest = &bytes[start..];
    let mut end = bytes.len();
    loop {
        let (w, n) = match rest.split_first_chunk::<8>() {
            Some((chunk, tail)) => {
                let w = u64::from_le_bytes(*chunk);
                match before_comma(w) {
                    None => {
                        words[k & 3] = w;
                        k += 1;
                        rest = tail;
                        continue;
                    }
                    Some((head, n)) => {
                        end -= rest.len() - n;
                        (head, n)
                    }
                }
            }
            None if rest.is_empty() => break,
            None => {
                // The last `rest.len()` bytes, in the low bytes of a word (the high ones zero,
                // which the comma test never flags).
                let w = match bytes.last_chunk::<8>() {
                    Some(last) => u64::from_le_bytes(*last) >> (8 * (8 - rest.len())),
                    None => padded_word(rest),
                };
                let (head, n) = before_comma(w).unwrap_or((w, rest.len()));
                end -= rest.len() - n;
                (head, n)
            }
        };
        if n != 0 {
            words[k & 3] = w;
        }
        break;
    }
    let len = end - start;
    Scanned {
        end,
        len,
        // Only read for names of at most `SHORT` bytes (longer ones are hashed again).
        hash: short_hash(&words, len),
        words,
    }
}

/// Checks every name listed in the request's `Access-Control-Request-Headers` fields.
///
/// `allowed` is `None` for `headers = "*"` (any valid name) or the policy's names. Names compare
/// ASCII case-insensitively; empty items (`a,,b`) are skipped. Returns whether any name was
/// requested. Work is bounded by [`MAX_REQUEST_HEADERS_LEN`] bytes and
/// [`MAX_REQUEST_HEADERS_ITEMS`] names, each looked up once ([`AllowedNames`]).
///
/// `fields` iterates over the request's fields (`GetAll::iter` of its `HeaderMap`; it is
/// called twice: their total length is checked first).
pub(crate) fn check_requested<'a, I>(
    fields: impl Fn() -> I,
    allowed: Option<&AllowedNames>,
) -> Result<bool, HeadersRefusal<'a>>
where
    I: Iterator<Item = &'a HeaderValue>,
{
    let total: usize = fields().map(|v| v.len() + 1).sum();
    if total > MAX_REQUEST_HEADERS_LEN + 1 {
        return Err(HeadersRefusal::TooLong);
    }
    let mut items = 0usize;
    let mut any = false;
    for field in fields() {
        let bytes = field.as_bytes();
        let mut start = 0;
        loop {
            items += 1;
            if items > MAX_REQUEST_HEADERS_ITEMS {
                return Err(HeadersRefusal::TooLong);
            }
            let item = scan_item(bytes, start);
            let whole = &bytes[start..item.end];
            let name = trim_ows(whole);
            if !name.is_empty() {
                any = true;
                check_name(name, (name.len() == whole.len()).then_some(&item), allowed)?;
            }
            if item.end == bytes.len() {
                break;
            }
            start = item.end + 1;
        }
    }
    Ok(any)
}

/// One requested `name`, not empty; `scanned` when it is the item as scanned (not trimmed).
#[inline(always)]
fn check_name<'a>(
    name: &'a [u8],
    scanned: Option<&Scanned>,
    allowed: Option<&AllowedNames>,
) -> Result<(), HeadersRefusal<'a>> {
    let Some(allowed) = allowed else {
        return if is_token(name) {
            Ok(())
        } else {
            Err(HeadersRefusal::Malformed)
        };
    };
    let found = match scanned {
        Some(item) if item.len <= SHORT => allowed.contains_scanned(item),
        // Trimmed (`a, b`: hashed again without the spaces) or long.
        _ => allowed.contains(name),
    };
    if found && allowed.tokens {
        return Ok(());
    }
    if !is_token(name) {
        return Err(HeadersRefusal::Malformed);
    }
    if !found {
        return Err(HeadersRefusal::NotAllowed(name));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use http::{header, HeaderMap};

    use super::*;

    thread_local! {
        /// Comparisons made by [`AllowedNames::contains`] on this thread.
        pub(super) static COMPARISONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    fn check(values: &[HeaderValue], allowed: Option<&[&str]>) -> Result<bool, Vec<u8>> {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(header::ACCESS_CONTROL_REQUEST_HEADERS, v.clone());
        }
        let allowed = allowed.map(AllowedNames::new);
        let fields = map.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS);
        check_requested(|| fields.iter(), allowed.as_ref()).map_err(|e| match e {
            HeadersRefusal::NotAllowed(name) => name.to_vec(),
            HeadersRefusal::Malformed => b"<malformed>".to_vec(),
            HeadersRefusal::TooLong => b"<too long>".to_vec(),
        })
    }

    #[test]
    fn requested_headers_are_matched_case_insensitively() {
        let v = [HeaderValue::from_static("Content-Type , AUTHORIZATION")];
        assert_eq!(
            check(&v, Some(&["authorization", "content-type"])),
            Ok(true)
        );
        assert_eq!(
            check(&v, Some(&["content-type"])),
            Err(b"AUTHORIZATION".to_vec())
        );
        assert_eq!(check(&v, None), Ok(true));
    }

    #[test]
    fn exact_match_fast_path_keeps_the_token_check() {
        let v = [HeaderValue::from_static("content-type,authorization")];
        assert_eq!(
            check(&v, Some(&["authorization", "content-type"])),
            Ok(true)
        );
        // A hand-written spec may list a name that is not a token: an exact match must not
        // let it through unchecked.
        let v = [HeaderValue::from_static("x a")];
        assert_eq!(check(&v, Some(&["x a"])), Err(b"<malformed>".to_vec()));
    }

    #[test]
    fn the_worst_case_compares_each_requested_name_with_one_bucket() {
        // 200 allowed names; 128 requested (the item bound), upper case (browsers send lower
        // case: this is a client that wants the slow path), every one allowed, so that every
        // name is looked up.
        let allowed: Vec<String> = (0..200)
            .map(|i| format!("x-custom-header-{i:03}"))
            .collect();
        let requested: Vec<String> = allowed[72..]
            .iter()
            .map(|n| n.to_ascii_uppercase())
            .collect();
        assert_eq!(requested.len(), MAX_REQUEST_HEADERS_ITEMS);
        let value = HeaderValue::from_str(&requested.join(",")).unwrap();
        let set = AllowedNames::new(&allowed);
        // 512 buckets for 200 names; the fullest holds 2.
        assert_eq!(set.buckets.len(), 512);
        assert_eq!(set.largest_bucket(), 2);
        COMPARISONS.with(|n| n.set(0));
        assert_eq!(
            check_requested(|| Some(&value).into_iter(), Some(&set)),
            Ok(true)
        );
        let comparisons = COMPARISONS.with(std::cell::Cell::get);
        // At most 2 per name, 256 in all, each an integer comparison (and, for the one name
        // of equal hash, one of bytes). A scan of the list (what this replaced) made up to 200
        // byte comparisons per name, 25,600, and did it twice (exact, then case-insensitive).
        assert!(
            comparisons <= 128 * set.largest_bucket(),
            "{comparisons} comparisons"
        );

        // The same bound for a name that is not allowed, and for the lower-case names a
        // browser sends.
        for (name, expected) in [
            (
                "X-CUSTOM-HEADER-999",
                Err(HeadersRefusal::NotAllowed(&b"X-CUSTOM-HEADER-999"[..])),
            ),
            ("x-custom-header-199", Ok(true)),
        ] {
            let value = HeaderValue::from_static(name);
            COMPARISONS.with(|n| n.set(0));
            assert_eq!(
                check_requested(|| Some(&value).into_iter(), Some(&set)),
                expected
            );
            assert!(COMPARISONS.with(std::cell::Cell::get) <= set.largest_bucket());
        }
    }

    #[test]
    fn allowed_names_are_lower_cased_deduplicated_and_found_in_any_case() {
        let set =
            AllowedNames::new(&["X-B", "x-a", "x-b", "Content-Type", "x-long-header-name-17"]);
        let mut names: Vec<&[u8]> = set.entries.iter().map(|e| &e.name[..]).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                &b"content-type"[..],
                b"x-a",
                b"x-b",
                b"x-long-header-name-17"
            ]
        );
        assert!(set.entries.windows(2).all(|w| w[0].hash <= w[1].hash));
        assert!(set.tokens);
        for name in ["x-a", "X-A", "x-B", "CONTENT-type", "X-Long-Header-Name-17"] {
            assert!(set.contains(name.as_bytes()), "{name}");
        }
        for name in [
            "x-",
            "x-c",
            "x-ab",
            "",
            "content-typ",
            "content-types",
            "x-long-header-name-18",
            "x-long-header-name-1",
            "x\\long-header-name-17",
        ] {
            assert!(!set.contains(name.as_bytes()), "{name}");
        }
        assert!(!AllowedNames::new(&["x a"]).tokens);
        assert!(!AllowedNames::new::<&str>(&[]).contains(b"x-a"));
    }

    #[test]
    fn case_folding_is_exact_where_the_hash_is_not() {
        // The hash folds `^` into `~` (and `@` into `` ` ``, `\` into `|`): the comparison of
        // bytes must not.
        assert_eq!(fold_hash(b"X-A"), fold_hash(b"x-a"));
        assert_eq!(fold_hash(b"x^a"), fold_hash(b"x~a"));
        assert!(!AllowedNames::new(&["x~a"]).contains(b"x^a"));
        assert!(
            !AllowedNames::new(&["x~long-name-of-a-header"]).contains(b"x^long-name-of-a-header")
        );
        // Every byte in place of a letter, a digit and a `-`, at every position of a word and
        // of the last, overlapping one, against the allowed name and its upper-case form:
        // `Entry::matches` agrees with `eq_ignore_ascii_case`.
        let matches = |entry: &Entry, requested: &[u8]| {
            // The hash may only pick a candidate the comparison would accept.
            let matched = entry.matches(requested);
            assert!(!matched || fold_hash(requested) == entry.hash);
            // The comparison of short names as four words agrees, on the words the scan reads.
            if requested.len() <= SHORT {
                let scanned = scan_item(requested, 0);
                if scanned.end == requested.len() {
                    assert_eq!(
                        entry.matches_short(scanned.len, &scanned.words),
                        matched,
                        "{:?} {requested:?}",
                        entry.name
                    );
                }
            }
            matched
        };
        let base = b"ab-0cdefg1-hijklmnop-qrstuvw-xyz-0123".to_vec();
        for len in [1, 7, 8, 9, 15, 16, 17, 20, 31, 32, 33, 36] {
            for at in 0..len {
                for byte in 0..=255u8 {
                    for allowed in [base[..len].to_vec(), {
                        let mut a = base[..len].to_vec();
                        a[at] = byte;
                        a
                    }] {
                        let entry = Entry::new(&String::from_utf8_lossy(&allowed));
                        if entry.name.len() != len {
                            continue; // not UTF-8: never a policy's name
                        }
                        for requested in [base[..len].to_vec(), base[..len].to_ascii_uppercase()] {
                            let mut requested = requested;
                            requested[at] = byte;
                            assert_eq!(
                                matches(&entry, &requested),
                                entry.name.eq_ignore_ascii_case(&requested),
                                "{allowed:?} {requested:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn items_split_at_every_comma() {
        let mut inputs: Vec<Vec<u8>> = [
            "",
            ",",
            "a",
            "a,",
            ",a",
            "a,,b",
            ",,,,,,,,,",
            "x-custom-header-000,X-CUSTOM-HEADER-001 , y",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        // Every position of one or two commas in words of up to 20 bytes, and bytes next to
        // `,` (0x2c) that a word-at-a-time search could confuse with it (borrows, 0xac, 0x2b,
        // 0x2d), and non-ASCII bytes.
        for len in 0..20 {
            for fill in [b'a', 0x2b, 0x2d, 0xac, 0x00, 0xff] {
                inputs.push(vec![fill; len]);
            }
            for i in 0..len {
                for j in i..len {
                    for fill in [b'a', 0x2b, 0x2d, 0xac, 0x00, 0xff] {
                        let mut v = vec![fill; len];
                        v[i] = b',';
                        v[j] = b',';
                        inputs.push(v);
                    }
                }
            }
        }
        // Long items too: more words than the scan keeps.
        inputs.push(format!("{},b,{}", "x".repeat(70), "y".repeat(64)).into_bytes());
        for input in inputs {
            let expected: Vec<&[u8]> = input.split(|&b| b == b',').collect();
            let mut got: Vec<&[u8]> = Vec::new();
            let mut start = 0;
            loop {
                let scanned = scan_item(&input, start);
                let item = &input[start..scanned.end];
                // The hash and words computed during the scan are the item's own.
                assert_eq!(scanned.len, item.len());
                if item.len() <= SHORT {
                    assert_eq!(scanned.hash, fold_hash(item), "{input:?} {item:?}");
                    let mut padded = [0; SHORT];
                    padded[..item.len()].copy_from_slice(item);
                    let words: Vec<u64> = padded.chunks(8).map(|c| word(c, 0)).collect();
                    assert_eq!(scanned.words[..], words[..], "{input:?} {item:?}");
                }
                got.push(item);
                if scanned.end == input.len() {
                    break;
                }
                start = scanned.end + 1;
            }
            assert_eq!(got, expected, "{input:?}");
        }
    }

    #[test]
    fn empty_items_and_fields_are_skipped() {
        let v = [
            HeaderValue::from_static(" , ,"),
            HeaderValue::from_static(""),
        ];
        assert_eq!(check(&v, Some(&[])), Ok(false));
        let v = [
            HeaderValue::from_static("a,,b"),
            HeaderValue::from_static("c"),
        ];
        assert_eq!(check(&v, Some(&["a", "b", "c"])), Ok(true));
        assert_eq!(check(&v, Some(&["a", "b"])), Err(b"c".to_vec()));
    }

    #[test]
    fn malformed_and_oversized_lists_are_refused() {
        let v = [HeaderValue::from_static("x-a b")];
        assert_eq!(check(&v, None), Err(b"<malformed>".to_vec()));
        let long = ",".repeat(100_000);
        let v = [HeaderValue::from_str(&long).unwrap()];
        assert_eq!(check(&v, None), Err(b"<too long>".to_vec()));
        let many = vec!["x"; MAX_REQUEST_HEADERS_ITEMS + 1].join(",");
        let v = [HeaderValue::from_str(&many).unwrap()];
        assert_eq!(check(&v, None), Err(b"<too long>".to_vec()));
        let name = "x".repeat(MAX_REQUEST_HEADERS_LEN + 1);
        let v = [HeaderValue::from_str(&name).unwrap()];
        assert_eq!(check(&v, None), Err(b"<too long>".to_vec()));
    }
}
