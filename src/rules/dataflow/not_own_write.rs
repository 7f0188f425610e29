use crate::diagnostic::Diagnostic;
use crate::model::Saga;
use crate::source::Spanned;

declare_rule! {
    /// ## What it checks
    /// Language version 2: `reads_if_present` naming a field that is not a write of the
    /// compensation's own step (for the trigger's compensation: a field of its `data`), and
    /// `compensation_defaults.reads_if_present` naming a field no step writes.
    ///
    /// ## Why it matters
    /// `reads_if_present` is for the one field whose presence is uncertain: what the
    /// step returns when it answers. Any other field is known wherever the compensation
    /// runs (then it belongs in `reads`) or never (then the compensation gets `None` every
    /// time, and its author thought otherwise).
    ///
    /// ## Example
    /// ```yaml
    /// - id: reserve_car
    ///   writes: [car_reservation_id]
    ///   compensation: { action: CancelCar, reads_if_present: [car_request_id] }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///   compensation: { action: CancelCar, reads: [car_request_id],
    ///                   reads_if_present: [car_reservation_id] }
    /// ```
    pub static RULE = ("D505", "not-own-write", Error, "`reads_if_present` naming a field that is not its own step's write");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let data = &saga.trigger.data;
    if let Some(c) = &saga.trigger.compensation {
        for field in &c.reads_if_present {
            if !contains(data, &field.value) {
                out.push(report(
                    field,
                    "the trigger's compensation",
                    "the trigger's `data`",
                ));
            }
        }
    }
    for step in &saga.steps {
        let Some(c) = &step.compensation else {
            continue;
        };
        for field in &c.reads_if_present {
            if contains(&step.writes, &field.value) {
                continue;
            }
            let whose = format!("the compensation of `{}`", step.id.value);
            let own = format!("the `writes` of `{}`", step.id.value);
            out.push(report(field, &whose, &own));
        }
    }
    for field in &saga.default_reads_if_present {
        let written = contains(data, &field.value)
            || saga.steps.iter().any(|s| contains(&s.writes, &field.value));
        if !written {
            out.push(report(
                field,
                "`compensation_defaults`",
                "any step's `writes`",
            ));
        }
    }
}

fn contains(fields: &[Spanned<String>], name: &str) -> bool {
    fields.iter().any(|f| f.value == name)
}

fn report(field: &Spanned<String>, reader: &str, own: &str) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        field.span,
        format!(
            "{reader} lists `{}` in `reads_if_present`, but it is not in {own}",
            field.value
        ),
    )
    .label("not its own step's write")
    .help(format!(
        "`reads_if_present` is for the fields its step returns when it answers: move `{}` to \
         `reads` if it is known before the step runs, or add it to the step's `writes`",
        field.value
    ))
}
