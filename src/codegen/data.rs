//! The saga's data struct (the trigger's `data`, then every step's `writes`) and one output
//! struct per step that writes something.

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::Plan;
use super::tokens::docs;

pub fn tokens(plan: &Plan) -> TokenStream {
    let serde = plan.serde_derive();
    let saga = plan.saga;
    let fields = plan.fields.iter().map(|f| {
        let doc = docs(&f.origin);
        let name = &f.ident;
        let ty = match &plan.types {
            Some(types) => types.rust(&f.ty),
            None => quote!(String),
        };
        let ty = if f.required { ty } else { quote!(Option<#ty>) };
        quote! { #doc pub #name: #ty }
    });
    let (key_doc, key_body) = match plan.key.and_then(|i| plan.fields.get(i)) {
        Some(f) => {
            let name = &f.ident;
            (
                format!(
                    "The value this saga is known by (`{}`): the outbox records' `aggregateid`.",
                    f.name
                ),
                quote!(&self.#name),
            )
        }
        None => (
            "The value this saga is known by: the trigger has no data, so the saga's name."
                .to_owned(),
            quote!(SAGA),
        ),
    };
    let key_doc = docs(&key_doc);
    if let Some(types) = &plan.types {
        return typed(plan, types, key_doc, fields.collect());
    }
    let getters: Vec<TokenStream> = plan
        .fields
        .iter()
        .map(|f| {
            let name = &f.name;
            let ident = &f.ident;
            if f.required {
                quote!(#name => Some(self.#ident.as_str()),)
            } else {
                quote!(#name => self.#ident.as_deref(),)
            }
        })
        .collect();
    let get_body = if getters.is_empty() {
        quote! {
            let _ = field;
            None
        }
    } else {
        quote! {
            match field {
                #(#getters)*
                _ => None,
            }
        }
    };
    let struct_doc = docs(&format!(
        "The data `{}` carries from step to step: what the trigger knows when the saga\nstarts, and what each step writes for later steps and compensations. The spec\nhas no types, so every value is a string; an `Option` is empty until its step ran.",
        saga.name.value
    ));

    let outputs = outputs(plan);

    quote! {
        #struct_doc
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
        #serde
        pub struct SagaData {
            #(#fields),*
        }

        impl SagaData {
            #key_doc
            pub fn key(&self) -> &str {
                #key_body
            }

            /// A field by its name in the spec (`None` when unknown or not yet written).
            pub fn get(&self, field: &str) -> Option<&str> {
                #get_body
            }
        }

        /// What an action returns: the fields it writes, stored into the saga's data when
        /// the step succeeds.
        pub trait Output {
            fn store(self, data: &mut SagaData);
        }

        impl Output for () {
            fn store(self, _data: &mut SagaData) {}
        }

        #outputs
    }
}

/// One struct per step that writes something, and how it is stored into the data.
fn outputs(plan: &Plan) -> TokenStream {
    let serde = plan.serde_derive();
    let saga = plan.saga;
    let outputs = saga.steps.iter().enumerate().filter_map(|(i, step)| {
        let output = plan.steps[i].output.as_ref()?;
        let doc = docs(&format!("What `{}` returns.", step.id.value));
        let mut seen = Vec::new();
        let written: Vec<_> = step
            .writes
            .iter()
            .filter(|w| {
                let fresh = !seen.contains(&w.value);
                seen.push(w.value.clone());
                fresh
            })
            .filter_map(|w| plan.field(&w.value))
            .collect();
        let decls = written.iter().map(|f| {
            let name = &f.ident;
            let ty = match &plan.types {
                Some(types) => types.rust(&f.ty),
                None => quote!(String),
            };
            quote!(pub #name: #ty,)
        });
        let stores = written.iter().map(|f| {
            let name = &f.ident;
            if f.required {
                quote!(data.#name = self.#name;)
            } else {
                quote!(data.#name = Some(self.#name);)
            }
        });
        Some(quote! {
            #doc
            #[derive(Debug, Clone, Default, PartialEq, Eq)]
            #serde
            pub struct #output { #(#decls)* }

            impl Output for #output {
                fn store(self, data: &mut SagaData) {
                    #(#stores)*
                }
            }
        })
    });
    quote!(#(#outputs)*)
}

/// `SagaData` of a spec that types its data: each field of its type, `key()` the key's
/// text and `get()` a field as JSON (what an outbox payload carries), then the records.
fn typed(
    plan: &Plan,
    types: &super::types::TypeNames,
    key_doc: TokenStream,
    fields: Vec<TokenStream>,
) -> TokenStream {
    let value = &types.value;
    let key_body = match plan.key.and_then(|i| plan.fields.get(i)) {
        Some(f) => {
            let name = &f.ident;
            quote!(#value::text(&self.#name))
        }
        None => quote!(SAGA.to_owned()),
    };
    let getters = plan.fields.iter().map(|f| {
        let name = &f.name;
        let ident = &f.ident;
        if f.required {
            quote!(#name => Some(#value::json(&self.#ident)),)
        } else {
            quote!(#name => self.#ident.as_ref().map(#value::json),)
        }
    });
    let struct_doc = docs(&format!(
        "The data `{}` carries from step to step: what the trigger knows when the saga\nstarts, and what each step writes for later steps and compensations, each of\nthe type the spec's `fields` gives it; an `Option` is empty until its step ran.",
        plan.saga.name.value
    ));
    let outputs = outputs(plan);
    let serde = plan.serde_derive();
    let records = types.tokens(plan.saga, &serde);
    quote! {
        #struct_doc
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
        #serde
        pub struct SagaData {
            #(#fields),*
        }

        impl SagaData {
            #key_doc
            pub fn key(&self) -> String {
                #key_body
            }

            /// A field by its name in the spec, as JSON (`None` when unknown or not yet
            /// written).
            pub fn get(&self, field: &str) -> Option<String> {
                match field {
                    #(#getters)*
                    _ => None,
                }
            }
        }

        /// What an action returns: the fields it writes, stored into the saga's data when
        /// the step succeeds.
        pub trait Output {
            fn store(self, data: &mut SagaData);
        }

        impl Output for () {
            fn store(self, _data: &mut SagaData) {}
        }

        #outputs
        #records
    }
}
