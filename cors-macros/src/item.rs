//! What the attributes need to know about the item they annotate, read without syn's `full`
//! feature (which exists to parse every Rust item and expression, and roughly doubles syn's
//! build time).
//!
//! `#[cors]` needs a fn's visibility and name; `#[cors_policy]` needs a struct's visibility,
//! name, generics and fields (syn's `DeriveInput` parses those with the `derive` feature);
//! both need the keyword of any other item, to point their error at it. The item itself is
//! always re-emitted verbatim, so rustc still reports any syntax error in it.

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
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

/// `item` (a fn) with `statement` first in its body, after the body's inner attributes.
///
/// The body is the fn's last brace-delimited group (braces in the signature, such as a const
/// generic argument, come before it). Everything else is kept token for token, spans included.
pub(crate) fn with_first_statement(item: TokenStream, statement: TokenStream) -> TokenStream {
    let mut tokens: Vec<TokenTree> = item.into_iter().collect();
    let body = tokens
        .iter()
        .rposition(|t| matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace));
    let Some(body) = body else {
        return tokens.into_iter().collect();
    };
    let TokenTree::Group(group) = &tokens[body] else {
        return tokens.into_iter().collect();
    };
    let inner: Vec<TokenTree> = group.stream().into_iter().collect();
    // Inner attributes (`#![allow(..)]`) must stay first.
    let mut at = 0;
    while let (
        Some(TokenTree::Punct(hash)),
        Some(TokenTree::Punct(bang)),
        Some(TokenTree::Group(_)),
    ) = (inner.get(at), inner.get(at + 1), inner.get(at + 2))
    {
        if hash.as_char() != '#' || bang.as_char() != '!' {
            break;
        }
        at += 3;
    }
    let mut stream: TokenStream = inner[..at].iter().cloned().collect();
    stream.extend(statement);
    stream.extend(inner[at..].iter().cloned());
    let mut replaced = Group::new(Delimiter::Brace, stream);
    replaced.set_span(group.span());
    tokens[body] = TokenTree::Group(replaced);
    tokens.into_iter().collect()
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

    #[test]
    fn the_statement_goes_first_in_the_body_after_inner_attributes() {
        let statement = quote!(check(););
        let with = |item: TokenStream| with_first_statement(item, statement.clone()).to_string();
        assert_eq!(
            with(quote!(
                async fn a() -> u8 {
                    1
                }
            )),
            quote!(
                async fn a() -> u8 {
                    check();
                    1
                }
            )
            .to_string()
        );
        assert_eq!(
            with(quote!(
                fn b() -> Foo<{ 2 }> {
                    #![allow(unused)]
                    let x = 1;
                    x
                }
            )),
            quote!(
                fn b() -> Foo<{ 2 }> {
                    #![allow(unused)]
                    check();
                    let x = 1;
                    x
                }
            )
            .to_string()
        );
        assert_eq!(
            with(quote!(
                fn c<T>()
                where
                    T: Into<u8>,
                {
                }
            )),
            quote!(
                fn c<T>()
                where
                    T: Into<u8>,
                {
                    check();
                }
            )
            .to_string()
        );
    }
}
