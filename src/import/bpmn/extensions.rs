//! What the engines' extension attributes say about a task: who runs it (Camunda 7's
//! `topic`, `class`, `delegateExpression`; Zeebe's `taskDefinition type`; Flowable's
//! `class`, `delegateExpression`), how often it is retried (Camunda 7 and Flowable's
//! `failedJobRetryTimeCycle` `R5/PT1M`, Zeebe's `retries`), and timer durations (ISO 8601).

use roxmltree::Node as XmlNode;

use crate::import::draft::{Retry, participant_name, seconds, snake};
use crate::source::{Span, Spanned};
use crate::syntax::{Backoff, MaxAttempts};

/// An attribute in an engine's namespace (any prefix) by its local name.
fn engine_attribute<'a>(node: XmlNode<'a, '_>, local: &str) -> Option<(&'a str, Span)> {
    node.attributes()
        .find(|a| a.name() == local && a.namespace().is_some())
        .map(|a| {
            let r = a.range_value();
            (a.value(), Span::new(r.start, r.end))
        })
}

/// The extension elements under a task with this local name (`taskDefinition`).
fn extension<'a, 'i>(node: XmlNode<'a, 'i>, local: &str) -> Option<XmlNode<'a, 'i>> {
    node.descendants().find(|n| n.tag_name().name() == local)
}

/// Who runs a task: the worker's topic or type, the delegate's class, else the task's name.
pub fn participant(task: XmlNode<'_, '_>, fallback: &str, span: Span) -> Spanned<String> {
    if let Some(def) = extension(task, "taskDefinition")
        && let Some(kind) = def.attribute("type")
    {
        return Spanned::new(participant_name(kind), span);
    }
    for key in ["topic", "delegateExpression", "class", "expression", "type"] {
        if let Some((value, _)) = engine_attribute(task, key) {
            let name = value
                .trim_start_matches("${")
                .trim_end_matches('}')
                .rsplit('.')
                .next()
                .unwrap_or(value);
            let name = name.strip_suffix("Delegate").unwrap_or(name);
            return Spanned::new(participant_name(name), span);
        }
    }
    Spanned::new(participant_name(&snake(fallback, "service")), span)
}

/// A task's retries: Zeebe's `retries` (attempts in all), or a retry time cycle `R5/PT1M`
/// (five retries, one minute apart).
pub fn retry(task: XmlNode<'_, '_>) -> Option<Retry> {
    if let Some(def) = extension(task, "taskDefinition")
        && let Some(a) = def.attribute_node("retries")
    {
        let attempts: u64 = a.value().trim().parse().ok()?;
        let r = a.range_value();
        return (attempts > 1).then(|| Retry {
            max_attempts: Spanned::new(MaxAttempts::Limited(attempts), Span::new(r.start, r.end)),
            backoff: None,
            initial: None,
            max: None,
        });
    }
    let (cycle, span) = extension(task, "failedJobRetryTimeCycle")
        .and_then(|n| {
            let text = n.text()?;
            let r = n.range();
            Some((text, Span::new(r.start, r.end)))
        })
        .or_else(|| engine_attribute(task, "failedJobRetryTimeCycle"))?;
    let (count, interval) = cycle.trim().strip_prefix('R')?.split_once('/')?;
    let retries: u64 = count.parse().ok()?;
    Some(Retry {
        max_attempts: Spanned::new(MaxAttempts::Limited(retries + 1), span),
        backoff: Some(Spanned::new(Backoff::Fixed, span)),
        initial: iso_seconds(interval).map(|s| Spanned::new(seconds(s), span)),
        max: None,
    })
}

/// An ISO 8601 duration (`PT30S`, `P1DT2H`, `PT1.5S`) in seconds.
pub fn iso_seconds(text: &str) -> Option<f64> {
    let rest = text.trim().strip_prefix('P')?;
    let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
    let mut total = 0.0;
    let mut read = |part: &str, units: &[(char, f64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
            } else {
                let (_, factor) = units.iter().find(|(u, _)| *u == c)?;
                total += number.parse::<f64>().ok()? * factor;
                number.clear();
            }
        }
        number.is_empty().then_some(())
    };
    read(
        date,
        &[
            ('Y', 31_536_000.0),
            ('M', 2_592_000.0),
            ('W', 604_800.0),
            ('D', 86_400.0),
        ],
    )?;
    read(time, &[('H', 3600.0), ('M', 60.0), ('S', 1.0)])?;
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::iso_seconds;

    #[test]
    fn iso_durations() {
        assert_eq!(iso_seconds("PT30S"), Some(30.0));
        assert_eq!(iso_seconds("P1DT1H"), Some(90_000.0));
        assert_eq!(iso_seconds("PT1.5S"), Some(1.5));
        assert_eq!(iso_seconds("30s"), None);
    }
}
