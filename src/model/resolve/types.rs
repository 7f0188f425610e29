//! `fields` and `records`: each type read from its text, each name checked for its form
//! (a field snake_case like every data field, a record PascalCase). What a type names is
//! checked by the rules (D510-D512), which read the model.

use super::Resolver;
use crate::model::names::Form;
use crate::model::types::{Record, Type, TypedField, Types};
use crate::syntax::{FieldsDef, SpecDef};

impl Resolver<'_> {
    pub(super) fn types(&mut self, spec: &SpecDef) -> Types {
        let fields = spec
            .fields
            .as_ref()
            .map(|f| self.typed_fields(&f.value, "data field"))
            .unwrap_or_default();
        let records = spec
            .records
            .iter()
            .flat_map(|r| r.value.0.iter())
            .map(|(name, def)| {
                self.name(name, Form::Pascal, "record name");
                Record {
                    name: name.clone(),
                    fields: def
                        .as_ref()
                        .map(|d| self.typed_fields(&d.value, "record field"))
                        .unwrap_or_default(),
                }
            })
            .collect();
        Types {
            catalogue: spec.fields.as_ref().map(|f| f.span),
            fields,
            records,
        }
    }

    fn typed_fields(&mut self, def: &FieldsDef, kind: &'static str) -> Vec<TypedField> {
        def.0
            .iter()
            .map(|(name, ty)| {
                self.name(name, Form::Snake, kind);
                // A field listed without a type (`amount:`) is a string, as unlisted ones are.
                let (ty, written) = match ty {
                    Some(t) => (Type::parse(&t.value.0), t.span),
                    None => (Type::STRING, name.span),
                };
                TypedField {
                    name: name.clone(),
                    ty,
                    written,
                }
            })
            .collect()
    }
}
