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
    validate::{self, Attr, NamesValue, OriginsPart, OriginsValue, Validated},
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
            OriginsValue::Env { var, default: None } => quote!(origins: #p::Origins::Env(#var)),
            OriginsValue::Env {
                var,
                default: Some(default),
            } => quote!(origins: #p::Origins::EnvOr { var: #var, default: &[#(#default),*] }),
            OriginsValue::Consts(parts) => {
                let parts = parts.iter().map(|part| match part {
                    OriginsPart::Literals(list) => quote! {
                        #p::OriginsPart { constant: #p::Option::None, origins: &[#(#list),*] }
                    },
                    // Spanned at the const, so that a const of another type is reported there.
                    OriginsPart::Entry(path) | OriginsPart::Slice(path) => {
                        let name = crate::parse::shown(path);
                        let origins = match part {
                            OriginsPart::Entry(_) => quote_spanned!(path.span()=> &[#path]),
                            _ => quote_spanned!(path.span()=> #path),
                        };
                        quote! {
                            #p::OriginsPart { constant: #p::Option::Some(#name), origins: #origins }
                        }
                    }
                });
                quote!(origins: #p::Origins::WithConsts(&[#(#parts),*]))
            }
            OriginsValue::State(ty) => {
                let shown = ty.to_token_stream().to_string().replace(' ', "");
                quote!(origins: #p::Origins::State(#shown))
            }
            OriginsValue::Predicate(path) => {
                // Called through a trait of ours, so that a wrong signature is reported with
                // our message, at the path, rather than as rustc's fn-pointer mismatch.
                let call = quote_spanned! {path.span()=>
                    ::cors_runtime::__private::OriginPredicateFn::allows(&#path, origin, request)
                };
                quote!(origins: #p::Origins::Predicate({
                    fn __cors_predicate(origin: &#p::HeaderValue, request: &#p::Parts) -> bool {
                        #call
                    }
                    __cors_predicate
                }))
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
            // `do_not_recommend`: a router state without the type is reported as this trait
            // unmet (with its message naming the handler), not as the `FromRef` bound.
            quote! {
                #[allow(unknown_or_malformed_diagnostic_attributes)]
                #[diagnostic::do_not_recommend]
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
    // The named policy this one is merged over, for the start-up panic's message.
    let base = match &spec.policy {
        Some((path, _)) if !stub => quote! {
            const BASE: #p::Option<&'static str> =
                #p::Option::Some(<#path as #p::NamedPolicy>::SPEC.name);
        },
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
            #base
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
            #[track_caller]
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
            #[track_caller]
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
/// Each handler is mounted in a block of its own:
///
/// ```text
/// {
///     let __cors_route = CorsMethodRouter::new();
///     let __cors_route = {
///         mod __cors_fallback { mod __cors_placeholder { pub struct a {} }  pub use self::__cors_placeholder::a as __cors_handler; }
///         use __cors_fallback::*;          // glob: the placeholder `__cors_handler`
///         use a as __cors_handler;         // explicit: the fn, and the companion if `a` has one
///         <__cors_handler as Annotated>::__cors_mount(   // "handler `a` has no CORS policy; ..."
///             __cors_route,                                // (its bound `StateOrigins<S>`: "...
///             RouteMethod::Put,                            //  `origins = state(..)` ... state `{S}`")
///             AxumHandler::on(__cors_handler, MethodFilter::PUT), // "... is not an axum handler; ..."
///         )
///     };
///     __cors_route
/// }
/// ```
///
/// An explicit import shadows a glob import in each namespace it binds, so the companion wins
/// when it exists and the placeholder (named after the handler, spanned at it, with a
/// `StateOrigins` impl so that only its missing policy is reported) otherwise. Each check goes
/// through one of the runtime's traits, implemented directly on the companion type, with its
/// own message naming the handler: `Annotated` (the policy), `StateOrigins` (the router's
/// state, a bound of the mount) and `AxumHandler` (a handler at all). Compile time decided the
/// shape (`cors-bench/compile-cost.sh`, 200 handlers): a trait defined in every block cost
/// about 1 ms of type checking per handler, a check through a blanket impl (`F: Check<T>` for
/// any `F` whose `T` is annotated) about 0.5 ms more than an exact impl, and a separate
/// `<__cors_handler as StateOrigins<_>>::start` path about 0.3 ms more than the bound. What
/// that costs: a handler path that does not resolve is reported twice (the unresolved import,
/// then the placeholder without a policy), and the state error notes the mount's bound.
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
    let mut steps = Vec::new();
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
        let Some(lookup) = HandlerLookup::new(&call.handler, &mut errors) else {
            continue;
        };
        if method != "options" {
            annotated += 1;
        }
        steps.push(lookup.step(&method));
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
        let __cors_route = #p::CorsMethodRouter::new();
        #(let __cors_route = #steps;)*
        __cors_route
    })
}

/// The block that mounts one handler (see [`with_cors`]).
struct HandlerLookup<'a> {
    /// The handler's path without generic arguments, for the import.
    import: Path,
    /// Generic arguments of the last segment, for the value (`handler::<AppState>`).
    arguments: Option<&'a syn::PathArguments>,
    /// Name of the fn (last segment), given to the placeholder.
    name: &'a syn::Ident,
    span: Span,
}

impl<'a> HandlerLookup<'a> {
    fn new(handler: &'a Path, errors: &mut Errors) -> Option<Self> {
        let last = handler.segments.last()?;
        let init = handler.segments.iter().take(handler.segments.len() - 1);
        if let Some(segment) = init.into_iter().find(|s| !s.arguments.is_none()) {
            errors.push(
                &segment.arguments,
                "generic arguments go on the handler's name only; write e.g. `handler::<AppState>`",
            );
            return None;
        }
        let mut import = handler.clone();
        if let Some(segment) = import.segments.last_mut() {
            segment.arguments = syn::PathArguments::None;
        }
        Some(HandlerLookup {
            import,
            arguments: (!last.arguments.is_none()).then_some(&last.arguments),
            name: &last.ident,
            span: last.ident.span(),
        })
    }

    /// `__cors_handler` (with its generic arguments), spanned at the handler.
    fn value(&self) -> TokenStream {
        let arguments = self.arguments;
        quote_spanned!(self.span=> __cors_handler #arguments)
    }

    /// The block mounting the handler under `method` (`options`: without a policy).
    fn step(&self, method: &str) -> TokenStream {
        let p = private();
        let value = self.value();
        let span = self.span;
        let filter = format_ident!("{}", method.to_ascii_uppercase());
        let router = quote_spanned! {span=>
            ::cors_runtime::AxumHandler::on(#value, #p::MethodFilter::#filter)
        };
        if method == "options" {
            let import = &self.import;
            let import = quote_spanned!(span=> use #import as __cors_handler;);
            return quote!({
                #[allow(unused_imports)]
                #import
                __cors_route.__cors_options(#router)
            });
        }
        let variant = format_ident!("{}", capitalized(method));
        let lookup = self.lookup();
        let mount =
            quote_spanned!(span=> <__cors_handler as ::cors_runtime::Annotated>::__cors_mount);
        quote!({
            #lookup
            #mount(__cors_route, #p::RouteMethod::#variant, #router)
        })
    }

    /// The placeholder, the imports, and the check that the handler has a policy.
    fn lookup(&self) -> TokenStream {
        let (import, name) = (&self.import, self.name);
        let import = quote_spanned!(self.span=> use #import as __cors_handler;);
        let placeholder = quote_spanned!(self.span=> pub struct #name {});
        let p = private();
        // The placeholder has no policy (that error is reported) but no other missing impl.
        quote! {
            #[allow(non_camel_case_types, dead_code, unreachable_pub)]
            mod __cors_fallback {
                mod __cors_placeholder {
                    #placeholder
                    // Not listed among the trait's impls in an error about another type.
                    #[allow(unknown_or_malformed_diagnostic_attributes)]
                    #[diagnostic::do_not_recommend]
                    impl<__CorsState: 'static> #p::StateOrigins<__CorsState> for #name {}
                }
                pub use self::__cors_placeholder::#name as __cors_handler;
            }
            #[allow(unused_imports)]
            use __cors_fallback::*;
            #[allow(unused_imports)]
            #import
        }
    }
}

/// `put` → `Put`.
fn capitalized(method: &str) -> String {
    let mut chars = method.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}
