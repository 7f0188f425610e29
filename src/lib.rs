//! sagac: a saga specification compiler. See ARCHITECTURE.md for the map.

#[macro_use]
pub mod rules;

pub mod atomic_write;
pub mod diagnostic;
pub mod diagram;
pub mod grade;
pub mod import;
pub mod load;
pub mod mermaid;
pub mod model;
pub mod report;
pub mod scenario;
pub mod simulate;
pub mod source;
pub mod suggest;
pub mod syntax;

pub mod check;
pub mod codegen;
pub mod lsp;
