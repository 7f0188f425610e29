//! Data flow: every field a step reads was written before it runs.

use super::{Check, Rule};

pub static CHECKS: &[(&Rule, Check)] = &[];
