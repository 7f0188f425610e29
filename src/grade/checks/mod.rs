//! One file per kind of check. A check reads the [`Context`] (the submission, its checked
//! spec, the roles found in it, its diagrams) and returns a [`Verdict`]: how many of its
//! parts hold, and what it found, written for the student. Checks never print and never
//! fail: what they need and cannot have is itself a finding.

mod conformance;
mod coordination;
mod diagram;
mod flow;
mod instances;
mod outbox;
mod scenario;
mod valid;

use std::sync::Arc;

use crate::check::Checked;
use crate::diagnostic::Severity;
use crate::mermaid::{self, Diagram, ParseError, Read};
use crate::model::Saga;
use crate::scenario::{Budget, Fault, Scenario};
use crate::source::SourceFile;

use super::rubric::{CheckDef, Rubric};
use super::selector::{self, Roles};
use super::submission::Submission;
use super::text::{capitalize, code, prose};

/// What one check found.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    /// Parts that hold, of `parts`.
    pub met: usize,
    pub parts: usize,
    /// Findings, for the student, in the order they matter.
    pub details: Vec<String>,
    /// The line of the spec the finding is about, when there is one.
    pub line: Option<usize>,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.met >= self.parts
    }

    /// A check that could not run: every part fails, for this reason.
    pub fn blocked(parts: usize, reason: impl Into<String>) -> Verdict {
        Verdict {
            met: 0,
            parts: parts.max(1),
            details: vec![reason.into()],
            line: None,
        }
    }

    /// Counts one part.
    pub fn part(&mut self, holds: bool) {
        self.parts += 1;
        if holds {
            self.met += 1;
        }
    }
}

/// A diagram found in the submission, read or not.
#[derive(Debug)]
pub struct DiagramSource {
    /// `` `answers.md`, the Mermaid block at line 12 `` or `` `flow.mmd` ``.
    pub name: String,
    /// The file it is in, for the lines of what is found in it.
    pub file: Arc<SourceFile>,
    /// Where it is in the file, and what reading it gave.
    pub read: Read,
}

impl DiagramSource {
    pub fn diagram(&self) -> Result<&Diagram, &ParseError> {
        self.read.diagram.as_ref()
    }

    /// Every diagram of `answers.md` and of the diagram files, in that order.
    fn all(submission: &Submission) -> Vec<DiagramSource> {
        let mut out = Vec::new();
        let files = submission
            .answers
            .iter()
            .map(|a| (a, true))
            .chain(submission.diagrams.iter().map(|d| (d, false)));
        for (file, markdown) in files {
            let source = Arc::new(SourceFile::new(&file.name, file.text.clone()));
            for read in mermaid::read_file(&file.text, markdown) {
                let name = match markdown {
                    true => format!(
                        "{}, the Mermaid block at line {}",
                        code(&file.name),
                        source.line_col(read.content.start).line
                    ),
                    false => code(&file.name),
                };
                out.push(DiagramSource {
                    name,
                    file: Arc::clone(&source),
                    read,
                });
            }
        }
        out
    }
}

/// Everything a check may read about one submission.
pub struct Context<'a> {
    pub rubric: &'a Rubric,
    pub submission: &'a Submission,
    /// The spec's model, when its syntax could be read (it may still have errors).
    pub saga: Option<&'a Saga>,
    /// Whether the model resolved: what the simulator needs.
    pub resolved: bool,
    pub roles: Roles,
    pub diagrams: Vec<DiagramSource>,
    /// The simulation work the criteria may still spend on this submission.
    pub budget: Budget,
}

impl<'a> Context<'a> {
    pub fn new(rubric: &'a Rubric, submission: &'a Submission) -> Context<'a> {
        let saga = submission.spec.as_ref().and_then(|c| c.saga.as_ref());
        let resolved = submission.spec.as_ref().is_some_and(|c| c.resolved);
        let roles = saga
            .map(|s| selector::resolve(rubric, s))
            .unwrap_or_default();
        let diagrams = DiagramSource::all(submission);
        Context {
            rubric,
            submission,
            saga,
            resolved,
            roles,
            diagrams,
            budget: super::work::criteria_budget(),
        }
    }

    pub fn checked(&self) -> Option<&'a Checked> {
        self.submission.spec.as_ref()
    }

    /// The spec's name for feedback (`saga.yaml`).
    pub fn spec_name(&self) -> String {
        self.checked()
            .map(|c| code(&c.source.name()))
            .unwrap_or_else(|| "the spec".to_owned())
    }

    /// Why there is no spec to read at all, if so.
    pub fn no_spec(&self) -> Option<String> {
        if self.checked().is_some() {
            return None;
        }
        Some(
            self.submission
                .spec_problem
                .clone()
                .map(|p| capitalize(&p) + ".")
                .unwrap_or_else(|| "No spec was found in the submission.".to_owned()),
        )
    }

    /// The saga as written, or why it could not be read (a file that does not parse).
    pub fn saga(&self) -> Result<&'a Saga, String> {
        if let Some(reason) = self.no_spec() {
            return Err(reason);
        }
        self.saga.ok_or_else(|| {
            format!(
                "{} could not be read as a saga spec, so this cannot be judged. {}",
                capitalize(&self.spec_name()),
                self.first_errors()
            )
        })
    }

    /// The resolved model the simulator runs, or why there is none (a language version 2
    /// feature the simulator does not implement yet is a reason too).
    pub fn model(&self) -> Result<&'a Saga, String> {
        let saga = self.saga()?;
        if let Some(u) = unsupported(saga).filter(|_| self.resolved) {
            return Err(format!(
                "{} uses {} at line {}, whose semantics this sagac does not simulate yet, so its behaviour cannot be judged.",
                capitalize(&self.spec_name()),
                u.describe(),
                self.line_of(u.span).unwrap_or(1)
            ));
        }
        if self.resolved {
            Ok(saga)
        } else {
            Err(format!(
                "The saga cannot be simulated until the syntax and reference errors in {} are fixed, so its behaviour cannot be judged. {}",
                self.spec_name(),
                self.first_errors()
            ))
        }
    }

    /// `Fix first: line 3: S001 ...; ...` (at most three errors).
    pub fn first_errors(&self) -> String {
        let Some(checked) = self.checked() else {
            return String::new();
        };
        let errors: Vec<String> = checked
            .diagnostics
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .take(3)
            .map(|d| {
                format!(
                    "line {}: {} {}",
                    checked.source.line_col(d.span.start).line,
                    d.rule.code,
                    prose(&d.message)
                )
            })
            .collect();
        if errors.is_empty() {
            return String::new();
        }
        format!(
            "Fix first ({} shows them all): {}.",
            code(&format!("sagac check {}", checked.source.name())),
            errors.join("; ")
        )
    }

    /// The step playing a role, or a finding that no step does.
    pub fn role_step(&self, role: &str) -> Result<crate::model::StepId, String> {
        let index = self.rubric.role(role).unwrap_or_default();
        self.roles.step(index).ok_or_else(|| {
            let r = &self.rubric.roles[index];
            format!(
                "No step of your saga plays {}: none has a step id, participant or action matching {}. Name the step after what it does.",
                r.describe,
                code(&format!("/{}/", r.regex.as_str()))
            )
        })
    }

    /// `the payment step (`charge_card`)`.
    pub fn describe_role(&self, saga: &Saga, role: &str) -> String {
        let index = self.rubric.role(role).unwrap_or_default();
        selector::describe(self.rubric, &self.roles, saga, index)
    }

    /// Every run of the saga under these faults, or why they were not explored: the
    /// submission's budget does not cover them.
    pub fn explore(&self, saga: &Saga, faults: &[Fault]) -> Result<Scenario, String> {
        crate::scenario::run_within(saga, faults, &self.budget)
            .ok_or_else(|| super::work::too_large(saga.steps.len()))
    }

    /// The 1-based line of a span in the spec.
    pub fn line_of(&self, span: crate::source::Span) -> Option<usize> {
        self.checked().map(|c| c.source.line_col(span.start).line)
    }
}

/// The first version 2 feature of the saga whose runs sagac does not simulate yet: for a
/// saga with `resources`, what the isolation search does not run besides its own keys.
pub(super) fn unsupported(saga: &Saga) -> Option<crate::scenario::Unsupported> {
    if saga.resources.any() {
        crate::scenario::unsupported_besides_isolation(saga).or_else(|| {
            crate::scenario::isolation::unsupported(saga).map(|_| crate::scenario::Unsupported {
                key: crate::model::Key::Resources,
                span: saga.resources.span.unwrap_or(saga.name.span),
            })
        })
    } else {
        crate::scenario::unsupported(saga)
    }
}

/// Runs one check.
pub fn run(check: &CheckDef, index: usize, ctx: &Context) -> Verdict {
    match check {
        CheckDef::Valid(_) => valid::valid(ctx),
        CheckDef::RulesAbsent(codes) => valid::rules_absent(codes, ctx),
        CheckDef::Flow(roles) => flow::flow(roles, ctx),
        CheckDef::Scenario(def) => scenario::scenario(def, ctx),
        CheckDef::Coordination(def) => coordination::coordination(def, index, ctx),
        CheckDef::Outbox(def) => outbox::outbox(def, ctx),
        CheckDef::Diagram(def) => diagram::diagram(def, index, ctx),
    }
}
