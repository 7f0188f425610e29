use sagac::check::{self, Checked};
use sagac::diagram::markdown::{self, Section};
use sagac::diagram::{self, Kind, Path as DiagramPath, flowchart, state};
use sagac::model::Saga;
use sagac::source::display_path;

use super::{Exit, check_spec, eprint_diagnostics, fail, refuse_unsupported, write_product};
use crate::cli::DiagramArgs;

pub fn run(args: &DiagramArgs) -> Exit {
    let checked = match check_spec(&args.spec, &check::Options::default()) {
        Ok(checked) => checked,
        Err(exit) => return exit,
    };
    let Some(saga) = checked.model() else {
        return unresolved(&checked, args);
    };
    let drawn = if saga.resources.any() || args.resource.is_some() {
        super::diagram_isolation::draw(&checked, saga, args)
    } else if let Some(exit) = refuse_unsupported(&checked, saga, "diagram") {
        return exit;
    } else {
        draw(saga, args)
    };
    let sections = match drawn {
        Ok(sections) => sections,
        Err(exit) => return exit,
    };
    let errors = checked.counts().errors;
    if errors > 0 {
        eprintln!(
            "warning: {} has {} (see `sagac check`); the diagram shows what the saga as written does",
            display_path(&args.spec),
            if errors == 1 {
                "1 error".to_owned()
            } else {
                format!("{errors} errors")
            }
        );
    }
    let text = if args.markdown {
        markdown::document(&markdown::saga_title(saga), &sections)
    } else {
        markdown::plain(&sections)
    };
    match (
        write_product(args.output.as_deref(), text.as_bytes()),
        &args.output,
    ) {
        (Ok(()), _) => Exit::Clean,
        (Err(e), Some(path)) => fail(format!("writing {}: {e}", display_path(path))),
        (Err(e), None) => fail(format!("writing the diagram: {e}")),
    }
}

/// The most steps `--path every` draws one diagram per scenario for. There are several
/// scenarios per step and each diagram is as long as the saga, so the output grows with
/// the square of the steps: at 200 steps it is already hundreds of diagrams, each beyond
/// the 50,000 characters Mermaid draws by default. The combined diagram, the state
/// machine, one path and the flowchart have no limit: they grow with the steps.
const MAX_STEPS_FOR_EVERY_PATH: usize = 200;

/// The diagrams the arguments ask for; a usage error is printed and returned as `Err`.
pub(super) fn draw(saga: &Saga, args: &DiagramArgs) -> Result<Vec<Section>, Exit> {
    if args.kind != Kind::Sequence && args.path.is_some() {
        return Err(fail(
            "--path chooses the runs of a sequence diagram; it does not apply to --kind flowchart or state",
        ));
    }
    let all_paths = match args.kind {
        Kind::Sequence => matches!(args.path.as_deref(), None | Some("all")),
        Kind::State => true,
        Kind::Flowchart => false,
    };
    let compensations = diagram::compensations_to_run(saga);
    if all_paths && compensations > diagram::MAX_COMPENSATIONS {
        return Err(fail(format!(
            "{} has {} steps whose failure paths run about {compensations} compensations in all, past the {} a diagram of every failure path is drawn for (memory grows with them); draw one path (`--path happy`, `--path fail:<step>`) or `--kind flowchart`",
            saga.name.value,
            saga.steps.len(),
            diagram::MAX_COMPENSATIONS
        )));
    }
    let every_path = args.kind == Kind::Sequence && args.path.as_deref() == Some("every");
    if every_path && saga.steps.len() > MAX_STEPS_FOR_EVERY_PATH {
        return Err(fail(format!(
            "{} has {} steps: `--path every` draws one diagram per scenario, which grows with the square of the steps, for at most {MAX_STEPS_FOR_EVERY_PATH}; draw them all in one (`--path all`, the default), one path (`--path happy`, `--path fail:<step>`), or `--kind state`",
            saga.name.value,
            saga.steps.len()
        )));
    }
    match args.kind {
        Kind::Sequence => {
            let name = args.path.as_deref().unwrap_or("all");
            let Some(path) = diagram::parse_path(saga, name) else {
                return Err(fail(format!(
                    "`{name}` names no path of {}; --path takes: {} (combine faults with `+`)",
                    saga.name.value,
                    diagram::path_names(saga).join(", ")
                )));
            };
            Ok(diagram::sequence_diagrams(saga, &path, args.markdown)
                .into_iter()
                .map(|(title, scenario, d)| Section {
                    title,
                    code: path != DiagramPath::All,
                    summary: scenario
                        .as_ref()
                        .map(|s| markdown::scenario_summary(saga, s)),
                    diagram: d.text,
                })
                .collect())
        }
        Kind::Flowchart => Ok(vec![Section {
            title: "flowchart".to_owned(),
            code: false,
            summary: None,
            diagram: flowchart::render(saga),
        }]),
        Kind::State => match state::render(saga) {
            Some(text) => Ok(vec![Section {
                title: "state machine".to_owned(),
                code: false,
                summary: None,
                diagram: text,
            }]),
            None => Err(fail(format!(
                "{} is a choreography: it has no orchestrator, so there is no state machine to draw; try --kind flowchart, or a sequence diagram",
                saga.name.value
            ))),
        },
    }
}

/// A spec whose model does not resolve cannot be drawn: its diagnostics go to standard
/// error (standard output may be the diagram's file), and nothing is written (exit 1).
fn unresolved(checked: &Checked, args: &DiagramArgs) -> Exit {
    eprint_diagnostics(checked, args.color);
    eprintln!(
        "error: {} cannot be drawn until the errors above are fixed (syntax and reference errors block the model)",
        display_path(&args.spec)
    );
    Exit::Findings
}
