//! Accumulated compile errors.

use proc_macro2::TokenStream;
use quote::ToTokens;

/// Every error found, reported together, in source order.
///
/// Each error carries an ordering key (the index of the argument it belongs to, see
/// [`Errors::at`]), so that checks may run in any order and the messages still come out in the
/// order of the tokens they point at. Debug builds panic if an `Errors` with errors in it is
/// dropped without [`Errors::finish`].
#[derive(Default)]
pub(crate) struct Errors {
    errors: Vec<(usize, syn::Error)>,
    order: usize,
}

/// Ordering key for errors about the whole attribute ("missing" errors): after all others.
pub(crate) const LAST: usize = usize::MAX;

impl Errors {
    /// Following errors belong to the argument at `order` (its index in the attribute).
    pub(crate) fn at(&mut self, order: usize) -> &mut Self {
        self.order = order;
        self
    }

    /// An error spanning `tokens`.
    pub(crate) fn push(&mut self, tokens: impl ToTokens, message: impl std::fmt::Display) {
        self.push_error(syn::Error::new_spanned(tokens, message));
    }

    /// An error at `span`.
    pub(crate) fn push_at(&mut self, span: proc_macro2::Span, message: impl std::fmt::Display) {
        self.push_error(syn::Error::new(span, message));
    }

    /// A ready-made error (a parse error), as it is.
    pub(crate) fn push_error(&mut self, error: syn::Error) {
        self.errors.push((self.order, error));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// All errors, in source order, as `compile_error!` invocations (empty when there are none).
    pub(crate) fn finish(mut self) -> TokenStream {
        let mut errors = std::mem::take(&mut self.errors);
        errors.sort_by_key(|(order, _)| *order);
        errors
            .into_iter()
            .map(|(_, e)| e)
            .reduce(|mut all, e| {
                all.combine(e);
                all
            })
            .map(|e| e.to_compile_error())
            .unwrap_or_default()
    }
}

impl Drop for Errors {
    fn drop(&mut self) {
        if cfg!(debug_assertions) && !self.errors.is_empty() && !std::thread::panicking() {
            panic!("cors-macros bug: compile errors were dropped without `Errors::finish`");
        }
    }
}

#[cfg(test)]
impl Errors {
    /// Every message, in source order (tests).
    pub(crate) fn messages(mut self) -> Vec<String> {
        let mut errors = std::mem::take(&mut self.errors);
        errors.sort_by_key(|(order, _)| *order);
        errors
            .into_iter()
            .flat_map(|(_, e)| e.into_iter().map(|e| e.to_string()))
            .collect()
    }
}
