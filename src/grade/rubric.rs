//! The rubric an instructor writes: roles that find steps by what they do, and criteria,
//! each a check with points and feedback. Read from YAML with unknown keys denied, then
//! validated (regexes compile, every role a check names exists, ids are unique), so that a
//! mistake in a rubric is a usage error (exit 2) and never a student's zero.

use regex::{Regex, RegexBuilder};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::syntax::spanned::OrderedMap;

/// A grading rubric (sagac rubric format, version 1).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "sagac grading rubric")]
pub struct RubricDef {
    /// Format version; must be 1.
    #[schemars(range(min = 1, max = 1))]
    pub version: u64,
    /// A short id (`order-saga`).
    pub assignment: String,
    /// The title students see at the top of their feedback.
    pub title: String,
    /// What the assignment asks, in a sentence or two (shown by `sagac assignments`).
    #[serde(default)]
    pub description: Option<String>,
    /// Named roles: each finds the step of a submission that plays it, whatever the student
    /// named it, by a case-insensitive regex over the step id, its participant and its action.
    #[serde(default)]
    pub roles: Option<OrderedMap<RoleDef>>,
    /// The criteria, in the order students read them.
    #[schemars(length(min = 1))]
    pub criteria: Vec<CriterionDef>,
    /// When Gradescope shows students the score and the feedback as a whole (Gradescope's
    /// own default, `visible`, when absent). Other formats ignore it.
    #[serde(default)]
    pub visibility: Option<Visibility>,
}

/// Gradescope's visibility of a result: shown at once, never, after the due date, or once
/// the instructor publishes the grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    Visible,
    Hidden,
    AfterDueDate,
    AfterPublished,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleDef {
    /// A regex (case-insensitive) matched against the step id, the participant and the action.
    pub matches: String,
    /// How feedback names the role: `the payment step`.
    pub describe: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionDef {
    /// A stable id (`compensation`): JSON, CSV and the CI formats use it.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_-]*$"))]
    pub id: String,
    pub title: String,
    /// Points for a pass (decimals allowed).
    #[schemars(range(min = 0))]
    pub points: f64,
    /// Give part of the points when part of the check holds (rounded down to halves).
    #[serde(default)]
    pub partial: bool,
    /// Leave the criterion to a human grader: it scores 0 with status `review`; the check,
    /// if given, only adds what sagac found to the feedback.
    #[serde(default)]
    pub manual: bool,
    /// What to check; required unless `manual`.
    #[serde(default)]
    pub check: Option<CheckDef>,
    /// What the student reads when the criterion passes and when it does not.
    pub feedback: FeedbackDef,
    /// What to read to get it right (shown when the criterion is not met).
    #[serde(default)]
    pub read: Option<String>,
    /// When Gradescope shows students this criterion (the rubric's `visibility` when absent).
    #[serde(default)]
    pub visibility: Option<Visibility>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackDef {
    pub pass: String,
    pub fail: String,
}

/// One kind of check (exactly one key).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CheckDef {
    /// The spec checks without errors (warnings allowed).
    Valid(EmptyDef),
    /// None of these rule codes is reported (`[W601, G401]`).
    RulesAbsent(Vec<String>),
    /// The happy path runs these roles' steps in this order and completes.
    Flow(Vec<String>),
    /// A fault on one role's step, and what the saga must then do.
    Scenario(ScenarioDef),
    /// A coordination style with a rationale long enough that addresses enough topics.
    Coordination(CoordinationDef),
    /// The event that starts the saga leaves through an outbox.
    Outbox(OutboxDef),
    /// A Mermaid sequence diagram that shows the spec's participants and these paths.
    Diagram(DiagramDef),
}

/// `{}`: a check without settings.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmptyDef {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FaultKindDef {
    /// A business failure (a transient one, retried, for a retriable step).
    Fail,
    /// Every attempt fails transiently.
    Exhaust,
    /// No answer in time (orchestration steps with a `timeout`).
    Timeout,
    /// Language version 2: an error the spec does not declare (`uncaught:`).
    Uncaught,
    /// Language version 2: the deadline passes while the step is current (`deadline:`).
    Deadline,
    /// Language version 2: the caller cancels as the step's command is sent (`cancel:`).
    Cancel,
    /// Language version 2: the step's participant is down (`outage:`).
    Outage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeDef {
    Completed,
    Compensated,
    Stuck,
    /// Language version 2: stopped without compensating.
    Terminated,
    /// Language version 2: a compensation gave up and the escalation was told.
    NeedsAttention,
    /// Language version 2: compensated after an honoured cancel.
    Cancelled,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioDef {
    /// The role whose step the fault hits.
    pub step: String,
    /// The fault (default `fail`).
    #[serde(default)]
    pub fault: Option<FaultKindDef>,
    /// How the saga must end.
    #[serde(default)]
    pub outcome: Option<OutcomeDef>,
    /// Roles whose steps must be compensated, in this order (others may be too).
    #[serde(default)]
    pub compensated: Vec<String>,
    /// Roles whose steps must not be compensated.
    #[serde(default)]
    pub not_compensated: Vec<String>,
    /// No compensation at all runs, the trigger's included.
    #[serde(default)]
    pub no_compensation: bool,
    /// Roles whose steps must be retried (a failed attempt, then another).
    #[serde(default)]
    pub retried: Vec<String>,
    /// Invariants that must hold on every run of the scenario (`atomicity`, ...).
    #[serde(default)]
    pub invariants: Vec<String>,
    /// Language version 2: the value the caller must be told (`outcome.values`).
    #[serde(default)]
    pub caller: Option<String>,
    /// Language version 2, isolation: for a saga with `resources`, the instance the fault
    /// hits (`a`, the default, to `d`) while every instance runs at once; `outcome` is that
    /// instance's, and `invariants` may name the isolation ones (`no_lost_update`, ...).
    #[serde(default)]
    #[schemars(regex(pattern = r"^[a-d]$"))]
    pub instance: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoordinationDef {
    /// Accepted styles (default: both).
    #[serde(default)]
    pub styles: Vec<CoordinationStyle>,
    /// Minimum words in the rationale.
    #[serde(default)]
    pub min_words: usize,
    /// Minimum number of `topics` the rationale addresses.
    #[serde(default)]
    pub min_topics: usize,
    /// Topics a good rationale weighs; each is addressed when one of its regexes matches.
    #[serde(default)]
    pub topics: Vec<TopicDef>,
    /// Without a `rationale` in the spec, the section of `answers.md` whose heading matches
    /// this regex is read instead.
    #[serde(default)]
    pub answers_heading: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CoordinationStyle {
    Orchestration,
    Choreography,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicDef {
    pub name: String,
    /// Case-insensitive regexes; one match is enough.
    pub patterns: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutboxDef {
    /// Accepted relays (default: both).
    #[serde(default)]
    pub relay: Vec<RelayDef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelayDef {
    Cdc,
    Polling,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiagramDef {
    /// Every participant of the spec appears in some diagram, by id or label.
    #[serde(default)]
    pub spec_participants: bool,
    /// Paths that some diagram must show: a path is one way through the diagram (one branch
    /// of each `alt`), or a diagram of its own.
    #[serde(default)]
    pub paths: Vec<PathDef>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PathDef {
    /// How feedback names the path: `the happy path`.
    pub name: String,
    /// Messages (or notes) the path shows, in this order.
    pub messages: Vec<MessageDef>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageDef {
    /// The message concerns this role's step: it goes to or from its participant, or its
    /// text names the role, the step or its action.
    #[serde(default)]
    pub role: Option<String>,
    /// A regex (case-insensitive) the text must match; with `compensation`, naming the
    /// step's compensation action also counts.
    #[serde(default)]
    pub text: Option<String>,
    /// The message is the compensation of the role's step.
    #[serde(default)]
    pub compensation: bool,
    /// How feedback names the message: `the charge fails`.
    pub describe: String,
}

/// A rubric, read and validated.
#[derive(Debug, Clone)]
pub struct Rubric {
    pub def: RubricDef,
    pub roles: Vec<Role>,
    /// Compiled regexes of the topics, per criterion index (coordination checks only).
    pub topics: Vec<Vec<Topic>>,
    /// Compiled `answers_heading`, per criterion index.
    pub headings: Vec<Option<Regex>>,
    /// Compiled message regexes, per criterion index, per path, per message.
    pub messages: Vec<Vec<Vec<Option<Regex>>>>,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    pub regex: Regex,
    pub describe: String,
}

#[derive(Debug, Clone)]
pub struct Topic {
    pub name: String,
    pub patterns: Vec<Regex>,
}

impl Rubric {
    pub fn role(&self, name: &str) -> Option<usize> {
        self.roles.iter().position(|r| r.name == name)
    }

    pub fn max_score(&self) -> f64 {
        self.def.criteria.iter().map(|c| c.points).sum()
    }
}

/// A rubric that cannot be used: exit 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RubricError(pub String);

impl std::fmt::Display for RubricError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RubricError {}

/// Reads and validates a rubric's YAML; `name` prefixes the errors.
pub fn parse(name: &str, text: &str) -> Result<Rubric, RubricError> {
    let def: RubricDef = serde_saphyr::from_str(text)
        .map_err(|e| RubricError(format!("{name}: not a valid rubric: {e}")))?;
    validate(def).map_err(|e| RubricError(format!("{name}: {e}")))
}

fn regex(pattern: &str, what: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| format!("{what}: `{pattern}` is not a valid regex: {e}"))
}

fn validate(def: RubricDef) -> Result<Rubric, String> {
    if def.version != 1 {
        return Err(format!("`version: {}`: only version 1 exists", def.version));
    }
    let roles = roles(&def)?;
    let mut ids: Vec<&str> = Vec::new();
    let mut topics = Vec::new();
    let mut headings = Vec::new();
    let mut messages = Vec::new();
    for c in &def.criteria {
        let at = format!("criterion `{}`", c.id);
        if ids.contains(&c.id.as_str()) {
            return Err(format!("{at}: the id is used twice"));
        }
        ids.push(&c.id);
        let compiled = criterion(c, &roles, &at)?;
        topics.push(compiled.topics);
        headings.push(compiled.heading);
        messages.push(compiled.messages);
    }
    Ok(Rubric {
        def,
        roles,
        topics,
        headings,
        messages,
    })
}

fn roles(def: &RubricDef) -> Result<Vec<Role>, String> {
    let mut roles = Vec::new();
    for (name, role) in def.roles.iter().flat_map(|m| m.0.iter()) {
        roles.push(Role {
            name: name.value.clone(),
            regex: regex(&role.matches, &format!("role `{}`", name.value))?,
            describe: role.describe.clone(),
        });
    }
    Ok(roles)
}

/// An error unless `role` is one of `roles`; `at` says where it was named.
fn known(roles: &[Role], role: &str, at: &str) -> Result<(), String> {
    if roles.iter().any(|x| x.name == role) {
        return Ok(());
    }
    let names: Vec<&str> = roles.iter().map(|x| x.name.as_str()).collect();
    Err(format!(
        "{at}: no role `{role}` (roles: {})",
        if names.is_empty() {
            "none declared".to_owned()
        } else {
            names.join(", ")
        }
    ))
}

/// The regexes a criterion's check compiles to (empty for the checks that have none).
#[derive(Default)]
struct Compiled {
    topics: Vec<Topic>,
    heading: Option<Regex>,
    messages: Vec<Vec<Option<Regex>>>,
}

/// Checks one criterion against the rubric's roles and compiles its regexes.
fn criterion(c: &CriterionDef, roles: &[Role], at: &str) -> Result<Compiled, String> {
    if !c.points.is_finite() || c.points < 0.0 {
        return Err(format!("{at}: points must be a number >= 0"));
    }
    if c.check.is_none() && !c.manual {
        return Err(format!("{at}: give a `check`, or `manual: true`"));
    }
    let mut compiled = Compiled::default();
    match &c.check {
        None | Some(CheckDef::Valid(_)) | Some(CheckDef::Outbox(_)) => {}
        Some(CheckDef::RulesAbsent(codes)) => {
            for code in codes {
                if crate::rules::find(code).is_none() {
                    return Err(format!("{at}: `{code}` is no rule code"));
                }
            }
        }
        Some(CheckDef::Flow(list)) => {
            if list.len() < 2 {
                return Err(format!("{at}: a flow names at least two roles"));
            }
            for r in list {
                known(roles, r, at)?;
            }
        }
        Some(CheckDef::Scenario(s)) => scenario_check(s, roles, at)?,
        Some(CheckDef::Coordination(cd)) => {
            (compiled.topics, compiled.heading) = coordination_check(cd, at)?;
        }
        Some(CheckDef::Diagram(d)) => compiled.messages = diagram_check(d, roles, at)?,
    }
    Ok(compiled)
}

fn scenario_check(s: &ScenarioDef, roles: &[Role], at: &str) -> Result<(), String> {
    known(roles, &s.step, at)?;
    for r in s
        .compensated
        .iter()
        .chain(&s.not_compensated)
        .chain(&s.retried)
    {
        known(roles, r, at)?;
    }
    for i in &s.invariants {
        let part1 = crate::scenario::Invariant::ALL
            .iter()
            .any(|x| x.as_str() == i.as_str());
        let isolation = crate::scenario::isolation::IsolationInvariant::ALL
            .iter()
            .any(|x| x.as_str() == i.as_str());
        if !part1 && !isolation {
            return Err(format!("{at}: `{i}` is no invariant"));
        }
    }
    if let Some(letter) = &s.instance
        && !matches!(letter.as_str(), "a" | "b" | "c" | "d")
    {
        return Err(format!(
            "{at}: `instance` is a letter from `a` to `d`, not `{letter}`"
        ));
    }
    if s.no_compensation && !s.compensated.is_empty() {
        return Err(format!(
            "{at}: `no_compensation` and `compensated` contradict each other"
        ));
    }
    Ok(())
}

/// The compiled topics and `answers_heading` of a coordination check.
fn coordination_check(
    cd: &CoordinationDef,
    at: &str,
) -> Result<(Vec<Topic>, Option<Regex>), String> {
    let mut topics = Vec::new();
    for topic in &cd.topics {
        let mut patterns = Vec::new();
        for p in &topic.patterns {
            patterns.push(regex(p, &format!("{at}, topic `{}`", topic.name))?);
        }
        topics.push(Topic {
            name: topic.name.clone(),
            patterns,
        });
    }
    if cd.min_topics > cd.topics.len() {
        return Err(format!(
            "{at}: `min_topics` is {} but only {} topics are listed",
            cd.min_topics,
            cd.topics.len()
        ));
    }
    let heading = match &cd.answers_heading {
        Some(p) => Some(regex(p, &format!("{at}, answers_heading"))?),
        None => None,
    };
    Ok((topics, heading))
}

/// The compiled message regexes of a diagram check, per path, per message.
fn diagram_check(
    d: &DiagramDef,
    roles: &[Role],
    at: &str,
) -> Result<Vec<Vec<Option<Regex>>>, String> {
    let mut messages = Vec::new();
    for path in &d.paths {
        let mut compiled = Vec::new();
        for msg in &path.messages {
            if let Some(r) = &msg.role {
                known(roles, r, at)?;
            } else if msg.compensation {
                return Err(format!(
                    "{at}: a message with `compensation` names its `role`"
                ));
            }
            compiled.push(match &msg.text {
                Some(p) => Some(regex(p, &format!("{at}, path `{}`", path.name))?),
                None => None,
            });
        }
        messages.push(compiled);
    }
    Ok(messages)
}

/// The JSON Schema of the rubric format, pretty-printed (draft 2020-12).
pub fn json_schema() -> String {
    let mut schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<RubricDef>();
    schema.insert(
        "$id".into(),
        "https://sagac.dev/schema/rubric-v1.json".into(),
    );
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}
