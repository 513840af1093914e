//! `octroi demo` (and `serve --demo`): a realistic program to click through. Organisms in each of the 17
//! regions, applications in every state of the grant workflow (each moved there through the workflow,
//! with its history, reviews and e-mails; `accepted` on the way to `active`), and one account per role
//! whose password is printed once.

use std::collections::BTreeMap;

use crate::AppState;
use crate::app;
use crate::domain::account::AccountRole;
use crate::domain::award::AwardAmounts;
use crate::domain::grant::{Application, Line, LineCategory};
use crate::domain::workflow::{GrantUse, Role};
use crate::domain::{Actor, Email, Hours, Language, Money, Neq, OrganismId, PostalCode, Region, UserId};
use crate::passwords;
use crate::storage::accounts::NewUser;
use crate::storage::grants::{Grant, Proposal};
use crate::storage::organisms::NewOrganism;
use crate::storage::review::NewReview;

/// The domain of every demo address.
pub const DOMAIN: &str = "demo.octroi.local";

/// One account whose password is printed.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub email: String,
    pub role: AccountRole,
    pub password: String,
}

/// (organism name, city, postal code, mission)
const ORGANISMS: [(&str, &str, &str, &str); 17] = [
    ("Entraide Bas-Saint-Laurent", "Rimouski", "G5L 1A1", "Entraide et lutte contre l'isolement des aînés."),
    ("Cuisine collective du Saguenay", "Chicoutimi", "G7H 2B2", "Sécurité alimentaire et cuisines collectives."),
    ("Maison de la famille de Limoilou", "Québec", "G1L 3C3", "Soutien aux familles défavorisées."),
    ("Carrefour d'entraide de Trois-Rivières", "Trois-Rivières", "G9A 4B4", "Lutte contre la pauvreté."),
    ("Comptoir alimentaire de l'Estrie", "Sherbrooke", "J1H 5E5", "Insécurité alimentaire et dépannage."),
    ("Cuisine collective d'Hochelaga-Maisonneuve", "Montréal", "H1W 3A6", "Sécurité alimentaire et inclusion."),
    ("Centre communautaire de Gatineau", "Gatineau", "J8X 7G7", "Inclusion sociale des personnes vulnérables."),
    ("Refuge d'Abitibi", "Rouyn-Noranda", "J9X 8H8", "Hébergement et lutte contre l'itinérance."),
    ("Entraide Côte-Nord", "Baie-Comeau", "G4Z 9J9", "Entraide et logement abordable."),
    ("Ressource communautaire du Nord", "Chibougamau", "G8P 1K1", "Lutte contre l'exclusion sociale."),
    ("Centre d'action bénévole de Gaspé", "Gaspé", "G4X 2L2", "Isolement et pauvreté en région."),
    ("Maison des jeunes de Lévis", "Lévis", "G6V 3M3", "Jeunes vulnérables et décrochage."),
    ("Tablée populaire de Laval", "Laval", "H7N 4N4", "Sécurité alimentaire et entraide."),
    ("Logement solidaire de Joliette", "Joliette", "J6E 5P5", "Logement et lutte contre la pauvreté."),
    ("Club de photographie des Laurentides", "Saint-Jérôme", "J7Z 6R6", "Loisirs photographiques et expositions."),
    ("Accueil communautaire de Longueuil", "Longueuil", "J4K 7S7", "Accueil des personnes immigrantes vulnérables."),
    ("Entraide Drummondville", "Drummondville", "J2B 8T8", "Dépannage alimentaire et lutte contre l'isolement."),
];

/// The states the demo puts applications in, each reached through the workflow, with how many. The
/// member's acceptance of the letter passes through `accepted` on its way to `active`.
const TARGETS: [(&str, usize); 14] = [
    ("draft", 2),
    ("submitted", 6),
    ("screening", 2),
    ("more_info", 2),
    ("in_review", 4),
    ("decision", 3),
    ("approved", 2),
    ("awarded", 1),
    ("active", 3),
    ("closing", 1),
    ("closed", 1),
    ("declined", 2),
    ("withdrawn", 1),
    ("cancelled", 1),
];

fn neq(n: usize) -> Neq {
    Neq::parse(&format!("1170{n:06}")).expect("a demo NEQ is valid")
}

fn application(n: usize, title: &str) -> Application {
    let laptops = 1 + (n % 4) as i64;
    Application {
        title: title.into(),
        needs_assessment: "Nos postes ont plus de huit ans et l'accueil se fait encore sur papier; l'équipe perd \
            des heures chaque semaine."
            .into(),
        project_description: "Remplacer les postes de l'accueil, adopter un logiciel de gestion des inscriptions \
            et former l'équipe avec un accompagnateur."
            .into(),
        lines: vec![
            Line {
                category: LineCategory::Equipment,
                description: "Ordinateur portable 14 po".into(),
                quantity: laptops,
                unit_price: Money::parse("1099.99").expect("a price"),
            },
            Line {
                category: LineCategory::Software,
                description: "Logiciel de gestion des inscriptions, licence annuelle".into(),
                quantity: 1,
                unit_price: Money::parse(["480.50", "299.00", "650.00"][n % 3]).expect("a price"),
            },
        ],
        requested_coaching_hours: Hours::parse(["6", "8", "4.5", "10"][n % 4]).expect("hours"),
        contact_name: "Marie Tremblay".into(),
        contact_email: Some(Email::parse(&format!("contact{n}@{DOMAIN}")).expect("an address")),
    }
}

const TITLES: [&str; 6] = [
    "Virage numérique de l'accueil",
    "Des portables pour l'équipe terrain",
    "Inscriptions en ligne",
    "Un poste pour la cuisine collective",
    "Outils de suivi des bénévoles",
    "Modernisation du comptoir",
];

/// The events that carry a new application to `target`, as (event, role). Reviews happen where the
/// path goes through review.
fn path_to(target: &str) -> Vec<(&'static str, Role)> {
    use Role::*;
    let submit = [("submit", Applicant)];
    let screen = [("submit", Applicant), ("begin_screening", ProgramOfficer)];
    let review = [("submit", Applicant), ("begin_screening", ProgramOfficer), ("send_to_review", ProgramOfficer)];
    let decided = [("approve", ProgramOfficer)];
    let after_award: [(&'static str, Role); 4] =
        [("award", ProgramOfficer), ("accept", Applicant), ("begin_closing", Finance), ("close", Finance)];
    let approved = || review.iter().chain(&decided).copied();
    match target {
        "draft" => vec![],
        "submitted" => submit.to_vec(),
        "screening" => screen.to_vec(),
        "more_info" => screen.iter().copied().chain([("request_info", ProgramOfficer)]).collect(),
        "declined" => screen.iter().copied().chain([("decline", ProgramOfficer)]).collect(),
        "withdrawn" => submit.iter().copied().chain([("withdraw", Applicant)]).collect(),
        "in_review" | "decision" => review.to_vec(),
        "approved" => approved().collect(),
        "awarded" => approved().chain(after_award[..1].iter().copied()).collect(),
        "active" => approved().chain(after_award[..2].iter().copied()).collect(),
        "closing" => approved().chain(after_award[..3].iter().copied()).collect(),
        "closed" => approved().chain(after_award.iter().copied()).collect(),
        "cancelled" => approved().chain([after_award[0], ("cancel", ProgramOfficer)]).collect(),
        _ => vec![],
    }
}

fn reason(event: &str) -> &'static str {
    match event {
        "request_info" => "Joignez une soumission du fournisseur pour les portables, s'il vous plaît.",
        "decline" => "Le projet ne vise pas la lutte contre la pauvreté ou l'exclusion sociale.",
        "withdraw" => "Nous avons obtenu un autre financement.",
        "cancel" => "L'organisme a cessé ses activités.",
        _ => "",
    }
}

async fn account(
    state: &AppState,
    local: &str,
    name: &str,
    role: AccountRole,
    organism: Option<OrganismId>,
    printed: &mut Vec<DemoAccount>,
) -> anyhow::Result<UserId> {
    let password = passwords::random_token()[..16].to_string();
    let email = format!("{local}@{DOMAIN}");
    let user = state
        .db
        .create_user(NewUser {
            email: Email::parse(&email).map_err(|e| anyhow::anyhow!("{email}: {e}"))?,
            display_name: name.into(),
            role,
            organism_id: organism,
            password_hash: passwords::hash(&password).await?,
            must_change_password: false,
            language: Language::Fr,
        })
        .await?;
    printed.push(DemoAccount { email, role, password });
    Ok(user.id)
}

/// The review a demo reviewer gives: scores that vary with the application, always on the rubric's scale.
fn review(state: &AppState, seed: usize) -> NewReview {
    let rubric = &state.rubric;
    let span = (rubric.max - rubric.min + 1) as usize;
    let scores: BTreeMap<String, i64> = rubric
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| (c.code.clone(), rubric.min + ((seed * 7 + i * 3 + 2) % span) as i64))
        .collect();
    let pairs: Vec<(&str, i64)> = scores.iter().map(|(c, s)| (c.as_str(), *s)).collect();
    let weighted = rubric.weighted(&pairs).expect("scores on the scale");
    NewReview {
        scores,
        weighted,
        comment: "Besoin bien documenté; le budget est raisonnable pour la taille de l'équipe.".into(),
        recommendation: ["approve", "approve", "discuss"][seed % 3].into(),
    }
}

/// Loads the demo program; refuses if it is already loaded. Returns the accounts to print.
pub async fn load(state: &AppState) -> anyhow::Result<Vec<DemoAccount>> {
    let db = &state.db;
    if db.user_by_email(&format!("agente@{DOMAIN}")).await?.is_some() {
        anyhow::bail!("the demo program is already loaded in this database (its passwords were printed then)");
    }
    let mut printed = Vec::new();
    let mut organisms = Vec::new();
    for (i, (name, city, postal, mission)) in ORGANISMS.iter().enumerate() {
        let region = Region::parse(&(i + 1).to_string()).expect("regions 1 to 17");
        let o = db
            .create_organism(NewOrganism {
                legal_name: (*name).into(),
                neq: neq(i + 1),
                region,
                street_address: format!("{}, rue Principale", 10 + i),
                city: (*city).into(),
                postal_code: PostalCode::parse(postal).map_err(|e| anyhow::anyhow!("{postal}: {e}"))?,
                contact_email: Email::parse(&format!("info{}@{DOMAIN}", i + 1)).expect("an address"),
                mission_summary: (*mission).into(),
                preferred_language: Language::Fr,
            })
            .await?;
        organisms.push(o);
    }
    // One member per organism; the Montréal organism's is printed, and an English-speaking member.
    let mut members = Vec::new();
    for (i, o) in organisms.iter().enumerate() {
        let mut unprinted = Vec::new();
        let list = if i == 5 { &mut printed } else { &mut unprinted };
        let local = if i == 5 { "membre".to_string() } else { format!("membre{}", i + 1) };
        let id = account(state, &local, &format!("Membre de {}", o.legal_name), AccountRole::Member, Some(o.id), list)
            .await?;
        members.push(id);
    }
    db.set_language(members[6], Language::En).await?;
    account(state, "agente", "Agente de programme", AccountRole::ProgramOfficer, None, &mut printed).await?;
    for (local, name, region) in [
        ("evaluateur1", "Évaluateur Montréal", "06"),
        ("evaluatrice2", "Évaluatrice Québec", "03"),
        ("evaluateur3", "Évaluateur Estrie", "05"),
    ] {
        let id = account(state, local, name, AccountRole::Reviewer, None, &mut printed).await?;
        db.set_user_region(id, Some(Region::parse(region).expect("a region"))).await?;
    }
    account(state, "finances", "Finances", AccountRole::Finance, None, &mut printed).await?;
    account(state, "accompagnateur", "Accompagnateur", AccountRole::Coach, None, &mut printed).await?;
    account(state, "admin", "Administration (démo)", AccountRole::Admin, None, &mut printed).await?;

    let mut n = 0;
    let mut with_bourse = None;
    for (target, count) in TARGETS {
        for _ in 0..count {
            // Spread over the regions; the off-scope club (index 14) only gets applications that stop at
            // screening or are declined, as the program would.
            let mut o = n % organisms.len();
            if o == 14 && !matches!(target, "submitted" | "declined") {
                o = (o + 1) % organisms.len();
            }
            let member = db.user(members[o]).await?;
            let applicant = Actor { id: member.email.to_string(), role: Role::Applicant };
            let mut grant =
                app::applications::start(state, organisms[o].id, application(n, TITLES[n % TITLES.len()])).await?;
            for (event, role) in path_to(target) {
                if event == "approve" {
                    grant = review_all(state, &grant, n, target == "in_review").await?;
                }
                let actor = match role {
                    Role::Applicant => applicant.clone(),
                    other => Actor {
                        id: format!("{}@{DOMAIN}", if other == Role::Finance { "finances" } else { "agente" }),
                        role: other,
                    },
                };
                let workflow = state.grant_workflow();
                let proposal = (event == workflow.event(GrantUse::Approve)).then(|| proposal(&grant));
                let stepped = if event == workflow.event(GrantUse::Award) {
                    let year = demo_fiscal_year(state);
                    let made = app::award(state, &actor, &grant, awarded(&grant), &year, None, None).await;
                    match made.map(app::Awarded::made) {
                        Ok(Some(g)) => Ok((g, 0)),
                        // Without a key an award is made once or refused.
                        Ok(None) => Ok((state.db.grant(grant.id).await?, 0)),
                        Err(e) => Err(e),
                    }
                } else if event == workflow.event(GrantUse::Accept) {
                    let signature = app::Signature {
                        name: member.display_name.clone(),
                        title: "Directrice générale".into(),
                        confirmed: true,
                    };
                    let local = std::net::IpAddr::from([127, 0, 0, 1]);
                    app::accept(state, &actor, member.id, &grant, &signature, local).await.map(|g| (g, 0))
                } else {
                    app::fire(state, &actor, &grant, event, reason(event), proposal).await
                };
                grant = stepped
                    .map_err(|p| {
                        anyhow::anyhow!(
                            "demo: {event} on a grant towards {target}: {}",
                            crate::web::problem::Problem::from(p).title_and_detail(Language::En).0
                        )
                    })?
                    .0;
            }
            if matches!(target, "in_review" | "decision") {
                grant = review_all(state, &grant, n, target == "in_review").await?;
            }
            debug_assert_eq!(grant.state, target);
            if target == "active" {
                with_bourse = Some((o, grant.clone()));
            }
            n += 1;
        }
    }
    // A second application from an organism that already has a bourse: its screening shows the rule.
    let (o, active) = with_bourse.expect("the demo has active grants");
    let second = app::applications::start(state, organisms[o].id, application(n, "Deuxième demande")).await?;
    let applicant = Actor { id: db.user(members[o]).await?.email.to_string(), role: Role::Applicant };
    app::fire(state, &applicant, &second, "submit", "", None).await.map_err(|p| anyhow::anyhow!("{p:?}"))?;
    purchases(state, &active, members[o], &applicant).await?;
    state.mail_waker.notify_one();
    Ok(printed)
}

/// Purchases on an active bourse, at each step a person meets: laptops received, invoiced and verified
/// (they wait for finance's next payment run), a screen ordered (its receipt to record), and software
/// waiting for the program officer's decision.
async fn purchases(state: &AppState, grant: &Grant, member: UserId, applicant: &Actor) -> anyhow::Result<()> {
    use crate::app::conversation::Upload;
    use crate::app::purchases::{InvoiceFiles, RawInvoice};
    use crate::domain::grant::Line;
    use crate::domain::purchase::{ReceiptLine, Request, Vendor};
    use crate::domain::workflow::PurchaseUse;
    let fail = |p: app::AppError| anyhow::anyhow!("demo purchase: {p:?}");
    let line = |category, description: &str, quantity, price: &str| Line {
        category,
        description: description.into(),
        quantity,
        unit_price: Money::parse(price).expect("a demo price"),
    };
    let officer = Actor { id: "demo".into(), role: Role::ProgramOfficer };
    let finance = Actor { id: "demo".into(), role: Role::Finance };
    let event = |u: PurchaseUse| state.purchase_workflow().event(u).to_string();
    // How far each goes: 0 submitted, 1 approved, 2 ordered, 3 verified.
    let requests = [
        (
            "Coop informatique de Montréal",
            "Nos deux postes d'accueil ont dix ans et ne reçoivent plus de mises à jour.",
            vec![line(LineCategory::Equipment, "Portable 14 pouces, 16 Go", 2, "449.00")],
            3,
        ),
        (
            "Logiciels Libres Québec",
            "Gérer les inscriptions aux ateliers sans tableur partagé.",
            vec![line(LineCategory::Software, "Abonnement annuel, gestion des membres", 1, "180.00")],
            0,
        ),
        (
            "Coop informatique de Montréal",
            "Un second écran pour l'accueil des nouveaux arrivants.",
            vec![line(LineCategory::Equipment, "Écran 22 pouces", 1, "119.00")],
            2,
        ),
    ];
    for (vendor, why, lines, steps) in requests {
        let request =
            Request { vendor: Vendor { name: vendor.into(), ..Default::default() }, justification: why.into(), lines };
        let p = app::purchases::start(state, applicant, member, grant, request).await.map_err(fail)?;
        let mut p = app::purchases::fire(state, applicant, &p, &event(PurchaseUse::Submit), "").await.map_err(fail)?;
        if steps >= 1 {
            p = app::purchases::fire(state, &officer, &p, &event(PurchaseUse::Approve), "").await.map_err(fail)?;
        }
        if steps >= 2 {
            p = app::purchases::fire(state, applicant, &p, &event(PurchaseUse::Order), "").await.map_err(fail)?;
        }
        if steps >= 3 {
            let serials = (1..=p.lines[0].quantity).map(|n| format!("5CD4{}{n:03}", p.id)).collect();
            let receipt = vec![ReceiptLine { position: 1, quantity: p.lines[0].quantity, serials }];
            p = app::purchases::receive(state, applicant, member, &p, receipt).await.map_err(fail)?;
            let pdf = |name: &str| vec![Upload { file_name: name.into(), bytes: b"%PDF-1.4\n% demo\n".to_vec() }];
            let raw = RawInvoice {
                number: format!("CIM-2026-{:04}", 100 + p.id.get()),
                date: chrono::Utc::now().date_naive().to_string(),
                lines: p.lines.iter().map(|l| (l.quantity.to_string(), l.unit_price.to_string())).collect(),
            };
            let files = InvoiceFiles { invoice: pdf("facture.pdf"), proof: pdf("preuve-de-paiement.pdf") };
            let numbers = crate::domain::NumberStyle::Machine;
            p = app::purchases::submit_invoice(state, (applicant, member), &p, raw, files, numbers)
                .await
                .map_err(fail)?;
            app::purchases::fire(state, &finance, &p, &event(PurchaseUse::Verify), "").await.map_err(fail)?;
        }
    }
    Ok(())
}

/// The demo replays the program as it ran: its awards commit funds in the program's last fiscal year.
fn demo_fiscal_year(state: &AppState) -> String {
    state.program.fiscal_years.last().expect("a program has fiscal years").to_string()
}

/// The proposal, as awarded.
fn awarded(grant: &Grant) -> AwardAmounts {
    let p = grant.proposal().expect("an approved grant has a proposal");
    AwardAmounts { equipment: p.equipment, software: p.software, coaching_hours: p.coaching_hours }
}

/// The requested amounts, as proposed.
fn proposal(grant: &Grant) -> Proposal {
    let a = grant.application();
    Proposal {
        equipment: a.requested(LineCategory::Equipment),
        software: a.requested(LineCategory::Software),
        coaching_hours: a.requested_coaching_hours,
    }
}

/// Submits the reviews of the reviewers assigned to a grant in review (only the first one when
/// `partial`), which moves it to the decision when they are all in.
async fn review_all(state: &AppState, grant: &Grant, seed: usize, partial: bool) -> anyhow::Result<Grant> {
    let assigned = state.db.assigned_reviewers(grant.id).await?;
    let take = if partial { 1 } else { assigned.len() };
    for (i, (reviewer, _, _, done)) in assigned.into_iter().take(take).enumerate() {
        if !done {
            app::submit_review(state, grant.id, reviewer, review(state, seed + i))
                .await
                .map_err(|p| anyhow::anyhow!("{p:?}"))?;
        }
    }
    Ok(state.db.grant(grant.id).await?)
}

/// The accounts, as printed for a newcomer.
pub fn describe(accounts: &[DemoAccount]) -> String {
    let mut out = String::from("octroi: demo program loaded. Sign in with one of these accounts (shown once):\n");
    for a in accounts {
        out.push_str(&format!("  {:<16} {:<36} {}\n", a.role.as_str(), a.email, a.password));
    }
    out
}
