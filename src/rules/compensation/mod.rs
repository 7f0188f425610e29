//! Compensation by kind: every step that has an effect before the point of no return can be
//! undone, and nothing after it is.

use super::{Check, Rule};

pub static CHECKS: &[(&Rule, Check)] = &[];
