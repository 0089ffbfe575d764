//! Syntax only: the attribute arguments and the `with_cors!` input, every value with its span.

use proc_macro2::{Span, TokenStream};
use syn::{
    ext::IdentExt,
    parse::{Parse, ParseStream},
    spanned::Spanned,
    Ident, LitBool, LitInt, LitStr, Path, Token,
};

/// One element of a bracketed list: `"PATCH"`, `PATCH`, or a path such as `config::FRONTEND`.
pub(crate) enum Elem {
    Str(LitStr),
    Ident(Ident),
    Path(Path),
}

impl Elem {
    pub(crate) fn value(&self) -> String {
        match self {
            Elem::Str(s) => s.value(),
            Elem::Ident(i) => i.to_string(),
            Elem::Path(p) => shown(p),
        }
    }

    pub(crate) fn span(&self) -> Span {
        match self {
            Elem::Str(s) => s.span(),
            Elem::Ident(i) => i.span(),
            Elem::Path(p) => p.span(),
        }
    }
}

/// A path as written, without spaces: `config::FRONTEND`.
pub(crate) fn shown(path: &Path) -> String {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let joined = segments.join("::");
    match path.leading_colon {
        Some(_) => format!("::{joined}"),
        None => joined,
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
    /// `env("VAR")` or `env("VAR", default = "...")`.
    Env(EnvArgs, Span),
    /// `state(Type)`: an `OriginCheck` taken from the router state.
    State(Path, Span),
    Path(Path),
}

impl Value {
    pub(crate) fn span(&self, key: &Ident) -> Span {
        match self {
            Value::Flag => key.span(),
            Value::Bool(b) => b.span(),
            Value::Str(s) => s.span(),
            Value::Int(i) => i.span(),
            Value::List(_, span) | Value::Env(_, span) | Value::State(_, span) => *span,
            Value::Path(p) => p.span(),
        }
    }
}

/// The arguments of `env(..)`.
pub(crate) struct EnvArgs {
    /// The variable's name.
    pub(crate) var: LitStr,
    /// `default = "..."`.
    pub(crate) default: Option<LitStr>,
}

/// `key` or `key = value`.
pub(crate) struct Arg {
    pub(crate) key: Ident,
    pub(crate) value: Value,
    /// Position among the attribute's arguments: errors are reported in this order.
    pub(crate) index: usize,
}

/// The arguments of `#[cors(...)]` or `#[cors_policy(...)]`.
pub(crate) struct AttrArgs {
    pub(crate) args: Vec<Arg>,
    /// False when an argument could not be parsed: its key is unknown, so "missing key" errors
    /// would be guesses (and cascades) and are not reported.
    pub(crate) complete: bool,
}

fn parse_elem(input: ParseStream<'_>) -> syn::Result<Elem> {
    if input.peek(LitStr) {
        Ok(Elem::Str(input.parse()?))
    } else if input.peek(Token![::]) || (input.peek(Ident::peek_any) && input.peek2(Token![::])) {
        Ok(Elem::Path(input.call(Path::parse_mod_style)?))
    } else if input.peek(Ident::peek_any) {
        Ok(Elem::Ident(input.call(Ident::parse_any)?))
    } else {
        Err(input.error(
            "expected a list entry: a string such as `\"x-request-id\"` or a name such as `GET`",
        ))
    }
}

fn parse_list(content: ParseStream<'_>) -> syn::Result<Vec<Elem>> {
    let mut elems = Vec::new();
    while !content.is_empty() {
        elems.push(parse_elem(content)?);
        if content.is_empty() {
            break;
        }
        if !content.peek(Token![,]) {
            return Err(content.error("expected `,` between list entries"));
        }
        content.parse::<Token![,]>()?;
    }
    Ok(elems)
}

fn parse_value(input: ParseStream<'_>) -> syn::Result<Value> {
    if input.peek(syn::token::Bracket) {
        let content;
        let bracket = syn::bracketed!(content in input);
        let elems = parse_list(&content).inspect_err(|_| {
            // Consume the rest, or syn reports the leftover tokens a second time.
            while content.parse::<proc_macro2::TokenTree>().is_ok() {}
        })?;
        Ok(Value::List(elems, bracket.span.join()))
    } else if input.peek(LitStr) {
        Ok(Value::Str(input.parse()?))
    } else if input.peek(LitInt) {
        Ok(Value::Int(input.parse()?))
    } else if input.peek(LitBool) {
        Ok(Value::Bool(input.parse()?))
    } else if input.peek(Ident)
        && input.peek2(syn::token::Paren)
        && input.fork().parse::<Ident>()? == "env"
    {
        let env: Ident = input.parse()?;
        let content;
        let paren = syn::parenthesized!(content in input);
        let args = parse_env_args(&content).inspect_err(|_| {
            // Consume the rest, or syn reports the leftover tokens a second time.
            while content.parse::<proc_macro2::TokenTree>().is_ok() {}
        })?;
        let span = env.span().join(paren.span.close()).unwrap_or(env.span());
        Ok(Value::Env(args, span))
    } else if input.peek(Ident)
        && input.peek2(syn::token::Paren)
        && input.fork().parse::<Ident>()? == "state"
    {
        let state: Ident = input.parse()?;
        let content;
        let paren = syn::parenthesized!(content in input);
        let ty: Path = content.call(Path::parse_mod_style)?;
        if !content.is_empty() {
            let error = content.error(
                "`state(...)` takes one type: the part of your state that implements `OriginCheck`",
            );
            // Consume the rest, or syn reports the leftover tokens a second time.
            while content.parse::<proc_macro2::TokenTree>().is_ok() {}
            return Err(error);
        }
        let span = state
            .span()
            .join(paren.span.close())
            .unwrap_or(state.span());
        Ok(Value::State(ty, span))
    } else if input.peek(Ident::peek_any) || input.peek(Token![::]) {
        Ok(Value::Path(input.call(Path::parse_mod_style)?))
    } else {
        Err(input.error("expected a value: a string, a list `[..]`, an integer, `true`/`false`, `env(\"VAR\")` or a path"))
    }
}

/// `"VAR"` or `"VAR", default = "..."`, inside `env(..)`.
fn parse_env_args(content: ParseStream<'_>) -> syn::Result<EnvArgs> {
    const EXPECTED: &str =
        "`env(..)` takes the variable's name and an optional default; write `env(\"CORS_ORIGINS\")` or `env(\"CORS_ORIGINS\", default = \"http://localhost:3000\")`";
    if !content.peek(LitStr) {
        return Err(content.error(EXPECTED));
    }
    let var: LitStr = content.parse()?;
    let mut default = None;
    if content.peek(Token![,]) {
        content.parse::<Token![,]>()?;
        if !content.is_empty() {
            let key = content
                .call(Ident::parse_any)
                .map_err(|e| syn::Error::new(e.span(), EXPECTED))?;
            if key != "default" {
                return Err(syn::Error::new(
                    key.span(),
                    format!("unknown argument `{key}` of `env(..)`; write `default = \"...\"`, e.g. `default = \"http://localhost:3000\"`"),
                ));
            }
            if !content.peek(Token![=]) {
                return Err(content.error(
                    "expected `=` after `default`; write `default = \"http://localhost:3000\"`",
                ));
            }
            content.parse::<Token![=]>()?;
            if !content.peek(LitStr) {
                return Err(content.error(
                    "`default` takes a string literal, checked at compile time; write the comma-separated origins, e.g. `default = \"http://localhost:3000\"`",
                ));
            }
            default = Some(content.parse::<LitStr>()?);
            if content.peek(Token![,]) {
                content.parse::<Token![,]>()?;
            }
        }
    }
    if !content.is_empty() {
        return Err(content.error(EXPECTED));
    }
    Ok(EnvArgs { var, default })
}

/// Skips to the next top-level `,` (error recovery).
fn skip_to_comma(input: ParseStream<'_>) {
    while !input.is_empty() && !input.peek(Token![,]) {
        let _ = input.parse::<proc_macro2::TokenTree>();
    }
}

impl AttrArgs {
    /// Parses, recovering at the next top-level `,` after a malformed argument, so that all
    /// errors are reported.
    pub(crate) fn parse(tokens: TokenStream, errors: &mut crate::errors::Errors) -> AttrArgs {
        let mut complete = true;
        let parser = |input: ParseStream<'_>| -> syn::Result<Vec<Arg>> {
            let mut args = Vec::new();
            let mut index = 0;
            while !input.is_empty() {
                errors.at(index);
                match parse_arg(input, index) {
                    Ok(arg) => args.push(arg),
                    Err(e) => {
                        errors.push_error(e);
                        complete = false;
                        skip_to_comma(input);
                    }
                }
                index += 1;
                if !input.is_empty() {
                    input.parse::<Token![,]>()?;
                }
            }
            Ok(args)
        };
        let args = syn::parse::Parser::parse2(parser, tokens).unwrap_or_else(|e| {
            errors.push_error(e);
            Vec::new()
        });
        AttrArgs { args, complete }
    }
}

/// `key`, `key = value`; the error leaves `input` inside the argument (the caller skips it).
fn parse_arg(input: ParseStream<'_>, index: usize) -> syn::Result<Arg> {
    let key = input
        .call(Ident::parse_any)
        .map_err(|e| syn::Error::new(e.span(), "expected a key, such as `origins`"))?;
    let value = if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        parse_value(input)?
    } else if input.is_empty() || input.peek(Token![,]) {
        Value::Flag
    } else {
        return Err(input.error(format!("expected `=` or `,` after `{key}`")));
    };
    if !input.is_empty() && !input.peek(Token![,]) {
        return Err(input.error(format!("expected `,` after the value of `{key}`")));
    }
    Ok(Arg { key, value, index })
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
    if content.peek(Token![|])
        || content.peek(Token![||])
        || content.peek(Token![async])
        || content.peek(Token![move])
    {
        // The closure is the whole argument: span all of it (no expression parsing needed).
        let closure: TokenStream = content.parse()?;
        return Err(syn::Error::new_spanned(
            closure,
            "a closure cannot carry a CORS policy; write the handler as an `async fn` with `#[cors(...)]` and pass its name",
        ));
    }
    let handler = content.parse::<Path>().map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected the path of a handler fn annotated with `#[cors(...)]`",
        )
    })?;
    if !content.is_empty() {
        return Err(content.error(
            "expected only the handler's path; apply layers to the result of `with_cors!(..)` instead",
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
