//! The language version, and the version 2 keys a spec writes: in a `version: 1` spec each
//! is reported where it is written; in a version 2 spec they are the saga's features
//! (what `scenario` must implement to run it).

use super::Resolver;
use crate::model::problem::Problem;
use crate::model::{Feature, Key, Version};
use crate::source::{Span, Spanned};
use crate::syntax::{
    CompensationDef, DeadlineDef, FailureDef, FailureEventsDef, RetryDef, SpecDef, StepDef,
};

impl Resolver<'_> {
    /// The spec's version and the version 2 keys it writes, in order. A version other
    /// than 1 and 2 is reported and read as the latest; a missing one as 1, unless the
    /// spec writes version 2 keys.
    pub(super) fn version(&mut self, spec: &SpecDef, top: Span) -> (Version, Span, Vec<Feature>) {
        let features = self.features(spec);
        let (version, span) = match &spec.version {
            None => {
                let v2 = !features.is_empty();
                self.missing(
                    top,
                    "version",
                    "the top level",
                    if v2 {
                        "add `version: 2` as the first line: the spec writes keys of language version 2"
                    } else {
                        "add `version: 1` as the first line"
                    },
                );
                (if v2 { Version::V2 } else { Version::V1 }, top)
            }
            Some(v) if v.value == 1 => (Version::V1, v.span),
            Some(v) if v.value == 2 => (Version::V2, v.span),
            Some(v) => {
                self.report(Problem::UnsupportedVersion {
                    span: v.span,
                    version: v.value,
                });
                (Version::V2, v.span)
            }
        };
        if spec.version.as_ref().is_some_and(|v| v.value == 1) {
            for f in &features {
                self.report(Problem::Version2Key {
                    span: f.span,
                    key: f.key,
                });
            }
        }
        self.version = version;
        (version, span, features)
    }

    /// Every version 2 key the spec writes, sorted by position. A key inside another
    /// version 2 key (a `retry.within` under `compensation_defaults`) is not listed again.
    fn features(&self, spec: &SpecDef) -> Vec<Feature> {
        let mut out = Vec::new();
        let top: [(Option<Span>, Key); 7] = [
            (
                spec.compensation_defaults.as_ref().map(|d| d.span),
                Key::CompensationDefaults,
            ),
            (spec.escalation.as_ref().map(|d| d.span), Key::Escalation),
            (spec.on_uncaught.as_ref().map(|d| d.span), Key::OnUncaught),
            (spec.outcome.as_ref().map(|d| d.span), Key::Outcome),
            (
                spec.cancellation.as_ref().map(|d| d.span),
                Key::Cancellation,
            ),
            (spec.resources.as_ref().map(|d| d.span), Key::Resources),
            (spec.isolation.as_ref().map(|d| d.span), Key::Isolation),
        ];
        for (span, key) in top {
            if let Some(span) = span {
                self.feature(&mut out, key, span);
            }
        }
        if let Some(d) = &spec.deadline
            && matches!(d.value, DeadlineDef::Long(_))
        {
            self.feature(&mut out, Key::DeadlineLongForm, d.span);
        }
        if let Some(trigger) = &spec.trigger {
            if let Some(e) = &trigger.value.effects {
                self.feature(&mut out, Key::Effects, e.span);
            }
            if let Some(c) = &trigger.value.compensation {
                self.compensation_features(c, &mut out);
            }
        }
        for step in spec.steps.iter().flat_map(|s| &s.value) {
            self.step_features(&step.value, &mut out);
        }
        for reaction in spec.reactions.iter().flat_map(|r| &r.value) {
            if let Some(e) = &reaction.value.effects {
                self.feature(&mut out, Key::Effects, e.span);
            }
        }
        out.sort_by_key(|f| (f.span.start, f.span.end));
        out
    }

    fn step_features(&self, step: &StepDef, out: &mut Vec<Feature>) {
        for branch in step.parallel.iter().flat_map(|p| &p.value) {
            self.step_features(&branch.value, out);
        }
        if let Some(t) = &step.transactional {
            self.feature(out, Key::Transactional, t.span);
        }
        if let Some(e) = &step.effects {
            self.feature(out, Key::Effects, e.span);
        }
        if let Some(o) = &step.on_uncaught {
            self.feature(out, Key::OnUncaught, o.span);
        }
        for f in step.failures.iter().flat_map(|f| &f.value) {
            if matches!(f.value, FailureDef::Long(_)) {
                out.push(Feature {
                    key: Key::FailureLongForm,
                    span: self.widen(f.span),
                });
            }
        }
        if let Some(failure) = step.emits.as_ref().and_then(|e| e.value.failure.as_ref())
            && matches!(failure.value, FailureEventsDef::Map(_))
        {
            self.feature(out, Key::FailureEventMap, failure.span);
        }
        if let Some(r) = &step.retry {
            self.retry_features(r, out);
        }
        if let Some(c) = &step.compensation {
            self.compensation_features(c, out);
        }
    }

    fn compensation_features(&self, c: &Spanned<CompensationDef>, out: &mut Vec<Feature>) {
        let CompensationDef::Long(c) = &c.value else {
            return;
        };
        let keys: [(Option<Span>, Key); 5] = [
            (
                c.reads_if_present.as_ref().map(|k| k.span),
                Key::ReadsIfPresent,
            ),
            (c.runs_for.as_ref().map(|k| k.span), Key::RunsFor),
            (c.absent_effect.as_ref().map(|k| k.span), Key::AbsentEffect),
            (c.on_failure.as_ref().map(|k| k.span), Key::OnFailure),
            (c.timeout.as_ref().map(|k| k.span), Key::CompensationTimeout),
        ];
        for (span, key) in keys {
            if let Some(span) = span {
                self.feature(out, key, span);
            }
        }
        if let Some(r) = &c.retry {
            self.retry_features(r, out);
        }
        if let Some(e) = &c.effects {
            self.feature(out, Key::Effects, e.span);
        }
    }

    fn retry_features(&self, r: &Spanned<RetryDef>, out: &mut Vec<Feature>) {
        if let Some(w) = &r.value.within {
            self.feature(out, Key::RetryWithin, w.span);
        }
        if let Some(j) = &r.value.jitter {
            self.feature(out, Key::RetryJitter, j.span);
        }
    }

    /// A feature at its key: the key written before the value at `value`.
    fn feature(&self, out: &mut Vec<Feature>, key: Key, value: Span) {
        out.push(Feature {
            key,
            span: self.key_span(value, key.as_str()),
        });
    }

    /// Where `key` is written before its value (`key:` then spaces, line breaks or a
    /// flow mapping's separators), else the value's own line.
    pub(super) fn key_span(&self, value: Span, key: &str) -> Span {
        let text = &self.source.text;
        let before = text.get(..value.start.min(text.len())).unwrap_or("");
        let found = before
            .trim_end()
            .strip_suffix(':')
            .map(str::trim_end)
            .filter(|k| k.ends_with(key))
            .map(|k| k.len() - key.len())
            .filter(|&start| {
                !before[..start]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            });
        match found {
            Some(start) => Span::new(start, start + key.len()),
            None => self.widen(value),
        }
    }
}
