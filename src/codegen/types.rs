//! Typed data in the std runtime: each spec type becomes a plain Rust type (`integer` an
//! `i64`, `decimal` and `uuid` their text, `timestamp` a `SystemTime`, `list<T>` a `Vec`,
//! a record a struct), and every type can be written as JSON for an outbox payload. Only a
//! spec with a `fields` or `records` catalogue reaches this file: a spec without one gets
//! the crate it always got.

use std::collections::HashMap;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::names::{Namespace, ident};
use super::tokens::docs;
use crate::model::Saga;
use crate::model::types::{Scalar, Type};

/// The Rust names typed data needs, claimed in the crate's type namespace.
#[derive(Debug, Clone)]
pub struct TypeNames {
    /// Each record's struct, by its name in the spec, in declaration order.
    pub records: Vec<(String, Ident)>,
    /// The newtype over `SystemTime` (it has a `Default`, the epoch).
    pub timestamp: Ident,
    /// The trait every field type implements (its JSON, its text).
    pub value: Ident,
    by_name: HashMap<String, usize>,
}

impl TypeNames {
    pub fn new(saga: &Saga, types: &mut Namespace) -> Self {
        let records: Vec<(String, Ident)> = saga
            .types
            .records
            .iter()
            .map(|r| {
                let name = r.name.value.clone();
                let claimed = types.claim(&name, "Record");
                (name, ident(&claimed))
            })
            .collect();
        let by_name = records
            .iter()
            .enumerate()
            .map(|(i, (n, _))| (n.clone(), i))
            .collect();
        TypeNames {
            timestamp: ident(&types.claim("Timestamp", "Value")),
            value: ident(&types.claim("FieldValue", "")),
            records,
            by_name,
        }
    }

    fn record(&self, name: &str) -> Option<&Ident> {
        self.by_name.get(name).map(|&i| &self.records[i].1)
    }

    /// The Rust type of a spec type. The checker has refused unknown types (D510); one
    /// that reaches here anyway is a string.
    pub fn rust(&self, ty: &Type) -> TokenStream {
        match ty {
            Type::Scalar(Scalar::Integer) => quote!(i64),
            Type::Scalar(Scalar::Boolean) => quote!(bool),
            Type::Scalar(Scalar::Timestamp) => {
                let t = &self.timestamp;
                quote!(#t)
            }
            Type::List(item) => {
                let item = self.rust(item);
                quote!(Vec<#item>)
            }
            Type::Record(name) => match self.record(name) {
                Some(r) => quote!(#r),
                None => quote!(String),
            },
            Type::Scalar(Scalar::String | Scalar::Decimal | Scalar::Uuid)
            | Type::Unknown { .. } => {
                quote!(String)
            }
        }
    }

    /// A sample value of a type for the generated tests; `field` names a string's text. A
    /// list of a record that is being built is left empty, so a record holding a list of
    /// itself ends.
    pub fn sample(
        &self,
        saga: &Saga,
        ty: &Type,
        field: &str,
        building: &mut Vec<String>,
    ) -> TokenStream {
        match ty {
            Type::Scalar(Scalar::Integer) => quote!(1),
            Type::Scalar(Scalar::Boolean) => quote!(true),
            Type::Scalar(Scalar::Decimal) => quote!("1.00".to_owned()),
            Type::Scalar(Scalar::Uuid) => quote!("00000000-0000-4000-8000-000000000001".to_owned()),
            Type::Scalar(Scalar::Timestamp) => {
                let t = &self.timestamp;
                quote!(#t::default())
            }
            Type::List(item) => {
                if item
                    .record()
                    .is_some_and(|r| building.iter().any(|b| b == r))
                {
                    return quote!(Vec::new());
                }
                let item = self.sample(saga, item, field, building);
                quote!(vec![#item])
            }
            Type::Record(name) => {
                let (Some(r), Some(def)) = (self.record(name), saga.types.record(name)) else {
                    let text = format!("{field}-1");
                    return quote!(#text.to_owned());
                };
                building.push(name.clone());
                let fields: Vec<TokenStream> = def
                    .fields
                    .iter()
                    .map(|f| {
                        let id = ident(&f.name.value);
                        let value = self.sample(saga, &f.ty, &f.name.value, building);
                        quote!(#id: #value,)
                    })
                    .collect();
                building.pop();
                quote!(#r { #(#fields)* })
            }
            Type::Scalar(Scalar::String) | Type::Unknown { .. } => {
                let text = format!("{field}-1");
                quote!(#text.to_owned())
            }
        }
    }

    /// The record structs, the timestamp type, and the trait that writes any field as
    /// JSON (an outbox payload) or as text (a key).
    pub fn tokens(&self, saga: &Saga, serde: &TokenStream) -> TokenStream {
        let value = &self.value;
        let timestamp = &self.timestamp;
        let records = saga.types.records.iter().filter_map(|def| {
            let name = self.record(&def.name.value)?;
            let doc = docs(&format!("The record `{}` of the spec.", def.name.value));
            let fields: Vec<(Ident, String, TokenStream)> = def
                .fields
                .iter()
                .map(|f| (ident(&f.name.value), f.name.value.clone(), self.rust(&f.ty)))
                .collect();
            let decls = fields.iter().map(|(id, _, ty)| quote!(pub #id: #ty,));
            let writes = fields.iter().enumerate().map(|(i, (id, name, _))| {
                let sep = if i == 0 { "{" } else { "," };
                let key = format!("{sep}\"{name}\":");
                quote! {
                    out.push_str(#key);
                    out.push_str(&self.#id.json());
                }
            });
            let close = if fields.is_empty() {
                quote!(out.push_str("{}");)
            } else {
                quote!(out.push('}');)
            };
            Some(quote! {
                #doc
                #[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
                #serde
                pub struct #name { #(#decls)* }

                impl #value for #name {
                    fn json(&self) -> String {
                        let mut out = String::new();
                        #(#writes)*
                        #close
                        out
                    }
                }
            })
        });
        quote! {
            /// A `timestamp` of the spec: a point in time (its default is the Unix epoch).
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #serde
            pub struct #timestamp(pub std::time::SystemTime);

            impl Default for #timestamp {
                fn default() -> Self {
                    #timestamp(std::time::SystemTime::UNIX_EPOCH)
                }
            }

            /// What every field's type can be written as: JSON (an outbox payload) and
            /// text (a key: a string as it is, anything else as its JSON).
            pub trait #value {
                fn json(&self) -> String;

                fn text(&self) -> String {
                    self.json()
                }
            }

            impl #value for String {
                fn json(&self) -> String {
                    let mut out = String::new();
                    outbox::json_string(&mut out, self);
                    out
                }

                fn text(&self) -> String {
                    self.clone()
                }
            }

            impl #value for i64 {
                fn json(&self) -> String {
                    self.to_string()
                }
            }

            impl #value for bool {
                fn json(&self) -> String {
                    self.to_string()
                }
            }

            /// Milliseconds since the Unix epoch (negative before it).
            impl #value for #timestamp {
                fn json(&self) -> String {
                    match self.0.duration_since(std::time::SystemTime::UNIX_EPOCH) {
                        Ok(after) => after.as_millis().to_string(),
                        Err(before) => format!("-{}", before.duration().as_millis()),
                    }
                }
            }

            impl<T: #value> #value for Vec<T> {
                fn json(&self) -> String {
                    let items: Vec<String> = self.iter().map(|v| v.json()).collect();
                    format!("[{}]", items.join(","))
                }
            }

            #(#records)*
        }
    }
}
