use sagac::rules;

use super::{Exit, fail};
use crate::cli::ExplainArgs;

pub fn run(args: &ExplainArgs) -> Exit {
    let Some(query) = &args.rule else {
        let mut category = "";
        for rule in rules::all() {
            if rule.category() != category {
                category = rule.category();
                println!("{}{category}:", if category.is_empty() { "" } else { "\n" });
            }
            println!(
                "  {}  {:<34} {:<8} {}",
                rule.code,
                rule.name,
                rule.severity.as_str(),
                rule.summary
            );
        }
        println!("\n`sagac explain CODE` prints a rule's documentation.");
        return Exit::Clean;
    };
    match rules::find(query) {
        Some(rule) => {
            println!(
                "# {} {} ({})\n",
                rule.code,
                rule.name,
                rule.severity.as_str()
            );
            println!("{}\n", rule.summary);
            print!("{}", rule.documentation());
            Exit::Clean
        }
        None => fail(format!("no rule `{query}`; `sagac explain` lists them all")),
    }
}
