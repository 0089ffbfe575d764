//! What the attributes need to know about the item they annotate, read without syn's `full`
//! feature (which exists to parse every Rust item and expression, and roughly doubles syn's
//! build time).
//!
//! `#[cors]` needs a fn's visibility and name; `#[cors_policy]` needs a struct's visibility,
//! name, generics and fields (syn's `DeriveInput` parses those with the `derive` feature);
//! both need the keyword of any other item, to point their error at it. The item itself is
//! always re-emitted verbatim, so rustc still reports any syntax error in it.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::{
    parse::{ParseStream, Parser},
    Attribute, Data, DeriveInput, Fields, Generics, Ident, Visibility,
};

/// The annotated item.
pub(crate) enum Item {
    /// A fn (`async`, `const`, `unsafe`, `extern "abi"` or not); `keyword` is its `fn`.
    Fn {
        vis: Visibility,
        ident: Ident,
        keyword: Span,
    },
    /// A struct; `keyword` is its `struct`.
    Struct {
        vis: Visibility,
        ident: Ident,
        generics: Generics,
        fields: Fields,
        keyword: Span,
    },
    /// Anything else; the span of the keyword naming its kind (`enum`, `impl`, ...), or of
    /// its first token when there is no such keyword (a macro call, `extern crate`).
    Other { keyword: Span },
}

/// Reads `item`; `None` when it cannot be read (rustc will report it).
pub(crate) fn read(item: TokenStream) -> Option<Item> {
    let first = item.clone().into_iter().next()?.span();
    let head = |input: ParseStream<'_>| {
        Attribute::parse_outer(input)?;
        let vis: Visibility = input.parse()?;
        let rest: TokenStream = input.parse()?;
        Ok((vis, rest))
    };
    let (vis, rest) = head.parse2(item.clone()).ok()?;
    let tokens: Vec<TokenTree> = rest.into_iter().collect();
    let ident = |i: usize| match tokens.get(i) {
        Some(TokenTree::Ident(ident)) => Some(ident.clone()),
        _ => None,
    };
    let mut i = 0;
    loop {
        let Some(word) = ident(i) else {
            return Some(Item::Other { keyword: first });
        };
        let next = ident(i + 1).map(|next| next.to_string());
        match word.to_string().as_str() {
            "fn" => {
                let name = ident(i + 1)?;
                return Some(Item::Fn {
                    vis,
                    ident: name,
                    keyword: word.span(),
                });
            }
            "struct" => {
                let input: DeriveInput = syn::parse2(item).ok()?;
                let Data::Struct(data) = input.data else {
                    return None;
                };
                return Some(Item::Struct {
                    vis: input.vis,
                    ident: input.ident,
                    generics: input.generics,
                    fields: data.fields,
                    keyword: data.struct_token.span,
                });
            }
            // `const fn`, `const async fn`, `const unsafe fn`.
            "const" if matches!(next.as_deref(), Some("fn" | "async" | "unsafe" | "extern")) => {
                i += 1
            }
            "async" | "unsafe" | "default" | "auto" => i += 1,
            "extern" => match tokens.get(i + 1) {
                // `extern "C" fn` goes on; `extern "C" { .. }` is a foreign module.
                Some(TokenTree::Literal(_)) if ident(i + 2).is_some() => i += 2,
                Some(TokenTree::Ident(next)) if next == "fn" => i += 1,
                _ => return Some(Item::Other { keyword: first }),
            },
            "union" if next.is_none() => return Some(Item::Other { keyword: first }),
            "enum" | "union" | "impl" | "trait" | "mod" | "const" | "static" | "type" | "use" => {
                return Some(Item::Other {
                    keyword: word.span(),
                })
            }
            _ => return Some(Item::Other { keyword: first }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn kind(item: TokenStream) -> String {
        match read(item) {
            Some(Item::Fn { ident, .. }) => format!("fn {ident}"),
            Some(Item::Struct { ident, .. }) => format!("struct {ident}"),
            Some(Item::Other { .. }) => "other".to_owned(),
            None => "unreadable".to_owned(),
        }
    }

    #[test]
    fn reads_fns_structs_and_others() {
        assert_eq!(
            kind(quote!(
                async fn a() {}
            )),
            "fn a"
        );
        assert_eq!(
            kind(quote!(
                #[doc = "x"]
                pub(crate) const unsafe fn b() {}
            )),
            "fn b"
        );
        assert_eq!(
            kind(quote!(
                pub extern "C" fn c() {}
            )),
            "fn c"
        );
        assert_eq!(
            kind(quote!(
                pub struct P;
            )),
            "struct P"
        );
        assert_eq!(
            kind(quote!(
                struct Q<T> {
                    t: T,
                }
            )),
            "struct Q"
        );
        assert_eq!(
            kind(quote!(
                pub enum E {}
            )),
            "other"
        );
        assert_eq!(
            kind(quote!(
                const X: u8 = 1;
            )),
            "other"
        );
        assert_eq!(
            kind(quote!(
                unsafe impl Send for X {}
            )),
            "other"
        );
        assert_eq!(
            kind(quote!(
                extern crate alloc;
            )),
            "other"
        );
        assert_eq!(kind(quote!(m! {})), "other");
        assert_eq!(kind(quote!(struct)), "unreadable");
        assert_eq!(kind(quote!(fn)), "unreadable");
        assert_eq!(kind(quote!()), "unreadable");
    }
}
