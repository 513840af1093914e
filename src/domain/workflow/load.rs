//! Reading and validating workflow files. Every problem is reported with its file and line, all at once,
//! so that `octroi workflow check` gives a complete list and `serve` refuses to start on any of them.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{Effect, Guard, Role, Transition, Workflow, Workflows};

/// One problem in one workflow file, printed as `file:line: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkflow {
    name: Spanned<String>,
    initial: Spanned<String>,
    states: Vec<Spanned<String>>,
    terminal: Vec<Spanned<String>>,
    #[serde(default)]
    editable: Vec<Spanned<String>>,
    #[serde(default, rename = "transitions")]
    transitions: Vec<Spanned<RawTransition>>,
    #[serde(default)]
    uses: Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    #[serde(default)]
    queues: Option<Spanned<BTreeMap<String, Vec<Spanned<String>>>>>,
    #[serde(default)]
    decisions: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTransition {
    event: Spanned<String>,
    from: Vec<Spanned<String>>,
    to: Spanned<String>,
    roles: Vec<Spanned<String>>,
    #[serde(default)]
    guards: Vec<Spanned<String>>,
    #[serde(default)]
    effects: Vec<Spanned<String>>,
    #[serde(default)]
    reason_required: bool,
    #[serde(default)]
    announce: bool,
    #[serde(default)]
    then: Option<Spanned<String>>,
}

struct Checker<'a> {
    file: &'a Path,
    src: &'a str,
    errors: Vec<LoadError>,
}

impl Checker<'_> {
    fn at(&mut self, offset: usize, message: impl Into<String>) {
        let line = self.src[..offset.min(self.src.len())].matches('\n').count() + 1;
        self.errors.push(LoadError { file: self.file.to_path_buf(), line, message: message.into() });
    }

    fn state<'s>(&mut self, states: &BTreeSet<&str>, s: &'s Spanned<String>, what: &str) -> Option<&'s str> {
        if states.contains(s.get_ref().as_str()) {
            Some(s.get_ref())
        } else {
            self.at(s.span().start, format!("{what} '{}' is not a declared state", s.get_ref()));
            None
        }
    }

    /// Parses each name against a closed set, reporting the unknown ones.
    fn names<T>(
        &mut self,
        items: &[Spanned<String>],
        what: &str,
        parse: fn(&str) -> Option<T>,
        known: &[&str],
    ) -> Vec<T> {
        let mut out = Vec::new();
        for item in items {
            match parse(item.get_ref()) {
                Some(v) => out.push(v),
                None => self
                    .at(item.span().start, format!("unknown {what} '{}'; known: {}", item.get_ref(), known.join(", "))),
            }
        }
        out
    }
}

fn names_of<T: Copy>(all: &[T], f: fn(&T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(f).collect()
}

/// Validates one workflow's text; `file` only labels the errors.
pub fn load_str(file: &Path, src: &str) -> Result<Workflow, Vec<LoadError>> {
    let mut c = Checker { file, src, errors: Vec::new() };
    let raw: RawWorkflow = match toml::from_str(src) {
        Ok(raw) => raw,
        Err(e) => {
            c.at(e.span().map(|s| s.start).unwrap_or(0), e.message().trim().to_string());
            return Err(c.errors);
        }
    };

    let mut states: BTreeSet<&str> = BTreeSet::new();
    for s in &raw.states {
        if s.get_ref().trim().is_empty() {
            c.at(s.span().start, "a state needs a name");
        } else if !states.insert(s.get_ref()) {
            c.at(s.span().start, format!("state '{}' is declared twice", s.get_ref()));
        }
    }
    if raw.states.is_empty() {
        c.at(0, "the workflow declares no states");
    }
    let initial = c.state(&states, &raw.initial, "initial state");
    let terminal: BTreeSet<String> =
        raw.terminal.iter().filter_map(|s| c.state(&states, s, "terminal state")).map(String::from).collect();
    let editable: BTreeSet<String> =
        raw.editable.iter().filter_map(|s| c.state(&states, s, "editable state")).map(String::from).collect();
    if raw.name.get_ref().trim().is_empty() {
        c.at(raw.name.span().start, "the workflow needs a name");
    }

    let role_names = names_of(Role::ALL, Role::as_str);
    let guard_names = names_of(Guard::ALL, Guard::as_str);
    let effect_names = names_of(Effect::ALL, Effect::as_str);
    // A kind of record has its own guards and effects: a purchase's workflow cannot name a grant's.
    let kind = raw.name.get_ref().as_str();
    let (kind_guards, kind_effects) = super::kind_has(kind).unwrap_or((Guard::ALL, Effect::ALL));
    let mut transitions = Vec::new();
    let mut seen: HashMap<(String, String, Vec<Guard>, Option<String>), usize> = HashMap::new();
    for spanned in &raw.transitions {
        let t = spanned.get_ref();
        let line_start = spanned.span().start;
        let event = t.event.get_ref().trim().to_string();
        if event.is_empty() {
            c.at(t.event.span().start, "a transition needs an event name");
        }
        let to = c.state(&states, &t.to, "target state");
        let roles = c.names(&t.roles, "role", Role::parse, &role_names);
        if t.roles.is_empty() {
            c.at(line_start, format!("transition '{event}' names no role allowed to fire it"));
        }
        let mut guards = c.names(&t.guards, "guard", Guard::parse, &guard_names);
        let effects = c.names(&t.effects, "effect", Effect::parse, &effect_names);
        for g in &t.guards {
            if Guard::parse(g.get_ref()).is_some_and(|g| !kind_guards.contains(&g)) {
                c.at(g.span().start, format!("guard '{}' is not one a {kind} record has", g.get_ref()));
            }
        }
        for e in &t.effects {
            if Effect::parse(e.get_ref()).is_some_and(|e| !kind_effects.contains(&e)) {
                c.at(e.span().start, format!("effect '{}' is not one a {kind} record has", e.get_ref()));
            }
        }
        guards.sort();
        if t.from.is_empty() {
            c.at(line_start, format!("transition '{event}' has no source state"));
        }
        for from in &t.from {
            let Some(from_state) = c.state(&states, from, "source state") else {
                continue;
            };
            if terminal.contains(from_state) {
                c.at(from.span().start, format!("transition '{event}' leaves terminal state '{from_state}'"));
                continue;
            }
            // Transitions that return to the previous state differ by their target; others compete.
            let target = guards.contains(&Guard::ReturnsToPrevious).then(|| t.to.get_ref().clone());
            let key = (event.clone(), from_state.to_string(), guards.clone(), target);
            if seen.insert(key, line_start).is_some() {
                c.at(
                    from.span().start,
                    format!(
                        "duplicate transition: '{event}' from '{from_state}' is already declared with the same guards"
                    ),
                );
                continue;
            }
            if let Some(to) = to {
                transitions.push(Transition {
                    event: event.clone(),
                    from: from_state.to_string(),
                    to: to.to_string(),
                    roles: roles.clone(),
                    guards: guards.clone(),
                    effects: effects.clone(),
                    reason_required: t.reason_required,
                    announce: t.announce,
                    then: t.then.as_ref().map(|e| e.get_ref().clone()),
                });
            }
        }
    }

    if let Some(initial) = initial {
        let mut reached: BTreeSet<&str> = BTreeSet::from([initial]);
        let mut queue = VecDeque::from([initial]);
        while let Some(s) = queue.pop_front() {
            for t in transitions.iter().filter(|t| t.from == s) {
                if reached.insert(&t.to) {
                    queue.push_back(&t.to);
                }
            }
        }
        for s in &raw.states {
            let name = s.get_ref().as_str();
            if !reached.contains(name) && states.contains(name) {
                c.at(s.span().start, format!("state '{name}' cannot be reached from '{initial}'"));
            }
        }
    }
    for s in &raw.states {
        let name = s.get_ref().as_str();
        if !terminal.contains(name) && !transitions.iter().any(|t| t.from == name) && states.contains(name) {
            c.at(s.span().start, format!("state '{name}' is not terminal but no transition leaves it"));
        }
    }

    // What octroi does with the events and states, by name: each must name what the file declares.
    let events: BTreeSet<&str> = transitions.iter().map(|t| t.event.as_str()).collect();
    for spanned in &raw.transitions {
        let Some(then) = &spanned.get_ref().then else { continue };
        let to = spanned.get_ref().to.get_ref();
        let follows =
            transitions.iter().any(|t| t.event == *then.get_ref() && t.from == *to && t.roles.contains(&Role::System));
        if !follows {
            let message = format!("then '{}': no transition lets octroi (system) fire it from '{to}'", then.get_ref());
            c.at(then.span().start, message);
        }
    }
    let (needed_uses, needed_queues) = super::needs(raw.name.get_ref());
    let event_ref = |c: &mut Checker, what: &str, e: &Spanned<String>| {
        if !events.contains(e.get_ref().as_str()) {
            c.at(e.span().start, format!("{what} names event '{}', which no transition declares", e.get_ref()));
        }
    };
    let uses_at = raw.uses.as_ref().map(|u| u.span().start).unwrap_or(raw.name.span().start);
    let empty = BTreeMap::new();
    let uses = raw.uses.as_ref().map(|u| u.get_ref()).unwrap_or(&empty);
    for (key, event) in uses {
        if needed_uses.contains(&key.as_str()) {
            event_ref(&mut c, &format!("uses.{key}"), event);
        } else {
            c.at(event.span().start, format!("unknown use '{key}'; known: {}", needed_uses.join(", ")));
        }
    }
    for need in needed_uses.iter().filter(|n| !uses.contains_key(**n)) {
        c.at(uses_at, format!("[uses] lacks '{need}': octroi needs to know which event it is"));
    }
    for d in &raw.decisions {
        event_ref(&mut c, "decisions", d);
    }
    let queues_at = raw.queues.as_ref().map(|q| q.span().start).unwrap_or(raw.name.span().start);
    let no_queues = BTreeMap::new();
    let raw_queues = raw.queues.as_ref().map(|q| q.get_ref()).unwrap_or(&no_queues);
    let mut queues = BTreeMap::new();
    for (key, members) in raw_queues {
        if !needed_queues.contains(&key.as_str()) {
            let at = members.first().map(|m| m.span().start).unwrap_or(queues_at);
            c.at(at, format!("unknown queue '{key}'; known: {}", needed_queues.join(", ")));
        }
        let members: Vec<String> =
            members.iter().filter_map(|m| c.state(&states, m, &format!("queue '{key}'"))).map(String::from).collect();
        queues.insert(key.clone(), members);
    }
    for need in needed_queues.iter().filter(|n| !raw_queues.contains_key(**n)) {
        c.at(queues_at, format!("[queues] lacks '{need}'"));
    }

    if !c.errors.is_empty() {
        c.errors.sort_by_key(|e| e.line);
        return Err(c.errors);
    }
    Ok(Workflow {
        uses: uses.iter().map(|(k, v)| (k.clone(), v.get_ref().clone())).collect(),
        queues,
        decisions: raw.decisions.iter().map(|d| d.get_ref().clone()).collect(),
        name: raw.name.into_inner(),
        initial: raw.initial.into_inner(),
        states: raw.states.into_iter().map(Spanned::into_inner).collect(),
        terminal,
        editable,
        transitions,
    })
}

pub fn load_file(path: &Path) -> Result<Workflow, Vec<LoadError>> {
    let src = std::fs::read_to_string(path)
        .map_err(|e| vec![LoadError { file: path.to_path_buf(), line: 0, message: format!("cannot read: {e}") }])?;
    load_str(path, &src)
}

/// Loads every `*.toml` in the folder; workflow names must be unique.
pub fn load_dir(dir: &Path) -> Result<Workflows, Vec<LoadError>> {
    let fail = |message: String| vec![LoadError { file: dir.to_path_buf(), line: 0, message }];
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| fail(format!("cannot read the workflow folder: {e}")))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(fail("no workflow files (*.toml) in this folder".into()));
    }
    let mut workflows = Workflows::new();
    let mut errors = Vec::new();
    for path in paths {
        match load_file(&path) {
            Ok(w) => {
                if workflows.contains_key(&w.name) {
                    errors.push(LoadError {
                        file: path.clone(),
                        line: 1,
                        message: format!("workflow '{}' is defined twice", w.name),
                    });
                } else {
                    workflows.insert(w.name.clone(), w);
                }
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() { Ok(workflows) } else { Err(errors) }
}
