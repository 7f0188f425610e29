//! The assignments built into sagac: their rubrics ship inside the binary, so a course can
//! grade with `--assignment order-saga` and nothing else installed.

use super::rubric::{self, Rubric, RubricError};

/// A built-in assignment: its id and its rubric's YAML.
pub struct Assignment {
    pub id: &'static str,
    pub rubric: &'static str,
}

pub const ALL: &[Assignment] = &[Assignment {
    id: "order-saga",
    rubric: include_str!("../../specs/assignments/order-saga/rubric.yaml"),
}];

pub fn find(id: &str) -> Option<&'static Assignment> {
    ALL.iter().find(|a| a.id == id)
}

impl Assignment {
    pub fn load(&self) -> Result<Rubric, RubricError> {
        rubric::parse(&format!("built-in assignment `{}`", self.id), self.rubric)
    }
}
