use sagac::grade::assignments;
use sagac::grade::result::points;

use super::{Exit, fail};
use crate::cli::AssignmentsArgs;

pub fn run(args: &AssignmentsArgs) -> Exit {
    if let Some(id) = &args.assignment {
        return match assignments::find(id) {
            Some(a) => {
                print!("{}", a.rubric);
                Exit::Clean
            }
            None => fail(unknown(id)),
        };
    }
    for a in assignments::ALL {
        let rubric = match a.load() {
            Ok(r) => r,
            Err(e) => return fail(e),
        };
        println!(
            "{}  {} ({} criteria, {} points)",
            a.id,
            rubric.def.title,
            rubric.def.criteria.len(),
            points(rubric.max_score())
        );
        if let Some(d) = &rubric.def.description {
            for line in wrap(d, 88) {
                println!("    {line}");
            }
        }
    }
    println!(
        "\nGrade with `sagac grade SUBMISSION --assignment ID`; print a rubric with `sagac assignments ID`."
    );
    Exit::Clean
}

pub fn unknown(id: &str) -> String {
    let ids: Vec<&str> = assignments::ALL.iter().map(|a| a.id).collect();
    format!(
        "`{id}` is no built-in assignment (built in: {})",
        ids.join(", ")
    )
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
