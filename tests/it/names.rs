//! Names the code relies on come from the workflow file (issue 11, item 4): no Rust string literal in
//! `src/` names a workflow's event or state, outside the workflow module (which declares what the code
//! needs: `GrantUse`, `Queue`) and the few places listed below with their reason.

use crate::common::manifest_dir;

/// Literals that happen to spell a workflow name but belong to another vocabulary.
const ELSEWHERE: &[(&str, &str, &str)] = &[
    ("src/policy/rubric.rs", "approve", "a reviewer's recommendation, stored with the review"),
    ("src/policy/rubric.rs", "decline", "a reviewer's recommendation, stored with the review"),
    ("src/policy/authz.rs", "draft", "the Cedar attribute Grant.draft (policies/octroi.cedarschema)"),
    ("src/web/api/grants.rs", "submit", "an example in the OpenAPI document"),
    ("src/web/api/review.rs", "approve", "an example in the OpenAPI document"),
];

/// The demo builds its program by a scenario written in the workflow's words, as the tests do; a name
/// it uses that the workflow lacks stops `serve --demo` at once with the step that failed.
const SCENARIOS: &[&str] = &["src/demo.rs"];

#[test]
fn no_string_literal_names_a_workflow_event_or_state() {
    let workflows = octroi::domain::workflow::load_dir(&manifest_dir().join("workflows")).unwrap();
    let mut names = std::collections::BTreeSet::new();
    for w in workflows.values() {
        names.extend(w.states.iter().cloned());
        names.extend(w.transitions.iter().map(|t| t.event.clone()));
    }
    assert!(names.contains("complete_reviews") && names.contains("in_review"), "{names:?}");
    let mut found = Vec::new();
    let mut files = Vec::new();
    let mut folders = vec![manifest_dir().join("src")];
    while let Some(dir) = folders.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    for path in files {
        let file = path.strip_prefix(manifest_dir()).unwrap().to_string_lossy().into_owned();
        if file.starts_with("src/domain/workflow/") || SCENARIOS.contains(&file.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // Unit tests, at the end of a file, speak of states as the tests here do.
        for (n, line) in text.lines().enumerate().take_while(|(_, l)| !l.trim_start().starts_with("#[cfg(test)]")) {
            for (i, piece) in line.split('"').enumerate() {
                let allowed = ELSEWHERE.iter().any(|(f, name, _)| *f == file && *name == piece);
                if i % 2 == 1 && names.contains(piece) && !allowed {
                    found.push(format!("{file}:{}: \"{piece}\"", n + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "take these names from the workflow (GrantUse, Queue, [uses]):\n{}", found.join("\n"));
}
