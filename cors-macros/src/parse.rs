//! Syntax only: the attribute arguments and the `with_cors!` input, every value with its span.

use proc_macro2::{Span, TokenStream};
use syn::{
    ext::IdentExt,
    parse::{Parse, ParseStream},
    spanned::Spanned,
    Ident, LitBool, LitInt, LitStr, Path, Token,
};

/// One element of a bracketed list: `"PATCH"` or `PATCH`.
pub(crate) enum Elem {
    Str(LitStr),
    Ident(Ident),
}

impl Elem {
    pub(crate) fn value(&self) -> String {
        match self {
            Elem::Str(s) => s.value(),
            Elem::Ident(i) => i.to_string(),
        }
    }

    pub(crate) fn span(&self) -> Span {
        match self {
            Elem::Str(s) => s.span(),
            Elem::Ident(i) => i.span(),
        }
    }
}

/// The value of a key, as written.
pub(crate) enum Value {
    /// The key alone: a flag.
    Flag,
    Bool(LitBool),
    Str(LitStr),
    Int(LitInt),
    /// `[a, b, ..]`, with the span of the brackets.
    List(Vec<Elem>, Span),
    /// `env("VAR")`.
    Env(LitStr, Span),
    Path(Path),
}

impl Value {
    pub(crate) fn span(&self, key: &Ident) -> Span {
        match self {
            Value::Flag => key.span(),
            Value::Bool(b) => b.span(),
            Value::Str(s) => s.span(),
            Value::Int(i) => i.span(),
            Value::List(_, span) | Value::Env(_, span) => *span,
            Value::Path(p) => p.span(),
        }
    }
}

/// `key` or `key = value`.
pub(crate) struct Arg {
    pub(crate) key: Ident,
    pub(crate) value: Value,
}

/// The arguments of `#[cors(...)]` or `#[cors_policy(...)]`.
pub(crate) struct AttrArgs {
    pub(crate) args: Vec<Arg>,
}

fn parse_elem(input: ParseStream<'_>) -> syn::Result<Elem> {
    if input.peek(LitStr) {
        Ok(Elem::Str(input.parse()?))
    } else if input.peek(Ident::peek_any) {
        Ok(Elem::Ident(input.call(Ident::parse_any)?))
    } else {
        Err(input.error("expected a string literal or an identifier"))
    }
}

fn parse_value(input: ParseStream<'_>) -> syn::Result<Value> {
    if input.peek(syn::token::Bracket) {
        let content;
        let bracket = syn::bracketed!(content in input);
        let mut elems = Vec::new();
        while !content.is_empty() {
            elems.push(parse_elem(&content)?);
            if content.is_empty() {
                break;
            }
            content.parse::<Token![,]>()?;
        }
        Ok(Value::List(elems, bracket.span.join()))
    } else if input.peek(LitStr) {
        Ok(Value::Str(input.parse()?))
    } else if input.peek(LitInt) {
        Ok(Value::Int(input.parse()?))
    } else if input.peek(LitBool) {
        Ok(Value::Bool(input.parse()?))
    } else if input.peek(Ident) && input.peek2(syn::token::Paren) && input.fork().parse::<Ident>()? == "env" {
        let env: Ident = input.parse()?;
        let content;
        let paren = syn::parenthesized!(content in input);
        let var: LitStr = content.parse()?;
        if !content.is_empty() {
            return Err(content.error("`env(...)` takes one string: the variable name"));
        }
        let span = env.span().join(paren.span.close()).unwrap_or(env.span());
        Ok(Value::Env(var, span))
    } else if input.peek(Ident::peek_any) || input.peek(Token![::]) {
        Ok(Value::Path(input.call(Path::parse_mod_style)?))
    } else {
        Err(input.error("expected a value: a string, a list `[..]`, an integer, `true`/`false`, `env(\"VAR\")` or a path"))
    }
}

/// Skips to the next top-level `,` (error recovery).
fn skip_to_comma(input: ParseStream<'_>) {
    while !input.is_empty() && !input.peek(Token![,]) {
        let _ = input.parse::<proc_macro2::TokenTree>();
    }
}

impl AttrArgs {
    /// Parses, recovering at the next `,` after a malformed value so that all errors are reported.
    pub(crate) fn parse(tokens: TokenStream, errors: &mut crate::errors::Errors) -> AttrArgs {
        let parser = |input: ParseStream<'_>| -> syn::Result<AttrArgs> {
            let mut args = Vec::new();
            while !input.is_empty() {
                let key = match input.call(Ident::parse_any) {
                    Ok(key) => key,
                    Err(e) => {
                        errors.push_error(syn::Error::new(e.span(), "expected a key, such as `origins`"));
                        skip_to_comma(input);
                        let _ = input.parse::<Option<Token![,]>>();
                        continue;
                    }
                };
                let value = if input.peek(Token![=]) {
                    input.parse::<Token![=]>()?;
                    match parse_value(input) {
                        Ok(value) => Some(value),
                        Err(e) => {
                            errors.push_error(e);
                            skip_to_comma(input);
                            None
                        }
                    }
                } else if input.is_empty() || input.peek(Token![,]) {
                    Some(Value::Flag)
                } else {
                    errors.push_error(input.error(format!(
                        "expected `=` or `,` after `{key}`"
                    )));
                    skip_to_comma(input);
                    None
                };
                if let Some(value) = value {
                    args.push(Arg { key, value });
                }
                if input.is_empty() {
                    break;
                }
                input.parse::<Token![,]>()?;
            }
            Ok(AttrArgs { args })
        };
        match syn::parse::Parser::parse2(parser, tokens) {
            Ok(args) => args,
            Err(e) => {
                errors.push_error(e);
                AttrArgs { args: Vec::new() }
            }
        }
    }
}

/// One `method(handler)` of `with_cors!`.
pub(crate) struct MethodCall {
    pub(crate) method: Ident,
    pub(crate) handler: Path,
}

/// `with_cors!(put(a).delete(b))`.
pub(crate) struct WithCorsInput {
    pub(crate) calls: Vec<MethodCall>,
}

fn parse_call(input: ParseStream<'_>) -> syn::Result<MethodCall> {
    let method = input.call(Ident::parse_any)?;
    let content;
    syn::parenthesized!(content in input);
    let handler = if content.peek(Token![|]) || content.peek(Token![async]) || content.peek(Token![move]) {
        return Err(content.error(
            "with_cors! takes handler fns annotated with #[cors(...)]; a closure cannot carry a policy, so write it as an `async fn` with `#[cors(...)]`",
        ));
    } else {
        content.parse::<Path>().map_err(|e| {
            syn::Error::new(e.span(), "expected the path of a handler fn annotated with #[cors(...)]")
        })?
    };
    if !content.is_empty() {
        return Err(content.error(
            "expected only the handler's path; apply layers to the result of with_cors!(..) instead",
        ));
    }
    Ok(MethodCall { method, handler })
}

impl Parse for WithCorsInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(input.error(
                "with_cors! needs at least one method, e.g. `with_cors!(get(list_tasks).post(create_task))`",
            ));
        }
        let mut calls = vec![parse_call(input)?];
        while input.peek(Token![.]) {
            input.parse::<Token![.]>()?;
            calls.push(parse_call(input)?);
        }
        if !input.is_empty() {
            return Err(input.error("expected `.method(handler)` or the end of the input"));
        }
        Ok(WithCorsInput { calls })
    }
}
