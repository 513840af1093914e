//! The workflow engine: (current state, event, actor's role, guard results) → next state and the effects
//! to apply, or a typed error that says what is allowed. Pure: storage applies the decision and writes its
//! audit row in one transaction; no handler compares or sets a state by hand.
//!
//! Workflows are data (`workflows/*.toml`, read by [`load`]); the names a file may use for roles, guards
//! and effects are the closed sets below, so that a typo stops the start instead of silently allowing or
//! skipping something.

mod load;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

pub use load::{LoadError, load_dir, load_file, load_str};

named_enum!(
    /// Who may fire an event (DESIGN.md, "Who uses it"); `system` is octroi itself.
    Role {
        Applicant = "applicant",
        Reviewer = "reviewer",
        ProgramOfficer = "program_officer",
        Finance = "finance",
        Coach = "coach",
        Admin = "admin",
        System = "system",
    }
);

named_enum!(
    /// Conditions a transition may require; the caller evaluates them against the record.
    Guard {
        ApplicationComplete = "application_complete",
        /// The transition goes back to the state the record came from (the answer to a request for
        /// information returns the application to its queue).
        ReturnsToPrevious = "returns_to_previous",
        ReviewsComplete = "reviews_complete",
        /// The purchase's grant is active (the bourse may be spent).
        GrantActive = "grant_active",
        /// The purchase names its vendor, has lines and the quotes the program asks for.
        PurchaseComplete = "purchase_complete",
        /// An invoice is recorded on the purchase (its approval goes back to verification).
        InvoiceRecorded = "invoice_recorded",
        /// The purchase was ordered before it was amended.
        AlreadyOrdered = "already_ordered",
        /// Every line is received in full, this receipt included.
        FullyReceived = "fully_received",
        /// The invoice is within the program's tolerance of the approved cost, and its reverse.
        WithinTolerance = "within_tolerance",
        OverTolerance = "over_tolerance",
        /// A credit note of the purchase was confirmed before the one being decided, and its reverse.
        ReturnedBefore = "returned_before",
        FirstReturn = "first_return",
        /// The organism owes the program a confirmed credit note not yet settled, and its reverse.
        ReturnOwed = "return_owed",
        NothingOwed = "nothing_owed",
    }
);

named_enum!(
    /// Follow-up work storage performs in the same transaction as the state change.
    Effect {
        StampSubmitted = "stamp_submitted",
        StampDecided = "stamp_decided",
        StampClosed = "stamp_closed",
        RecordProposal = "record_proposal",
        CommitAward = "commit_award",
        ReleaseFunds = "release_funds",
        RecordAcceptance = "record_acceptance",
        PlaceHold = "place_hold",
        LiftHold = "lift_hold",
        StampOrdered = "stamp_ordered",
        RecordReceipt = "record_receipt",
        RecordInvoice = "record_invoice",
        /// Marks the payment run's line the event answers (the bank paid it, or refused it): paying and
        /// its failure happen only through a run's line.
        AnswerRunLine = "answer_run_line",
        Pay = "pay",
        RecordReturn = "record_return",
        ConfirmReturn = "confirm_return",
        SetReturnAside = "set_return_aside",
        SettleReturn = "settle_return",
        SetInvoiceAside = "set_invoice_aside",
    }
);

impl Effect {
    /// Whether the effect applies an input the event carries (a typed command): the proposal, the
    /// award, the signature.
    pub fn takes_command(&self) -> bool {
        matches!(
            self,
            Effect::RecordProposal
                | Effect::CommitAward
                | Effect::RecordAcceptance
                | Effect::RecordReceipt
                | Effect::RecordInvoice
                | Effect::RecordReturn
                | Effect::AnswerRunLine
        )
    }
}

const GRANT_GUARDS: &[Guard] = &[Guard::ApplicationComplete, Guard::ReturnsToPrevious, Guard::ReviewsComplete];
const GRANT_EFFECTS: &[Effect] = &[
    Effect::StampSubmitted,
    Effect::StampDecided,
    Effect::StampClosed,
    Effect::RecordProposal,
    Effect::CommitAward,
    Effect::ReleaseFunds,
    Effect::RecordAcceptance,
];
const PURCHASE_GUARDS: &[Guard] = &[
    Guard::GrantActive,
    Guard::PurchaseComplete,
    Guard::InvoiceRecorded,
    Guard::AlreadyOrdered,
    Guard::FullyReceived,
    Guard::WithinTolerance,
    Guard::OverTolerance,
    Guard::ReturnedBefore,
    Guard::FirstReturn,
    Guard::ReturnOwed,
    Guard::NothingOwed,
];
const PURCHASE_EFFECTS: &[Effect] = &[
    Effect::PlaceHold,
    Effect::LiftHold,
    Effect::StampOrdered,
    Effect::RecordReceipt,
    Effect::RecordInvoice,
    Effect::AnswerRunLine,
    Effect::Pay,
    Effect::RecordReturn,
    Effect::ConfirmReturn,
    Effect::SetReturnAside,
    Effect::SettleReturn,
    Effect::SetInvoiceAside,
];

/// The guards and effects a kind of record has: a workflow file of that kind may name only these. `None`
/// for a kind octroi has no code for (the engine's own tests).
pub fn kind_has(workflow: &str) -> Option<(&'static [Guard], &'static [Effect])> {
    match workflow {
        "grant" => Some((GRANT_GUARDS, GRANT_EFFECTS)),
        "purchase" => Some((PURCHASE_GUARDS, PURCHASE_EFFECTS)),
        // A kind with no guards or effects, for the loader's tests.
        #[cfg(test)]
        "plain" => Some((&[], &[])),
        _ => None,
    }
}

named_enum!(
    /// What octroi's code does with a grant workflow's events, each mapped to an event of the file in its
    /// `[uses]` table: the names the code relies on come from the file, and a file that lacks one (or maps
    /// it to an event it does not declare) is refused at start with its line.
    GrantUse {
        Submit = "submit",
        Answer = "answer",
        Withdraw = "withdraw",
        BeginScreening = "begin_screening",
        SendToReview = "send_to_review",
        CompleteReviews = "complete_reviews",
        Approve = "approve",
        Award = "award",
        Accept = "accept",
    }
);

named_enum!(
    /// The staff's queues of a grant workflow, each declared with its states in the file's `[queues]`
    /// table. Reviews are accepted in the states of the review queue.
    Queue {
        Screening = "screening",
        Review = "review",
        Decision = "decision",
        Waiting = "waiting",
        Award = "award",
        Acceptance = "acceptance",
        /// Active bourses: the states in which purchases and coaching may spend a grant's bourse.
        Spending = "spending",
    }
);

named_enum!(
    /// What octroi's code does with a purchase workflow's events (see [`GrantUse`]).
    PurchaseUse {
        Submit = "submit",
        BeginReview = "begin_review",
        Approve = "approve",
        RequestChanges = "request_changes",
        Decline = "decline",
        Amend = "amend",
        Withdraw = "withdraw",
        Cancel = "cancel",
        Order = "order",
        Receive = "receive",
        SubmitInvoice = "submit_invoice",
        RefuseInvoice = "refuse_invoice",
        Verify = "verify",
        Pay = "pay",
        FailPayment = "fail_payment",
        RecordReturn = "record_return",
        ConfirmReturn = "confirm_return",
        RefuseReturn = "refuse_return",
        SettleReturn = "settle_return",
        Close = "close",
    }
);

named_enum!(
    /// The staff's queues of a purchase workflow (see [`Queue`]).
    PurchaseQueue { Review = "review", Verify = "verify", Pay = "pay" }
);

/// A name the code gives a use of an event or a queue, declared in the workflow file.
pub trait Declared: Copy + fmt::Display {
    fn name(self) -> &'static str;
}

macro_rules! declared {
    ($($t:ty),+) => {$(impl Declared for $t { fn name(self) -> &'static str { self.as_str() } })+};
}
declared!(GrantUse, PurchaseUse, Queue, PurchaseQueue);

/// The uses and queues the code needs from a workflow of this name (see [`GrantUse`], [`Queue`]).
pub fn needs(workflow: &str) -> (Vec<&'static str>, Vec<&'static str>) {
    fn names<T: Declared>(all: &[T]) -> Vec<&'static str> {
        all.iter().map(|x| x.name()).collect()
    }
    match workflow {
        "grant" => (names(GrantUse::ALL), names(Queue::ALL)),
        "purchase" => (names(PurchaseUse::ALL), names(PurchaseQueue::ALL)),
        _ => (Vec::new(), Vec::new()),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub event: String,
    pub from: String,
    pub to: String,
    pub roles: Vec<Role>,
    pub guards: Vec<Guard>,
    pub effects: Vec<Effect>,
    /// Whoever fires it must say why: the record's owner reads the reason.
    pub reason_required: bool,
    /// The record's owner is told by e-mail.
    pub announce: bool,
    /// The event octroi fires itself right after, in the same transaction.
    pub then: Option<String>,
}

/// A validated workflow: every state reachable, nothing leaves a terminal state, every non-terminal state
/// has a way out, no two transitions compete for the same (event, state, guards).
#[derive(Debug, Clone)]
pub struct Workflow {
    pub name: String,
    pub initial: String,
    pub states: Vec<String>,
    pub terminal: BTreeSet<String>,
    pub editable: BTreeSet<String>,
    pub transitions: Vec<Transition>,
    /// What the code does with the events: use (see [`GrantUse`]) → event.
    pub uses: BTreeMap<String, String>,
    /// The staff's queues: queue (see [`Queue`]) → its states, in the order of the file.
    pub queues: BTreeMap<String, Vec<String>>,
    /// The events a program officer's page offers as decisions, in order.
    pub decisions: Vec<String>,
}

/// What the engine decided: the state to move to and the effects to apply with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step<'w> {
    pub from: &'w str,
    pub to: &'w str,
    pub event: &'w str,
    pub effects: &'w [Effect],
    /// The event octroi fires itself right after, in the same transaction.
    pub then: Option<&'w str>,
    /// Whether this transition (not merely some transition of its event) is announced by e-mail.
    pub announce: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FireError {
    #[error("unknown state {state}")]
    UnknownState { state: String },
    #[error("event {event} is not allowed from state {state}; allowed: {}", list(allowed))]
    NotAllowed { state: String, event: String, allowed: Vec<String> },
    #[error("role {role} may not fire {event}; allowed roles: {}", list(roles))]
    RoleNotPermitted { role: Role, event: String, roles: Vec<Role> },
    #[error("{event} needs: {}", list(failed))]
    GuardFailed { event: String, failed: Vec<Guard> },
}

fn list<T: fmt::Display>(items: &[T]) -> String {
    if items.is_empty() {
        return "none".into();
    }
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

impl Workflow {
    /// Decides one transition. Among the transitions for (state, event) that the role may fire, the first
    /// in file order whose guards all hold wins; `guard` is asked about each guard with the target state
    /// of the transition that needs it.
    pub fn fire(
        &self,
        state: &str,
        event: &str,
        role: Role,
        guard: impl Fn(Guard, &str) -> bool,
    ) -> Result<Step<'_>, FireError> {
        if !self.has_state(state) {
            return Err(FireError::UnknownState { state: state.into() });
        }
        let candidates: Vec<&Transition> =
            self.transitions.iter().filter(|t| t.from == state && t.event == event).collect();
        if candidates.is_empty() {
            return Err(FireError::NotAllowed {
                state: state.into(),
                event: event.into(),
                allowed: self.allowed_events(state, role),
            });
        }
        let permitted: Vec<&Transition> = candidates.iter().copied().filter(|t| t.roles.contains(&role)).collect();
        if permitted.is_empty() {
            let mut roles: Vec<Role> = candidates.iter().flat_map(|t| t.roles.iter().copied()).collect();
            roles.sort();
            roles.dedup();
            return Err(FireError::RoleNotPermitted { role, event: event.into(), roles });
        }
        let mut failed = Vec::new();
        for t in permitted {
            let missing: Vec<Guard> = t.guards.iter().copied().filter(|g| !guard(*g, &t.to)).collect();
            if missing.is_empty() {
                let then = t.then.as_deref();
                return Ok(Step {
                    from: &t.from,
                    to: &t.to,
                    event: &t.event,
                    effects: &t.effects,
                    then,
                    announce: t.announce,
                });
            }
            failed.extend(missing);
        }
        failed.sort();
        failed.dedup();
        Err(FireError::GuardFailed { event: event.into(), failed })
    }

    /// Whether `role` may fire `event` from `state`.
    pub fn allows(&self, state: &str, role: Role, event: &str) -> bool {
        self.transitions.iter().any(|t| t.from == state && t.event == event && t.roles.contains(&role))
    }

    /// The events the role may fire from this state (guards not evaluated), in file order.
    pub fn allowed_events(&self, state: &str, role: Role) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for t in self.transitions.iter().filter(|t| t.from == state && t.roles.contains(&role)) {
            if !out.contains(&t.event) {
                out.push(t.event.clone());
            }
        }
        out
    }

    /// The states an event may be fired from, by any role, in the order of the states.
    pub fn states_with_event(&self, event: &str) -> Vec<String> {
        self.states
            .iter()
            .filter(|s| self.transitions.iter().any(|t| t.event == event && &t.from == *s))
            .cloned()
            .collect()
    }

    /// The event the code uses for `what` (checked when the file was loaded).
    pub fn event(&self, what: impl Declared) -> &str {
        self.uses.get(what.name()).map(String::as_str).unwrap_or_else(|| panic!("{} has no use {what}", self.name))
    }

    /// The states a queue holds (checked when the file was loaded).
    pub fn queue(&self, queue: impl Declared) -> &[String] {
        self.queues.get(queue.name()).map(Vec::as_slice).unwrap_or_default()
    }

    /// Whether firing `event` needs a reason.
    pub fn reason_required(&self, event: &str) -> bool {
        self.transitions.iter().any(|t| t.event == event && t.reason_required)
    }

    /// Whether some transition of `event` is announced to the record's owner by e-mail: the mails are
    /// written then, and queued only if the transition taken announces ([`Step::announce`]).
    pub fn announces(&self, event: &str) -> bool {
        self.transitions.iter().any(|t| t.event == event && t.announce)
    }

    pub fn has_state(&self, state: &str) -> bool {
        self.states.iter().any(|s| s == state)
    }

    /// Whether a record in this state is still a draft: its first state, never sent.
    pub fn is_initial(&self, state: &str) -> bool {
        self.initial == state
    }

    /// Whether the application's content may still be changed by the applicant in this state.
    pub fn is_editable(&self, state: &str) -> bool {
        self.editable.contains(state)
    }

    pub fn is_terminal(&self, state: &str) -> bool {
        self.terminal.contains(state)
    }

    /// A Mermaid `stateDiagram-v2` of the workflow, one arrow per (from, to) with its events.
    pub fn mermaid(&self) -> String {
        let mut arrows: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
        let index = |s: &str| self.states.iter().position(|x| x == s).expect("validated state");
        for t in &self.transitions {
            let events = arrows.entry((index(&t.from), index(&t.to))).or_default();
            let label = format!("{} ({})", t.event, list(&t.roles));
            if !events.contains(&label) {
                events.push(label);
            }
        }
        let mut out = format!("---\ntitle: {}\n---\nstateDiagram-v2\n    [*] --> {}\n", self.name, self.initial);
        for ((from, to), events) in arrows {
            out.push_str(&format!("    {} --> {} : {}\n", self.states[from], self.states[to], events.join("<br/>")));
        }
        for state in self.states.iter().filter(|s| self.is_terminal(s)) {
            out.push_str(&format!("    {state} --> [*]\n"));
        }
        out
    }
}

/// All loaded workflows by name.
pub type Workflows = BTreeMap<String, Workflow>;

#[cfg(test)]
mod tests;
