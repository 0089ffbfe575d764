//! [`PolicyError`]: a policy that could not be built, every problem with its fix.

use std::{borrow::Cow, fmt};

/// A policy that could not be built: an invalid `env("VAR")` origin list, a
/// [`PolicyBuilder`](crate::PolicyBuilder) given invalid configuration, or a hand-written
/// [`Spec`](crate::Spec) that breaks a rule.
///
/// The messages are the ones the macros report at compile time for the same mistakes.
///
/// ```
/// let error = cors_runtime::Policy::builder("ApiPolicy")
///     .origins(["https://app.example.com/"])
///     .build()
///     .unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "invalid CORS policy `ApiPolicy`: origin `https://app.example.com/` has a trailing slash; \
///      write `https://app.example.com`"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    policy: Cow<'static, str>,
    subject: Subject,
    /// Never empty.
    problems: Vec<String>,
}

/// Whose policy could not be built, for the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Subject {
    /// A named, built or hand-written policy.
    Policy,
    /// The `#[cors]` policy of a handler, merged over `policy = base` if any.
    Handler { base: Option<&'static str> },
}

impl PolicyError {
    pub(crate) fn new(policy: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        PolicyError {
            policy: policy.into(),
            subject: Subject::Policy,
            problems: vec![message.into()],
        }
    }

    /// `problems` must not be empty.
    pub(crate) fn many(policy: Cow<'static, str>, problems: Vec<String>) -> Self {
        debug_assert!(!problems.is_empty());
        PolicyError {
            policy,
            subject: Subject::Policy,
            problems,
        }
    }

    /// The same error, about the `#[cors]` policy of the handler it names (merged over
    /// `policy = base`): its message says so.
    pub(crate) fn of_handler(mut self, base: Option<&'static str>) -> Self {
        self.subject = Subject::Handler { base };
        self
    }

    /// The (first) problem and its fix.
    ///
    /// ```
    /// let error = cors_runtime::Policy::builder("P").build().unwrap_err();
    /// assert!(error.message().starts_with("the policy has no origins"));
    /// ```
    pub fn message(&self) -> &str {
        &self.problems[0]
    }

    /// Every problem found (a [`PolicyBuilder`](crate::PolicyBuilder) reports all of them, as
    /// the macros do), each with its fix.
    ///
    /// ```
    /// let error = cors_runtime::Policy::builder("P")
    ///     .origins(["https://a.example/", "http//b.example"])
    ///     .methods(["get"])
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(error.problems().len(), 3);
    /// ```
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// The name of the policy that could not be built.
    ///
    /// ```
    /// let error = cors_runtime::Policy::builder("ApiPolicy").build().unwrap_err();
    /// assert_eq!(error.policy(), "ApiPolicy");
    /// ```
    pub fn policy(&self) -> &str {
        &self.policy
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.subject, self.policy.is_empty()) {
            (Subject::Handler { base: None }, _) => {
                write!(f, "invalid CORS policy of handler `{}`: ", self.policy)?;
            }
            (Subject::Handler { base: Some(base) }, _) => write!(
                f,
                "invalid CORS policy of handler `{}` (`policy = {base}`): ",
                self.policy
            )?,
            (Subject::Policy, true) => f.write_str("invalid CORS policy: ")?,
            (Subject::Policy, false) => write!(f, "invalid CORS policy `{}`: ", self.policy)?,
        }
        match &self.problems[..] {
            [one] => f.write_str(one),
            many => {
                write!(f, "{} problems", many.len())?;
                for problem in many {
                    write!(f, "\n  - {problem}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for PolicyError {}
