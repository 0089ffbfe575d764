//! Parse → validate → expand, one fn per macro. Expansion emits data (a `Spec` const), never
//! request logic, and names only `::cors_runtime::__private` items.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::{spanned::Spanned, Fields, Path};

use cors_rules::shape::ListFacts;

use crate::{
    errors::{Errors, LAST},
    item::{self, Item},
    keys,
    parse::{AttrArgs, WithCorsInput},
    validate::{self, Attr, NamesValue, OriginsValue, Validated},
};

fn private() -> TokenStream {
    quote!(::cors_runtime::__private)
}

fn names_tokens(names: &NamesValue) -> TokenStream {
    let p = private();
    match names {
        NamesValue::Any => quote!(#p::Names::Any),
        NamesValue::List(list) => quote!(#p::Names::List(&[#(#list),*])),
    }
}

/// `Spec { name: .., <given keys>, ..base }`.
fn spec_tokens(name: &str, spec: &Validated, disabled_stub: bool) -> TokenStream {
    let p = private();
    let mut fields = vec![quote!(name: #name)];
    if let Some(origins) = &spec.origins {
        fields.push(match origins {
            OriginsValue::Any => quote!(origins: #p::Origins::Any),
            OriginsValue::List(list) => quote!(origins: #p::Origins::List(&[#(#list),*])),
            OriginsValue::Env(var) => quote!(origins: #p::Origins::Env(#var)),
            OriginsValue::State(ty) => {
                let shown = ty.to_token_stream().to_string().replace(' ', "");
                quote!(origins: #p::Origins::State(#shown))
            }
            OriginsValue::Predicate(path) => {
                // A typed binding, so that a wrong signature is reported as "expected fn
                // pointer" at the path rather than as a bad enum-variant argument.
                let typed = quote_spanned! {path.span()=>
                    let __cors_predicate: ::cors_runtime::OriginPredicate = #path;
                };
                quote!(origins: #p::Origins::Predicate({ #typed __cors_predicate }))
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
        ("enforce", spec.enforce),
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

/// `ListFacts { null: .., insecure: .. }`: data the compile-time check compares with flags.
fn facts_tokens(facts: &ListFacts<String>, span: Span) -> TokenStream {
    let fact = |fact: &Option<String>| match fact {
        Some(message) => quote_spanned!(span=> ::cors_runtime::__private::Option::Some(#message)),
        None => quote_spanned!(span=> ::cors_runtime::__private::Option::None),
    };
    let (null, insecure) = (fact(&facts.null), fact(&facts.insecure));
    quote_spanned! {span=>
        ::cors_runtime::__private::ListFacts { null: #null, insecure: #insecure }
    }
}

/// `impl<S> StateOrigins<S> for #name`: where the async origin check of `state(Type)` comes
/// from (the type itself, or the base policy), or nothing.
fn state_origins_impl(name: &syn::Ident, spec: &Validated, stub: bool) -> TokenStream {
    let p = private();
    let s = quote!(__CorsState);
    let start = quote!(
        fn start(
            state: &#s,
            origin: &#p::HeaderValue,
        ) -> #p::Option<#p::OriginCheckFuture>
    );
    match &spec.origins {
        Some(OriginsValue::State(ty)) if !stub => {
            // `OriginCheck` is required by `start_check` in the body: a missing impl is then
            // reported once, at the type, rather than again wherever the handler is mounted.
            let bound = quote_spanned! {ty.span()=>
                #ty: #p::FromRef<#s>
            };
            let call = quote_spanned! {ty.span()=>
                #p::start_check::<#ty, #s>(state, origin)
            };
            quote! {
                impl<#s: 'static> #p::StateOrigins<#s> for #name where #bound {
                    #start {
                        #call
                    }
                }
            }
        }
        _ => quote! {
            impl<#s: 'static> #p::StateOrigins<#s> for #name {}
        },
    }
}

/// The error of `#[cors]` on anything but a fn, at the item's keyword.
fn not_a_fn(item: TokenStream, mut errors: Errors, keyword: Span) -> TokenStream {
    errors.push_at(
        keyword,
        "#[cors] goes on a handler fn; for a reusable policy put #[cors_policy] on a unit struct",
    );
    let errors = errors.finish();
    quote!(#item #errors)
}

/// `#[cors(...)]` on a handler fn.
pub(crate) fn cors(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let parsed_args = AttrArgs::parse(args, &mut errors);
    let spec = validate::attr(Attr::Cors, &parsed_args, &mut errors);
    let Some(parsed) = item::read(item.clone()) else {
        // Not an item we can read: leave it to rustc, add our errors.
        let errors = errors.finish();
        return quote!(#item #errors);
    };
    let (vis, name) = match &parsed {
        Item::Fn { vis, ident, .. } => (vis, ident),
        Item::Struct { keyword, .. } | Item::Other { keyword } => {
            return not_a_fn(item, errors, *keyword)
        }
    };
    let p = private();
    let stub = !errors.is_empty();
    let spec_value = spec_tokens(&name.to_string(), &spec, stub);
    let state_origins = state_origins_impl(name, &spec, stub);
    // `origins = state(T)` is not inherited through `policy = X` (its check is typed by the
    // handler's own impl): a const check says to repeat it.
    let inherited = match &spec.policy {
        Some((_, key_span)) if !stub && spec.origins.is_none() => quote_spanned! {*key_span=>
            const _: () = ::cors_runtime::__private::check_inherited(
                &<#name as ::cors_runtime::__private::Annotated>::SPEC,
            );
        },
        _ => TokenStream::new(),
    };
    // The merged spec's flags against the facts of the origin list it ends up with (its own,
    // or the base policy's). Spanned at the `policy` key as a whole (no interpolated
    // call-site tokens), so that a failed check points there.
    let check = match &spec.policy {
        Some((path, key_span)) if !stub => {
            let facts = match (&spec.origins, &spec.facts) {
                (_, Some(facts)) => facts_tokens(facts, *key_span),
                (None, None) => quote_spanned! {*key_span=>
                    <#path as ::cors_runtime::__private::NamedPolicy>::FACTS
                },
                (Some(_), None) => quote_spanned! {*key_span=>
                    ::cors_runtime::__private::ListFacts::NONE
                },
            };
            quote_spanned! {*key_span=>
                const _: () = ::cors_runtime::__private::check(
                    &<#name as ::cors_runtime::__private::Annotated>::SPEC,
                    #facts,
                );
            }
        }
        _ => TokenStream::new(),
    };
    let errors = errors.finish();
    let item = item::with_first_statement(
        item,
        quote! {
            ::cors_runtime::__private::served::<#name>();
        },
    );
    quote! {
        #item
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code, missing_docs, unreachable_pub, missing_debug_implementations)]
        #vis struct #name {}
        #[allow(unknown_or_malformed_diagnostic_attributes)]
        #[diagnostic::do_not_recommend]
        impl #p::Annotated for #name {
            const SPEC: #p::Spec = #spec_value;
            fn policy() -> &'static #p::Policy {
                static __CORS_POLICY: #p::PolicyCell = #p::PolicyCell::new();
                __CORS_POLICY.get(&<Self as #p::Annotated>::SPEC)
            }
        }
        #state_origins
        #check
        #inherited
        #errors
    }
}

/// `#[cors_policy(...)]` on a unit struct.
pub(crate) fn cors_policy(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let parsed_args = AttrArgs::parse(args, &mut errors);
    let spec = validate::attr(Attr::Policy, &parsed_args, &mut errors);
    let Some(parsed) = item::read(item.clone()) else {
        let errors = errors.finish();
        return quote!(#item #errors);
    };
    let (vis, name, generics, fields, keyword) = match &parsed {
        Item::Struct {
            vis,
            ident,
            generics,
            fields,
            keyword,
        } => (vis, ident, generics, fields, *keyword),
        Item::Fn { keyword, .. } | Item::Other { keyword } => {
            errors.push_at(
                *keyword,
                "#[cors_policy] goes on a unit struct, e.g. `pub struct AuthPolicy;`; for one handler's policy put #[cors(...)] on the handler fn",
            );
            let errors = errors.finish();
            return quote!(#item #errors);
        }
    };
    if !(matches!(fields, Fields::Unit) && generics.params.is_empty()) {
        let vis = match vis {
            syn::Visibility::Inherited => String::new(),
            vis => format!("{} ", vis.to_token_stream()).replace(" (", "("),
        };
        errors.push_at(
            keyword,
            format!("#[cors_policy] goes on a unit struct without generics; write `{vis}struct {name};`"),
        );
        if !generics.params.is_empty() {
            let errors = errors.finish();
            return quote!(#item #errors);
        }
        // Still a type: give it the stub, so `policy = X` and `X::layer()` add no errors.
    }
    let p = private();
    let stub = !errors.is_empty();
    let spec_value = spec_tokens(&name.to_string(), &spec, stub);
    let layer = match &spec.origins {
        Some(OriginsValue::State(ty)) if !stub => quote! {
            /// The group layer of this policy, its origins checked by the `OriginCheck` that
            /// `state` provides (through `FromRef`): give it to `CorsRouter::layer`, after the
            /// routes it covers.
            #[allow(dead_code)]
            #vis fn layer_with_state<__CorsState>(state: &__CorsState) -> ::cors_runtime::CorsLayer
            where
                #ty: #p::FromRef<__CorsState> + ::cors_runtime::OriginCheck,
            {
                #p::layer_with_state::<#ty, __CorsState>(&<Self as #p::NamedPolicy>::SPEC, state)
            }
        },
        _ => quote! {
            /// The group layer of this policy: give it to `CorsRouter::layer`, after the routes
            /// it covers.
            #[allow(dead_code)]
            #vis fn layer() -> ::cors_runtime::CorsLayer {
                #p::layer(&<Self as #p::NamedPolicy>::SPEC)
            }
        },
    };
    let facts = match &spec.facts {
        Some(facts) if !stub => {
            let facts = facts_tokens(facts, Span::call_site());
            quote!(const FACTS: #p::ListFacts = #facts;)
        }
        _ => TokenStream::new(),
    };
    let errors = errors.finish();
    quote! {
        #item
        #[allow(unknown_or_malformed_diagnostic_attributes)]
        #[diagnostic::do_not_recommend]
        impl #p::NamedPolicy for #name {
            const SPEC: #p::Spec = #spec_value;
            #facts
        }
        impl #name {
            #layer
        }
        #errors
    }
}

/// `with_cors!(put(a).delete(b))`.
///
/// Each annotated handler's policy is reached through its companion type (`<a as Annotated>`).
/// So that an unannotated handler gets an error that says to annotate it (rather than rustc's
/// "expected type, found function"), the companion is looked up through an import that falls
/// back to a placeholder type, in a block of the expansion:
///
/// ```text
/// {
///     mod __cors_fallback { mod __cors_0 { pub struct a {} }  pub use self::__cors_0::a as __cors_handler_0; }
///     use __cors_fallback::*;          // glob: the placeholder `__cors_handler_0`
///     use a as __cors_handler_0;       // explicit: the fn, and the companion if `a` has one
///     #[diagnostic::on_unimplemented(message = "handler `a` has no CORS policy; ...")]
///     trait __CorsHandler0<T> { fn spec(&self) -> &'static Spec; }
///     impl<T: Annotated, F> __CorsHandler0<T> for F { .. }
///     CorsMethodRouter::new().put(__cors_handler_0, __CorsHandler0::<__cors_handler_0>::policy(&__cors_handler_0))
/// }
/// ```
///
/// An explicit import shadows a glob import in each namespace it binds, so the companion wins
/// when it exists and the placeholder (which implements nothing) otherwise. The check goes
/// through a per-handler trait whose `Self` is the handler's fn type: if the path does not
/// resolve at all, the import reports it once and the error-typed value silences the check.
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
    let mut lookups = Vec::new();
    let mut fallbacks = Vec::new();
    for (index, call) in parsed.calls.iter().enumerate() {
        errors.at(index);
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
                    "`{method}` is not supported in with_cors!{hint}; use one of: {}",
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
            continue;
        }
        let Some(lookup) = HandlerLookup::new(index, handler, &mut errors) else {
            continue;
        };
        annotated += 1;
        let value = lookup.value();
        let spec = lookup.spec();
        calls.push(quote!(.#method_ident(#value, #spec)));
        fallbacks.push(lookup.fallback());
        lookups.push(lookup.items());
    }
    if annotated == 0 && errors.is_empty() {
        errors.at(LAST).push_at(
            Span::call_site(),
            "with_cors! needs at least one handler with a CORS policy; write e.g. `with_cors!(get(list_tasks))`",
        );
    }
    if !errors.is_empty() {
        let errors = errors.finish();
        return quote!({ #errors #p::empty_router() });
    }
    quote!({
        #[allow(non_camel_case_types, dead_code, unreachable_pub)]
        mod __cors_fallback {
            #(#fallbacks)*
        }
        #[allow(unused_imports)]
        use __cors_fallback::*;
        #(#lookups)*
        #p::CorsMethodRouter::new() #(#calls)*
    })
}

/// The items that find one handler's spec (see [`with_cors`]).
struct HandlerLookup<'a> {
    /// `__cors_handler_N`: the fn and its companion (or the placeholder).
    alias: syn::Ident,
    /// `__CorsHandlerN`: the check whose message says to annotate the handler.
    check: syn::Ident,
    /// `__cors_N`: the module of the placeholder.
    module: syn::Ident,
    /// The handler's path without generic arguments, for the import.
    import: Path,
    /// Generic arguments of the last segment, for the value (`handler::<AppState>`).
    arguments: Option<&'a syn::PathArguments>,
    /// Name of the fn (last segment), given to the placeholder.
    name: &'a syn::Ident,
    /// The path as written, for messages.
    shown: String,
    span: Span,
}

impl<'a> HandlerLookup<'a> {
    fn new(index: usize, handler: &'a Path, errors: &mut Errors) -> Option<Self> {
        let last = handler.segments.last()?;
        let init = handler.segments.iter().take(handler.segments.len() - 1);
        if let Some(segment) = init.into_iter().find(|s| !s.arguments.is_none()) {
            errors.push(
                &segment.arguments,
                "generic arguments go on the handler's name only; write e.g. `handler::<AppState>`",
            );
            return None;
        }
        let span = last.ident.span();
        let mut import = handler.clone();
        if let Some(segment) = import.segments.last_mut() {
            segment.arguments = syn::PathArguments::None;
        }
        let shown = handler
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect::<Vec<_>>()
            .join("::");
        let shown = match handler.leading_colon {
            Some(_) => format!("::{shown}"),
            None => shown,
        };
        Some(HandlerLookup {
            alias: format_ident!("__cors_handler_{}", index, span = span),
            check: format_ident!("__CorsHandler{}", index, span = span),
            module: format_ident!("__cors_{}", index),
            import,
            arguments: (!last.arguments.is_none()).then_some(&last.arguments),
            name: &last.ident,
            shown: shown.replace(['{', '}'], ""),
            span,
        })
    }

    /// The handler as a value: `__cors_handler_N` (with its generic arguments).
    fn value(&self) -> TokenStream {
        let alias = &self.alias;
        let arguments = self.arguments;
        quote_spanned!(self.span=> #alias #arguments)
    }

    /// `__CorsHandlerN::<__cors_handler_N>::policy(&__cors_handler_N)`, spanned at the handler.
    fn spec(&self) -> TokenStream {
        let (alias, check, value) = (&self.alias, &self.check, self.value());
        quote_spanned!(self.span=> #check::<#alias>::policy(&#value))
    }

    /// The placeholder, inside `mod __cors_fallback`.
    fn fallback(&self) -> TokenStream {
        let (module, name, alias) = (&self.module, self.name, &self.alias);
        let p = private();
        // The placeholder has no policy (that error is reported) but no other missing impl.
        quote! {
            mod #module {
                pub struct #name {}
                impl<__CorsState: 'static> #p::StateOrigins<__CorsState> for #name {}
            }
            pub use self::#module::#name as #alias;
        }
    }

    /// The import and the check.
    fn items(&self) -> TokenStream {
        let p = private();
        let (import, alias, check) = (&self.import, &self.alias, &self.check);
        let message = format!(
            "handler `{}` has no CORS policy; annotate it with `#[cors(...)]`",
            self.shown
        );
        let label = "not annotated with `#[cors(...)]`";
        let note = format!(
            "every handler mounted with `with_cors!` needs a policy: put `#[cors(origins = [...])]`, `#[cors(policy = SomePolicy)]` or `#[cors(disable)]` above `fn {}`",
            self.name
        );
        let import = quote_spanned!(self.span=> use #import as #alias;);
        quote! {
            #[allow(unused_imports)]
            #import
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
            trait #check<T> {
                type Policy;
                fn policy(&self) -> Self::Policy;
            }
            #[allow(unknown_or_malformed_diagnostic_attributes)]
            #[diagnostic::do_not_recommend]
            impl<T: #p::Annotated, F> #check<T> for F {
                type Policy = #p::PolicyOf<T>;
                fn policy(&self) -> #p::PolicyOf<T> {
                    #p::policy_token::<T>()
                }
            }
        }
    }
}
