//! Rules raised while the model is resolved: names must point at something declared, and
//! keys must belong to the saga's coordination style.

pub mod conflicting_resource;
pub mod duplicate_step_id;
pub mod foreign_resource;
pub mod missing_style_key;
pub mod undeclared_participant;
pub mod undeclared_resource;
pub mod undeclared_state;
pub mod wrong_coordination_key;

use crate::diagnostic::Rule;

pub static RULES: &[&Rule] = &[
    &undeclared_participant::RULE,
    &duplicate_step_id::RULE,
    &wrong_coordination_key::RULE,
    &missing_style_key::RULE,
    &undeclared_resource::RULE,
    &conflicting_resource::RULE,
    &foreign_resource::RULE,
    &undeclared_state::RULE,
];
