//! Every shipped spec validates against `sagac schema`, and the schema rejects what the
//! checker rejects structurally (unknown keys, wrong types).

use std::path::Path;

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&sagac::syntax::json_schema()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

fn yaml_to_json(text: &str) -> serde_json::Value {
    serde_saphyr::from_str(text).expect("spec parses as YAML")
}

#[test]
fn every_shipped_spec_validates() {
    let v = validator();
    for path in sagac::load::discover(Path::new("specs")).unwrap() {
        let json = yaml_to_json(&std::fs::read_to_string(&path).unwrap());
        let errors: Vec<String> = v
            .iter_errors(&json)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

#[test]
fn schema_rejects_unknown_keys_and_wrong_types() {
    let v = validator();
    let good = yaml_to_json(&std::fs::read_to_string("specs/order-orchestration.yaml").unwrap());
    let mut typo = good.clone();
    typo["steps"][0]["compensaton"] = "ReleaseInventory".into();
    assert!(!v.is_valid(&typo));
    let mut wrong = good.clone();
    wrong["coordination"] = "orchestrated".into();
    assert!(!v.is_valid(&wrong));
    let mut missing = good;
    missing.as_object_mut().unwrap().remove("trigger");
    assert!(!v.is_valid(&missing));
}
