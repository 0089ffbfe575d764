//! Rules between keys: `credentials` with `"*"`, `enforce` with `"*"`, `expose = "*"` with
//! `credentials`, missing `origins`, `null` and plain-http origins against their flags, and the
//! limits of `max_age` and `preflight_status`.
//!
//! The rules that can span two items (a handler's own keys merged over `policy = X`) are
//! `const fn`s over flags and facts, so that the macros can check a merged policy at compile
//! time with the very functions the runtime uses: the macros compute [`ListFacts`] with
//! [`crate::origin`] and emit them as consts, and no origin is parsed in a `const fn`.

/// Highest `max_age` browsers honour (Firefox's cap, 24 h).
pub const MAX_AGE_LIMIT: u64 = 86_400;

/// The statuses a successful preflight may have.
pub const PREFLIGHT_STATUSES: [u16; 2] = [204, 200];

/// A rule between keys that a policy breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Conflict {
    /// No `origins` (and no `policy = X` to take them from).
    MissingOrigins,
    /// `credentials` with `origins = "*"`.
    CredentialsWithAnyOrigin,
    /// `enforce` with `origins = "*"`.
    EnforceWithAnyOrigin,
    /// `expose = "*"` with `credentials`.
    ExposeAnyWithCredentials,
}

impl Conflict {
    /// The message in attribute (and `Spec`) wording, usable in a `const` panic. Builder wording:
    /// [`Problem::message`](crate::Problem::message).
    pub const fn attribute_message(self) -> &'static str {
        match self {
            Conflict::MissingOrigins => "the policy has no `origins`; add `origins = [\"https://app.example.com\"]`, `origins = \"*\"` or `policy = SomePolicy`",
            Conflict::CredentialsWithAnyOrigin => "`credentials` cannot be combined with `origins = \"*\"`; list the allowed origins",
            Conflict::EnforceWithAnyOrigin => "`enforce` refuses nothing with `origins = \"*\"`; list the allowed origins, or remove `enforce`",
            Conflict::ExposeAnyWithCredentials => "`expose = \"*\"` cannot be combined with `credentials` (browsers then read it as a header named `*`); list the exposed headers",
        }
    }
}

/// What a literal origin list holds that depends on the policy's flags: computed by
/// [`crate::origin::list_facts`] where the list is written, compared with the flags wherever
/// they end up (the same item, or a handler that takes the list from `policy = X`).
///
/// Each fact is the message of the problem its first entry causes when the flags refuse it
/// (attribute wording), so that a `const` check can report it without formatting.
///
/// `S` is `&str` in emitted consts and `String` where the macros compute them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListFacts<S = &'static str> {
    /// The list holds `null`: refused without `allow_null_origin`.
    pub null: Option<S>,
    /// The list holds a plain-http origin that is not loopback: refused with `credentials`
    /// unless `allow_insecure_origins`.
    pub insecure: Option<S>,
}

impl ListFacts {
    /// No flag-dependent entry (or facts not known at compile time: `env(..)`, predicates).
    pub const NONE: ListFacts = ListFacts {
        null: None,
        insecure: None,
    };
}

/// The origins of a policy, as far as the rules between keys care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OriginsShape<'a> {
    /// Not given.
    Unset,
    /// `"*"`.
    Any,
    /// A literal list, with its facts.
    List(ListFacts<&'a str>),
    /// Decided elsewhere: `env(..)` (checked entry by entry when read), a predicate, a check
    /// from the router state.
    Other,
}

/// A whole policy's keys, every value known: a merged `policy = X` spec at compile time.
#[derive(Clone, Copy, Debug)]
pub struct Shape<'a> {
    /// `disable`: no other rule applies.
    pub disabled: bool,
    /// `origins`.
    pub origins: OriginsShape<'a>,
    /// `credentials`.
    pub credentials: bool,
    /// `enforce`.
    pub enforce: bool,
    /// `expose = "*"`.
    pub expose_any: bool,
    /// `allow_null_origin`.
    pub allow_null_origin: bool,
    /// `allow_insecure_origins`.
    pub allow_insecure_origins: bool,
}

impl<'a> Shape<'a> {
    /// The first rule between keys the policy breaks, as its message (attribute wording).
    pub const fn check(&self) -> Result<(), &'a str> {
        if self.disabled {
            return Ok(());
        }
        let any = matches!(self.origins, OriginsShape::Any);
        let conflicts = [
            (
                matches!(self.origins, OriginsShape::Unset),
                Conflict::MissingOrigins,
            ),
            (
                credentials_with_any_origin(Some(self.credentials), any),
                Conflict::CredentialsWithAnyOrigin,
            ),
            (
                enforce_with_any_origin(Some(self.enforce), any),
                Conflict::EnforceWithAnyOrigin,
            ),
            (
                expose_any_with_credentials(self.expose_any, Some(self.credentials)),
                Conflict::ExposeAnyWithCredentials,
            ),
        ];
        let mut i = 0;
        while i < conflicts.len() {
            if conflicts[i].0 {
                return Err(conflicts[i].1.attribute_message());
            }
            i += 1;
        }
        if let OriginsShape::List(facts) = self.origins {
            if let Some(message) = facts.null {
                if refuses_null(Some(self.allow_null_origin)) {
                    return Err(message);
                }
            }
            if let Some(message) = facts.insecure {
                if refuses_insecure(Some(self.credentials), Some(self.allow_insecure_origins)) {
                    return Err(message);
                }
            }
        }
        Ok(())
    }
}

// The rules themselves. `None` is a value not known where the rule runs (a key left to
// `policy = X`): a rule fires only on values it knows.

/// `credentials` with `origins = "*"`.
pub const fn credentials_with_any_origin(credentials: Option<bool>, any_origin: bool) -> bool {
    matches!(credentials, Some(true)) && any_origin
}

/// `enforce` with `origins = "*"`.
pub const fn enforce_with_any_origin(enforce: Option<bool>, any_origin: bool) -> bool {
    matches!(enforce, Some(true)) && any_origin
}

/// `expose = "*"` with `credentials`.
pub const fn expose_any_with_credentials(expose_any: bool, credentials: Option<bool>) -> bool {
    expose_any && matches!(credentials, Some(true))
}

/// Whether a `null` entry is refused, given `allow_null_origin`.
pub const fn refuses_null(allow_null_origin: Option<bool>) -> bool {
    matches!(allow_null_origin, Some(false))
}

/// Whether a plain-http, non-loopback entry is refused, given `credentials` and
/// `allow_insecure_origins`.
pub const fn refuses_insecure(
    credentials: Option<bool>,
    allow_insecure_origins: Option<bool>,
) -> bool {
    matches!(credentials, Some(true)) && matches!(allow_insecure_origins, Some(false))
}

/// Whether `max_age` is above what browsers honour.
pub const fn max_age_too_large(seconds: u64) -> bool {
    seconds > MAX_AGE_LIMIT
}

/// Whether `status` may answer a successful preflight.
pub const fn is_preflight_status(status: u64) -> bool {
    status == PREFLIGHT_STATUSES[0] as u64 || status == PREFLIGHT_STATUSES[1] as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Shape<'static> = Shape {
        disabled: false,
        origins: OriginsShape::Other,
        credentials: false,
        enforce: false,
        expose_any: false,
        allow_null_origin: false,
        allow_insecure_origins: false,
    };

    const FACTS: ListFacts = ListFacts {
        null: Some("null message"),
        insecure: Some("insecure message"),
    };

    #[test]
    fn conflicts_are_found_in_order() {
        assert_eq!(BASE.check(), Ok(()));
        let unset = Shape {
            origins: OriginsShape::Unset,
            ..BASE
        };
        assert_eq!(
            unset.check(),
            Err(Conflict::MissingOrigins.attribute_message())
        );
        assert_eq!(
            Shape {
                disabled: true,
                ..unset
            }
            .check(),
            Ok(())
        );
        let any = Shape {
            origins: OriginsShape::Any,
            ..BASE
        };
        assert_eq!(any.check(), Ok(()));
        for (shape, conflict) in [
            (
                Shape {
                    credentials: true,
                    ..any
                },
                Conflict::CredentialsWithAnyOrigin,
            ),
            (
                Shape {
                    enforce: true,
                    ..any
                },
                Conflict::EnforceWithAnyOrigin,
            ),
            (
                Shape {
                    expose_any: true,
                    credentials: true,
                    ..BASE
                },
                Conflict::ExposeAnyWithCredentials,
            ),
        ] {
            assert_eq!(shape.check(), Err(conflict.attribute_message()));
        }
    }

    #[test]
    fn list_facts_meet_their_flags() {
        let listed = Shape {
            origins: OriginsShape::List(FACTS),
            ..BASE
        };
        assert_eq!(listed.check(), Err("null message"));
        let null_allowed = Shape {
            allow_null_origin: true,
            ..listed
        };
        assert_eq!(null_allowed.check(), Ok(()));
        let credentials = Shape {
            credentials: true,
            ..null_allowed
        };
        assert_eq!(credentials.check(), Err("insecure message"));
        assert_eq!(
            Shape {
                allow_insecure_origins: true,
                ..credentials
            }
            .check(),
            Ok(())
        );
        let none = Shape {
            origins: OriginsShape::List(ListFacts::NONE),
            credentials: true,
            ..BASE
        };
        assert_eq!(none.check(), Ok(()));
    }

    #[test]
    fn unknown_values_never_fire() {
        assert!(!credentials_with_any_origin(None, true));
        assert!(!refuses_null(None));
        assert!(!refuses_insecure(Some(true), None));
        assert!(!refuses_insecure(None, Some(false)));
        assert!(refuses_insecure(Some(true), Some(false)));
    }

    #[test]
    fn limits() {
        assert!(!max_age_too_large(86_400));
        assert!(max_age_too_large(86_401));
        assert!(is_preflight_status(204) && is_preflight_status(200));
        assert!(!is_preflight_status(201) && !is_preflight_status(65_736));
    }
}
