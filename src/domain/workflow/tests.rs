use std::collections::{BTreeSet, VecDeque};
use std::path::Path;

use proptest::prelude::*;

use super::*;

fn grant() -> Workflow {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("workflows/grant.toml");
    load_file(&path).unwrap_or_else(|e| panic!("{e:?}"))
}

fn errors_of(src: &str) -> Vec<String> {
    load_str(Path::new("w.toml"), src).unwrap_err().iter().map(ToString::to_string).collect()
}

const SMALL: &str = r#"
name = "small"
initial = "a"
states = ["a", "b", "c"]
terminal = ["c"]

[[transitions]]
event = "go"
from = ["a"]
to = "b"
roles = ["applicant"]
guards = ["application_complete"]
effects = ["stamp_submitted"]

[[transitions]]
event = "end"
from = ["b"]
to = "c"
roles = ["program_officer"]
"#;

#[test]
fn the_small_workflow_loads() {
    let w = load_str(Path::new("w.toml"), SMALL).unwrap();
    assert_eq!(w.transitions.len(), 2);
}

#[test]
fn fire_moves_along_the_graph_and_reports_effects() {
    let w = grant();
    let step = w.fire("draft", "submit", Role::Applicant, |_, _| true).unwrap();
    assert_eq!(step.to, "submitted");
    assert_eq!(step.effects, &[Effect::StampSubmitted]);
}

#[test]
fn an_event_not_allowed_from_the_state_names_the_allowed_events() {
    let w = grant();
    let err = w.fire("draft", "approve", Role::Applicant, |_, _| true).unwrap_err();
    assert_eq!(
        err,
        FireError::NotAllowed {
            state: "draft".into(),
            event: "approve".into(),
            allowed: vec!["submit".into(), "withdraw".into()]
        }
    );
    assert!(err.to_string().contains("allowed: submit, withdraw"), "{err}");
}

#[test]
fn the_wrong_role_is_refused_with_the_roles_that_may() {
    let w = grant();
    let err = w.fire("decision", "approve", Role::Applicant, |_, _| true).unwrap_err();
    assert_eq!(
        err,
        FireError::RoleNotPermitted {
            role: Role::Applicant,
            event: "approve".into(),
            roles: vec![Role::ProgramOfficer]
        }
    );
}

#[test]
fn a_failing_guard_is_named() {
    let w = grant();
    let err = w.fire("draft", "submit", Role::Applicant, |_, _| false).unwrap_err();
    assert_eq!(err, FireError::GuardFailed { event: "submit".into(), failed: vec![Guard::ApplicationComplete] });
}

#[test]
fn the_answer_to_a_request_for_information_returns_to_the_queue_it_came_from() {
    let w = grant();
    for previous in ["screening", "in_review", "decision"] {
        let step = w
            .fire("more_info", "provide_info", Role::Applicant, |g, to| match g {
                Guard::ReturnsToPrevious => to == previous,
                _ => true,
            })
            .unwrap();
        assert_eq!(step.to, previous);
    }
}

#[test]
fn terminal_and_editable_states() {
    let w = grant();
    for s in ["closed", "declined", "withdrawn", "cancelled"] {
        assert!(w.is_terminal(s));
        assert!(w.allowed_events(s, Role::Admin).is_empty());
    }
    assert!(w.is_editable("draft"));
    assert!(!w.is_editable("submitted"));
}

/// Walks from the initial state to each transition's source, firing only declared transitions with only
/// the guards they need, then fires the transition itself: every declared transition is reachable and
/// does what the file says.
#[test]
fn every_declared_transition_is_exercised() {
    let w = grant();
    let mut exercised = BTreeSet::new();
    for target in &w.transitions {
        let path = path_to(&w, &target.from).unwrap_or_else(|| panic!("no path to {}", target.from));
        let mut state = w.initial.clone();
        for t in path.iter().chain(std::iter::once(&target)) {
            let role = t.roles[0];
            let step = w.fire(&state, &t.event, role, |g, to| t.guards.contains(&g) && to == t.to).unwrap();
            assert_eq!((step.from, step.to), (t.from.as_str(), t.to.as_str()), "{}", t.event);
            state = step.to.to_string();
        }
        exercised.insert((target.event.clone(), target.from.clone(), target.to.clone()));
    }
    assert_eq!(exercised.len(), w.transitions.len());
}

fn path_to<'w>(w: &'w Workflow, goal: &str) -> Option<Vec<&'w Transition>> {
    let mut queue = VecDeque::from([(w.initial.as_str(), Vec::new())]);
    let mut seen = BTreeSet::from([w.initial.as_str()]);
    while let Some((state, path)) = queue.pop_front() {
        if state == goal {
            return Some(path);
        }
        for t in w.transitions.iter().filter(|t| t.from == state) {
            if seen.insert(t.to.as_str()) {
                let mut next = path.clone();
                next.push(t);
                queue.push_back((t.to.as_str(), next));
            }
        }
    }
    None
}

proptest! {
    /// Random events, roles and guard outcomes never leave the declared graph: a success is always a
    /// declared transition the role may fire with its guards true, a refusal never moves the state.
    #[test]
    fn random_event_sequences_never_leave_the_declared_graph(
        steps in proptest::collection::vec((0usize..20, 0usize..Role::ALL.len(), any::<u8>()), 1..60)
    ) {
        let w = grant();
        let mut events: Vec<String> = w.transitions.iter().map(|t| t.event.clone()).collect();
        events.dedup();
        events.push("no_such_event".into());
        let mut state = w.initial.clone();
        for (e, r, bits) in steps {
            let event = &events[e % events.len()];
            let role = Role::ALL[r];
            let holds = |g: Guard, _: &str| bits & (1 << (g as u8)) != 0;
            // A refusal leaves `state` as it was; a success must be a declared transition.
            if let Ok(step) = w.fire(&state, event, role, holds) {
                let declared = w.transitions.iter().any(|t| {
                    t.from == state && t.event == *event && t.to == step.to && t.roles.contains(&role)
                        && t.guards.iter().all(|g| holds(*g, &t.to))
                });
                prop_assert!(declared, "{state} --{event}/{role}--> {}", step.to);
                state = step.to.to_string();
            }
            prop_assert!(w.has_state(&state));
            if w.is_terminal(&state) {
                prop_assert!(w.allowed_events(&state, role).is_empty());
            }
        }
    }
}

#[test]
fn load_rejects_unknown_guards_effects_and_roles_with_their_lines() {
    let src = SMALL
        .replace("\"application_complete\"", "\"is_nice\"")
        .replace("\"stamp_submitted\"", "\"send_flowers\"")
        .replace("\"program_officer\"", "\"janitor\"");
    let errors = errors_of(&src);
    assert!(errors.iter().any(|e| e.starts_with("w.toml:12: unknown guard 'is_nice'")), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("w.toml:13: unknown effect 'send_flowers'")), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("w.toml:19: unknown role 'janitor'")), "{errors:?}");
}

#[test]
fn load_rejects_unreachable_states_and_dead_ends() {
    let src = SMALL.replace(r#"states = ["a", "b", "c"]"#, r#"states = ["a", "b", "c", "lost"]"#);
    let errors = errors_of(&src);
    assert!(errors.contains(&"w.toml:4: state 'lost' cannot be reached from 'a'".to_string()), "{errors:?}");
    assert!(
        errors.contains(&"w.toml:4: state 'lost' is not terminal but no transition leaves it".to_string()),
        "{errors:?}"
    );
}

#[test]
fn load_rejects_transitions_out_of_terminal_states() {
    let src =
        format!("{SMALL}\n[[transitions]]\nevent = \"revive\"\nfrom = [\"c\"]\nto = \"a\"\nroles = [\"admin\"]\n");
    let errors = errors_of(&src);
    assert_eq!(errors, vec!["w.toml:23: transition 'revive' leaves terminal state 'c'".to_string()]);
}

#[test]
fn load_rejects_duplicates() {
    let src = format!("{SMALL}\n[[transitions]]\nevent = \"end\"\nfrom = [\"b\"]\nto = \"a\"\nroles = [\"admin\"]\n");
    let errors = errors_of(&src);
    assert_eq!(
        errors,
        vec!["w.toml:23: duplicate transition: 'end' from 'b' is already declared with the same guards".to_string()]
    );
    let src = SMALL.replace(r#"states = ["a", "b", "c"]"#, r#"states = ["a", "b", "c", "b"]"#);
    assert!(errors_of(&src).contains(&"w.toml:4: state 'b' is declared twice".to_string()));
}

#[test]
fn load_reports_syntax_errors_unknown_fields_and_unknown_states_with_lines() {
    let errors = errors_of(&SMALL.replace("to = \"b\"", "to = \"b"));
    assert!(errors[0].starts_with("w.toml:10: "), "{errors:?}");
    let errors = errors_of(&SMALL.replace("to = \"b\"", "to = \"b\"\ncolour = \"red\""));
    assert!(errors[0].starts_with("w.toml:11: ") && errors[0].contains("colour"), "{errors:?}");
    let errors = errors_of(&SMALL.replace("to = \"c\"", "to = \"z\""));
    assert!(errors.contains(&"w.toml:18: target state 'z' is not a declared state".to_string()), "{errors:?}");
}

#[test]
fn the_diagram_is_mermaid_with_every_transition() {
    let w = grant();
    let d = w.mermaid();
    assert!(d.contains("stateDiagram-v2"));
    assert!(d.contains("[*] --> draft"));
    assert!(d.contains("draft --> submitted : submit (applicant)"));
    assert!(d.contains("closed --> [*]"));
    for t in &w.transitions {
        assert!(d.contains(&format!("{} --> {} : ", t.from, t.to)), "{t:?}");
    }
}

/// The names the code relies on come from the file: each use and queue a grant workflow needs, naming
/// only what the file declares; `then` only an event octroi may fire next; any other use or queue is a
/// typo. Each refusal names its line.
#[test]
fn the_grant_workflow_declares_what_the_code_uses() {
    let w = grant();
    assert_eq!(w.event(GrantUse::CompleteReviews), "complete_reviews");
    assert_eq!(w.event(GrantUse::Answer), "provide_info");
    assert_eq!(w.queue(Queue::Review), ["in_review".to_string()]);
    assert_eq!(w.queue(Queue::Screening), ["submitted".to_string(), "screening".to_string()]);
    assert!(w.reason_required("decline") && w.reason_required("request_info") && !w.reason_required("approve"));
    assert!(w.announces("award") && !w.announces("begin_screening"));
    let accept = w.fire("awarded", "accept", Role::Applicant, |_, _| true).unwrap();
    assert_eq!(accept.then, Some("activate"));

    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("workflows/grant.toml")).unwrap();
    let line_of = |text: &str, start: &str| 1 + text.lines().position(|l| l.starts_with(start)).unwrap();
    let errors = errors_of(&text.replace("approve = \"approve\"", "aprove = \"approve\""));
    let line = line_of(&text, "approve = ");
    assert!(errors.iter().any(|e| e.starts_with(&format!("w.toml:{line}: unknown use 'aprove'"))), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("[uses] lacks 'approve'")), "{errors:?}");
    let broken = text.replace("then = \"activate\"", "then = \"close\"");
    let errors = errors_of(&broken);
    let line = line_of(&broken, "then = ");
    assert_eq!(
        errors,
        [format!("w.toml:{line}: then 'close': no transition lets octroi (system) fire it from 'accepted'")]
    );
    let broken = text.replace("review = [\"in_review\"]", "review = [\"in_reveiw\"]");
    let errors = errors_of(&broken);
    assert!(errors.iter().any(|e| e.contains("queue 'review' 'in_reveiw' is not a declared state")), "{errors:?}");
    let errors = errors_of(&text.replace("waiting = ", "wating = "));
    assert!(errors.iter().any(|e| e.contains("unknown queue 'wating'")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("[queues] lacks 'waiting'")), "{errors:?}");
}

/// A kind of record has its own guards and effects: a workflow of another kind naming a grant's effect
/// is refused with the line, as a typo would be.
#[test]
fn a_workflow_names_only_the_guards_and_effects_of_its_kind() {
    let plain = SMALL.replace("name = \"small\"", "name = \"plain\"");
    let errors = errors_of(&plain);
    assert!(
        errors.contains(&"w.toml:12: guard 'application_complete' is not one a plain record has".to_string()),
        "{errors:?}"
    );
    assert!(
        errors.contains(&"w.toml:13: effect 'stamp_submitted' is not one a plain record has".to_string()),
        "{errors:?}"
    );
    assert!(load_str(Path::new("w.toml"), SMALL).is_ok(), "a kind octroi has no code for is not restricted");
}
