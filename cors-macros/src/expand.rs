//! Parse → validate → expand, one fn per macro. Expansion emits data (a `Spec` const), never
//! request logic, and names only `::cors_runtime::__private` items.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::{spanned::Spanned, Item};

use crate::{
    errors::Errors,
    keys,
    parse::{AttrArgs, WithCorsInput},
    validate::{self, Attr, NamesSpec, OriginsSpec, Spec},
};

fn private() -> TokenStream {
    quote!(::cors_runtime::__private)
}

/// The span of the keyword that names an item's kind (`struct`, `enum`, `fn`, ...).
fn item_keyword_span(item: &Item) -> Span {
    match item {
        Item::Struct(i) => i.struct_token.span,
        Item::Enum(i) => i.enum_token.span,
        Item::Union(i) => i.union_token.span,
        Item::Fn(i) => i.sig.fn_token.span,
        Item::Impl(i) => i.impl_token.span,
        Item::Trait(i) => i.trait_token.span,
        Item::Mod(i) => i.mod_token.span,
        Item::Const(i) => i.const_token.span,
        Item::Static(i) => i.static_token.span,
        Item::Type(i) => i.type_token.span,
        Item::Use(i) => i.use_token.span,
        other => other.span(),
    }
}

fn names_tokens(names: &NamesSpec) -> TokenStream {
    let p = private();
    match names {
        NamesSpec::Any => quote!(#p::Names::Any),
        NamesSpec::List(list) => quote!(#p::Names::List(&[#(#list),*])),
    }
}

/// `Spec { name: .., <given keys>, ..base }`.
fn spec_tokens(name: &str, spec: &Spec, disabled_stub: bool) -> TokenStream {
    let p = private();
    let mut fields = vec![quote!(name: #name)];
    if let Some(origins) = &spec.origins {
        fields.push(match origins {
            OriginsSpec::Any => quote!(origins: #p::Origins::Any),
            OriginsSpec::List(list) => quote!(origins: #p::Origins::List(&[#(#list),*])),
            OriginsSpec::Env(var) => quote!(origins: #p::Origins::Env(#var)),
            OriginsSpec::Predicate(path) => {
                quote_spanned!(path.span()=> origins: #p::Origins::Predicate(#path))
            }
        });
    }
    if let Some(methods) = &spec.methods {
        let value = names_tokens(methods);
        fields.push(quote!(methods: #value));
    }
    if let Some(headers) = &spec.headers {
        let value = names_tokens(headers);
        fields.push(quote!(headers: #value));
    }
    if let Some(expose) = &spec.expose {
        let value = names_tokens(expose);
        fields.push(quote!(expose: #value));
    }
    let flags = [
        ("credentials", spec.credentials),
        ("private_network", spec.private_network),
        ("allow_null_origin", spec.allow_null_origin),
        ("allow_insecure_origins", spec.allow_insecure_origins),
        ("disabled", spec.disable.or(disabled_stub.then_some(true))),
    ];
    for (field, value) in flags {
        if let Some(value) = value {
            let field = syn::Ident::new(field, Span::call_site());
            fields.push(quote!(#field: #value));
        }
    }
    if let Some(max_age) = spec.max_age {
        fields.push(quote!(max_age: #p::Option::Some(#max_age)));
    }
    if let Some(status) = spec.preflight_status {
        fields.push(quote!(preflight_status: #status));
    }
    let base = match &spec.policy {
        Some((path, _)) => quote_spanned!(path.span()=> <#path as #p::NamedPolicy>::SPEC),
        None => quote!(#p::Spec::DEFAULT),
    };
    quote!(#p::Spec { #(#fields,)* ..#base })
}

/// `#[cors(...)]` on a handler fn.
pub(crate) fn cors(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let parsed_args = AttrArgs::parse(args, &mut errors);
    let spec = validate::attr(Attr::Cors, &parsed_args, &mut errors);
    let parsed: Item = match syn::parse2(item.clone()) {
        Ok(parsed) => parsed,
        Err(_) => {
            // Not an item we can read: leave it to rustc, add our errors.
            let errors = errors.finish();
            return quote!(#item #errors);
        }
    };
    let Item::Fn(function) = &parsed else {
        errors.push_at(
            item_keyword_span(&parsed),
            "#[cors] goes on a handler fn; for a reusable policy put #[cors_policy] on a unit struct",
        );
        let errors = errors.finish();
        return quote!(#item #errors);
    };
    let name = &function.sig.ident;
    let vis = &function.vis;
    let p = private();
    let stub = !errors.is_empty();
    let spec_value = spec_tokens(&name.to_string(), &spec, stub);
    let check = match &spec.policy {
        Some((_, key_span)) if !stub => quote_spanned! {*key_span=>
            const _: () = #p::check(&<#name as #p::Annotated>::SPEC);
        },
        _ => TokenStream::new(),
    };
    let errors = errors.finish();
    quote! {
        #item
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code, missing_docs, unreachable_pub, missing_debug_implementations)]
        #vis struct #name {}
        impl #p::Annotated for #name {
            const SPEC: #p::Spec = #spec_value;
        }
        #check
        #errors
    }
}

/// `#[cors_policy(...)]` on a unit struct.
pub(crate) fn cors_policy(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let parsed_args = AttrArgs::parse(args, &mut errors);
    let spec = validate::attr(Attr::Policy, &parsed_args, &mut errors);
    let parsed: Item = match syn::parse2(item.clone()) {
        Ok(parsed) => parsed,
        Err(_) => {
            let errors = errors.finish();
            return quote!(#item #errors);
        }
    };
    let structure = match &parsed {
        Item::Struct(s) if matches!(s.fields, syn::Fields::Unit) && s.generics.params.is_empty() => s,
        Item::Struct(s) => {
            errors.push_at(
                s.struct_token.span,
                format!(
                    "#[cors_policy] goes on a unit struct without generics; write `{}struct {};`",
                    s.vis.to_token_stream().to_string().replace(" (", "(") + if matches!(s.vis, syn::Visibility::Inherited) { "" } else { " " },
                    s.ident
                ),
            );
            let errors = errors.finish();
            return quote!(#item #errors);
        }
        other => {
            errors.push_at(
                item_keyword_span(other),
                "#[cors_policy] goes on a unit struct, e.g. `pub struct AuthPolicy;`; for one handler's policy put #[cors(...)] on the handler fn",
            );
            let errors = errors.finish();
            return quote!(#item #errors);
        }
    };
    let name = &structure.ident;
    let vis = &structure.vis;
    let p = private();
    let stub = !errors.is_empty();
    let spec_value = spec_tokens(&name.to_string(), &spec, stub);
    let errors = errors.finish();
    quote! {
        #item
        impl #p::NamedPolicy for #name {
            const SPEC: #p::Spec = #spec_value;
        }
        impl #name {
            /// The group layer of this policy: apply it with `Router::layer`, after the routes
            /// and after any authentication `route_layer`.
            #[allow(dead_code)]
            #vis fn layer() -> ::cors_runtime::CorsLayer {
                #p::layer(&<Self as #p::NamedPolicy>::SPEC)
            }
        }
        #errors
    }
}

/// `with_cors!(put(a).delete(b))`.
pub(crate) fn with_cors(input: TokenStream) -> TokenStream {
    let p = private();
    let parsed: WithCorsInput = match syn::parse2(input) {
        Ok(parsed) => parsed,
        Err(e) => {
            let e = e.to_compile_error();
            return quote!({ #e #p::empty_router() });
        }
    };
    let mut errors = Errors::default();
    let mut seen: Vec<String> = Vec::new();
    let mut annotated = 0;
    let mut calls = Vec::new();
    for call in &parsed.calls {
        let method = call.method.to_string();
        if !keys::ROUTE_METHODS.contains(&method.as_str()) {
            let hint = match method.as_str() {
                "trace" | "connect" => " (browsers never send it cross-origin)",
                "any" | "on" | "fallback" => " (name each method so its preflight can be answered)",
                _ => "",
            };
            errors.push(
                &call.method,
                format!(
                    "`{method}` is not supported in with_cors!{hint}; expected one of: {}",
                    keys::ROUTE_METHODS.join(", ")
                ),
            );
            continue;
        }
        if seen.contains(&method) {
            errors.push(
                &call.method,
                format!("`{method}` is given twice; mount one handler per method"),
            );
            continue;
        }
        seen.push(method.clone());
        let handler = &call.handler;
        let method_ident = &call.method;
        if method == "options" {
            calls.push(quote!(.#method_ident(#handler)));
        } else {
            annotated += 1;
            let spec = quote_spanned!(handler.span()=> &<#handler as #p::Annotated>::SPEC);
            calls.push(quote!(.#method_ident(#handler, #spec)));
        }
    }
    if annotated == 0 && errors.is_empty() {
        errors.push_at(
            Span::call_site(),
            "with_cors! needs at least one handler with a CORS policy, e.g. `with_cors!(get(list_tasks))`",
        );
    }
    if !errors.is_empty() {
        let errors = errors.finish();
        return quote!({ #errors #p::empty_router() });
    }
    quote!(#p::Route::new() #(#calls)* .finish())
}
