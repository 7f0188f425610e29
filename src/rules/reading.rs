//! The diagnostics for what went wrong before the model was complete: a file that is not
//! text (`load`), text that is not a spec (`syntax`), a spec that does not resolve
//! (`model`). Those layers report typed errors and know no rule codes; here each goes to
//! the rule file that words it.

use crate::diagnostic::Diagnostic;
use crate::load::Unreadable;
use crate::model::problem::{IsolationProblem, Problem};
use crate::syntax::{ParseError, ParseErrorKind};

use super::references::{
    duplicate_step_id, foreign_resource, missing_style_key, undeclared_participant,
    undeclared_resource, undeclared_state, wrong_coordination_key,
};
use super::syntax::isolation_value::isolation_value;
use super::syntax::{
    bad_duration, bad_name, duplicate_key, input_limit, invalid_yaml, missing_key, not_a_spec,
    reserved_name, unknown_key, unsupported_version, version_2_key, wrong_type,
};

/// A file whose bytes are not a spec's text (S010, S011).
pub fn unreadable(why: Unreadable) -> Diagnostic {
    match why {
        Unreadable::TooLarge => input_limit::too_large(),
        Unreadable::Binary => not_a_spec::binary(),
        Unreadable::NotUtf8 { offset, line } => not_a_spec::not_utf8(offset, line),
    }
}

/// Text the YAML reader could not read as a spec (S001-S005, S010, S011).
pub fn parse_error(error: &ParseError) -> Diagnostic {
    let span = error.span;
    match &error.kind {
        ParseErrorKind::Empty => not_a_spec::empty(),
        ParseErrorKind::UnknownKey { key, allowed } => unknown_key::unknown_key(span, key, allowed),
        ParseErrorKind::UnknownValue { value, allowed } => {
            wrong_type::unknown_value(span, value, allowed)
        }
        ParseErrorKind::WrongType { expected, found } => {
            wrong_type::wrong_type(span, expected, found, error.expected.as_ref())
        }
        ParseErrorKind::NotAValue { text, boolean } => {
            wrong_type::not_a_value(span, text, *boolean)
        }
        ParseErrorKind::EmptyValue => wrong_type::empty_value(span),
        ParseErrorKind::MissingKey { key } => missing_key::missing_field(span, key),
        ParseErrorKind::DuplicateKey { key } => duplicate_key::duplicate_key(span, key.as_deref()),
        ParseErrorKind::OverBudget { breach } => input_limit::over_budget(span, breach),
        ParseErrorKind::AliasesTooLarge => input_limit::aliases_too_large(span),
        ParseErrorKind::MultipleDocuments => not_a_spec::multiple_documents(span),
        ParseErrorKind::EndsEarly => not_a_spec::ends_early(span),
        ParseErrorKind::TopLevelNotMapping { expected, found } => {
            not_a_spec::top_level_not_mapping(span, expected, *found)
        }
        ParseErrorKind::Unexpected {
            expected,
            found,
            text,
        } => wrong_type::unexpected(span, expected, *found, text, error.expected.as_ref()),
        ParseErrorKind::TooDeep { message } => input_limit::too_deep(span, message),
        ParseErrorKind::InvalidYaml { message } => invalid_yaml::invalid_yaml(span, message),
    }
}

/// What resolving the model found (S003, S005-S009, S012, R101-R104).
pub fn problem(problem: &Problem) -> Diagnostic {
    match problem {
        Problem::MissingKey {
            parent,
            key,
            place,
            hint,
        } => missing_key::missing(*parent, key, place, hint),
        Problem::EmptyList { span, list } => missing_key::empty(*span, *list),
        Problem::UnsupportedVersion { span, version } => {
            unsupported_version::unsupported(*span, *version)
        }
        Problem::BadName { name, form, kind } => bad_name::bad_name(name, *form, kind),
        Problem::ReservedName { name, kind } => reserved_name::reserved(name, kind),
        Problem::BadDuration { text, key } => bad_duration::bad_duration(text, key),
        Problem::UndeclaredParticipant { name, declared } => {
            undeclared_participant::undeclared(name, declared)
        }
        Problem::DuplicateStepId { id, first } => duplicate_step_id::duplicate(id, *first),
        Problem::WrongCoordinationKey {
            span,
            key,
            style,
            hint,
        } => wrong_coordination_key::wrong_key(*span, key, *style, hint),
        Problem::TriggerWithoutEvent { span, style } => {
            missing_style_key::trigger_without_event(*span, *style)
        }
        Problem::StepWithoutConsumes { id } => missing_style_key::step_without_consumes(id),
        Problem::ParallelWithStepKeys { span } => wrong_type::parallel_with_step_keys(*span),
        Problem::NestedParallel { span } => wrong_type::nested_parallel(*span),
        Problem::Version2Key { span, key } => version_2_key::version_2_key(*span, *key),
        Problem::ReservedField { name } => reserved_name::reserved_field(name),
        Problem::ReservedFailure { name, listable } => {
            reserved_name::reserved_failure(name, *listable)
        }
        Problem::UnknownStep { name, key, steps } => wrong_type::unknown_step(name, key, steps),
        Problem::NotAFailure {
            name,
            step,
            declared,
        } => wrong_type::not_a_failure(name, step, declared),
        Problem::Contradiction { span, what } => wrong_type::contradiction(*span, what),
        Problem::EscalationWithoutEvent { span } => {
            missing_style_key::escalation_without_event(*span)
        }
        Problem::Isolation(p) => isolation(p),
    }
}

/// What resolving the isolation keys found (S003, R105, R107, R108).
fn isolation(problem: &IsolationProblem) -> Diagnostic {
    match problem {
        IsolationProblem::UndeclaredResource { name, declared } => {
            undeclared_resource::undeclared(name, declared)
        }
        IsolationProblem::ForeignResource {
            span,
            resource,
            owner,
            participant,
            actor,
        } => foreign_resource::foreign(*span, resource, owner, participant, actor),
        IsolationProblem::UndeclaredState {
            name,
            resource,
            states,
            key,
        } => undeclared_state::undeclared(name, resource, states, key),
        other => isolation_value(other).unwrap_or_else(|| {
            // Every other problem is a value that does not read (S003).
            wrong_type::empty_value(crate::source::Span::default())
        }),
    }
}
