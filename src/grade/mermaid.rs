//! The grader reads students' diagrams with [`crate::mermaid`], the reader `sagac check`
//! uses, so a diagram that checks is a diagram that grades. Re-exported here under the
//! name the grader's callers know.

pub use crate::mermaid::*;
