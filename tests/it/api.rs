//! The JSON API through the real router on port 0, on the backend `OCTROI_TEST_DATABASE_URL` names.

use crate::common;

use common::GrantId;
use common::{TestApp, complete_application, neq, organism_body};
use serde_json::{Value, json};

async fn organism_count(app: &TestApp) -> usize {
    app.db().organisms(0, 100).await.unwrap().len()
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::spawn().await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status(), 200);
    let r = app.get("/readyz").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "ready");
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_problems_repeat_it() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/v1/grants/424242").await;
    assert_eq!(r.status(), 404);
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["request_id"], id.as_str());
    assert_eq!(body["code"], "not-found");
    // A caller's own request id is kept.
    let r = app.client.get(app.url("/healthz")).header("x-request-id", "abc-123").send().await.unwrap();
    assert_eq!(r.headers()["x-request-id"], "abc-123");
}

#[tokio::test]
async fn an_organism_is_registered_and_read_back() {
    let app = TestApp::spawn().await;
    let r = app.post("/api/v1/organisms", &organism_body("11 4335 6789")).await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    assert_eq!(created["neq"], "1143356789");
    assert_eq!(created["region_name"], "Montréal");
    let r = app.get(&format!("/api/v1/organisms/{}", created["id"])).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), created);
    let list: Value = app.get("/api/v1/organisms?limit=10").await.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);

    let r = app.post("/api/v1/organisms", &organism_body("1143356789")).await;
    assert_eq!(r.status(), 409);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "duplicate-neq");
}

#[tokio::test]
async fn invalid_fields_are_all_listed_in_french_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let mut body = organism_body("4412345678");
    body["region"] = json!("18");
    body["legal_name"] = json!("   ");
    body["contact_email"] = json!("direction");
    body["mission_summary"] = json!("x".repeat(2001));
    let r = app.post("/api/v1/organisms", &body).await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.headers()["content-language"], "fr");
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["code"], "validation-failed");
    let errors: Vec<(String, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_string(), e["message"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        errors,
        [
            ("contact_email".to_string(), "L'adresse courriel doit ressembler à nom@exemple.org.".to_string()),
            ("legal_name".to_string(), "Ce champ est obligatoire.".to_string()),
            ("mission_summary".to_string(), "Au plus 2\u{202f}000 caractères.".to_string()),
            ("neq".to_string(), "Le NEQ commence par 11, 22, 33 ou 88 (sa forme juridique).".to_string()),
            ("region".to_string(), "La région est un code de 01 à 17.".to_string()),
        ]
    );
    assert_eq!(organism_count(&app).await, 0);
}

#[tokio::test]
async fn problems_follow_accept_language() {
    let app = TestApp::spawn().await;
    let mut body = organism_body("123");
    body["region"] = json!("99");
    let token = app.token("program_officer").await;
    let r = app
        .client
        .post(app.url("/api/v1/organisms"))
        .bearer_auth(token)
        .header("accept-language", "en-CA,en;q=0.9")
        .json(&body)
        .send()
        .await
        .unwrap();
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["title"], "Some fields are invalid");
    assert_eq!(problem["errors"][0]["message"], "A NEQ is exactly 10 digits.");
    assert_eq!(problem["errors"][1]["message"], "The region is a code from 01 to 17.");
}

#[tokio::test]
async fn malformed_json_unknown_fields_wrong_types_and_oversized_bodies_are_refused() {
    let app = TestApp::spawn().await;
    let token = app.token("program_officer").await;
    let send = |body: String, content_type: &'static str| {
        app.client
            .post(app.url("/api/v1/organisms"))
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let r = send("{\"legal_name\": ".into(), "application/json").await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "malformed-json");

    let mut body = organism_body(&neq(1));
    body["is_admin"] = json!(true);
    let r = send(body.to_string(), "application/json").await.unwrap();
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["code"], "invalid-body");
    assert!(problem["detail"].as_str().unwrap().contains("is_admin"), "{problem}");

    let mut body = organism_body(&neq(2));
    body["neq"] = json!(1143356789u64);
    let r = send(body.to_string(), "application/json").await.unwrap();
    assert_eq!((r.status().as_u16(), r.json::<Value>().await.unwrap()["code"].clone()), (422, json!("invalid-body")));

    let r = send(organism_body(&neq(3)).to_string(), "text/plain").await.unwrap();
    assert_eq!(r.status(), 415);

    let mut body = organism_body(&neq(4));
    body["mission_summary"] = json!("é".repeat(600_000));
    let r = send(body.to_string(), "application/json").await.unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "payload-too-large");

    let r = app.get("/api/v1/organisms/abc").await;
    assert_eq!((r.status().as_u16(), r.json::<Value>().await.unwrap()["code"].clone()), (400, json!("bad-request")));
    assert_eq!(organism_count(&app).await, 0);
}

#[tokio::test]
async fn a_draft_is_created_read_and_updated_while_editable() {
    let app = TestApp::spawn().await;
    let organism = app.organism(&neq(1)).await;
    let member = app.member_token(organism).await;
    let r = app.start_draft(organism, json!({ "title": "Brouillon" })).await;
    assert_eq!(r.status(), 201);
    let draft: Value = r.json().await.unwrap();
    assert_eq!(
        (draft["state"].clone(), draft["version"].clone(), draft["editable"].clone()),
        (json!("draft"), json!(1), json!(true))
    );
    let id = GrantId(draft["id"].as_i64().unwrap());

    let r = app
        .put_as(
            &member,
            &format!("/api/v1/grants/{id}"),
            &json!({ "version": 1, "application": complete_application() }),
        )
        .await;
    assert_eq!(r.status(), 200);
    let updated: Value = r.json().await.unwrap();
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["application"]["requested_equipment"], "3600.00");
    assert_eq!(updated["application"]["requested_software"], "480.50");
    assert_eq!(updated["application"]["lines"][0]["total"], "3600.00");
    assert_eq!(updated["application"]["requested_coaching_hours"], "6.5");

    let r = app
        .put_as(&member, &format!("/api/v1/grants/{id}"), &json!({ "version": 1, "application": { "title": "Perdu" } }))
        .await;
    assert_eq!(r.status(), 409);
    let problem: Value = r.json().await.unwrap();
    assert_eq!((problem["code"].clone(), problem["current_version"].clone()), (json!("version-conflict"), json!(2)));

    let mut bad = complete_application();
    bad["lines"][0]["unit_price"] = json!("12.345");
    bad["contact_email"] = json!("pas une adresse");
    let r = app.put_as(&member, &format!("/api/v1/grants/{id}"), &json!({ "version": 2, "application": bad })).await;
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["application.contact_email", "application.lines[0].unit_price"]);

    let read: Value = app.get_as(&member, &format!("/api/v1/grants/{id}")).await.json().await.unwrap();
    assert_eq!(read, updated, "refused updates changed nothing");

    let r = app.fire(id, "submit", 2, "applicant").await;
    assert_eq!(r.status(), 200);
    let r = app
        .put_as(
            &member,
            &format!("/api/v1/grants/{id}"),
            &json!({ "version": 3, "application": complete_application() }),
        )
        .await;
    assert_eq!(r.status(), 409);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "not-editable");

    // Staff do not apply on an organism's behalf.
    let r = app.post("/api/v1/grants", &json!({ "organism_id": organism, "application": {} })).await;
    assert_eq!((r.status().as_u16(), r.json::<Value>().await.unwrap()["code"].clone()), (403, json!("forbidden")));
}

#[tokio::test]
async fn transitions_are_decided_by_the_workflow_and_recorded() {
    let app = TestApp::spawn().await;
    let id = app.complete_draft(&neq(1)).await;

    let r = app.fire(id, "approve", 1, "program_officer").await;
    assert_eq!(r.status(), 403, "a draft is its organism's alone: staff can do nothing with it");
    let r = app.fire(id, "approve", 1, "applicant").await;
    assert_eq!(r.json::<Value>().await.unwrap()["allowed_events"], json!(["submit", "withdraw"]));

    let r = app.fire(id, "begin_screening", 1, "applicant").await;
    assert_eq!(r.status(), 409);

    let r = app.fire(id, "submit", 1, "applicant").await;
    assert_eq!(r.status(), 200);
    let g: Value = r.json().await.unwrap();
    assert_eq!(
        (g["state"].clone(), g["version"].clone(), g["editable"].clone()),
        (json!("submitted"), json!(2), json!(false))
    );
    assert!(g["submitted_at"].is_string());

    let r = app.fire(id, "begin_screening", 1, "program_officer").await;
    assert_eq!(r.status(), 409);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "version-conflict");

    let r = app.fire(id, "begin_screening", 2, "applicant").await;
    assert_eq!(r.status(), 403);
    assert_eq!(r.json::<Value>().await.unwrap()["allowed_roles"], json!(["program_officer"]));

    let r = app
        .client
        .post(app.url(&format!("/api/v1/grants/{id}/transitions")))
        .json(&json!({"event": "begin_screening", "version": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    assert_eq!(app.fire(id, "begin_screening", 2, "program_officer").await.status(), 200);
    let history: Value = app.get(&format!("/api/v1/grants/{id}/transitions")).await.json().await.unwrap();
    let history = history.as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["from"], "draft");
    assert_eq!(history[0]["to"], "submitted");
    assert_eq!(history[0]["actor"], "member1@test.org", "the signed-in account, not a claimed name");
    assert_eq!(history[0]["reason"], "submit in a test");
    assert_eq!(history[1]["role"], "program_officer");
    assert_eq!(app.get("/api/v1/grants/999/transitions").await.status(), 404);
}

#[tokio::test]
async fn an_incomplete_application_cannot_be_submitted_and_the_missing_fields_are_named() {
    let app = TestApp::spawn().await;
    let organism = app.organism(&neq(1)).await;
    let r = app.start_draft(organism, json!({ "title": "Presque" })).await;
    let id = GrantId(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    let r = app.fire(id, "submit", 1, "applicant").await;
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["code"], "conditions-not-met");
    assert_eq!(
        problem["missing_fields"],
        json!(["needs_assessment", "project_description", "contact_name", "contact_email", "requested_amounts"])
    );
    let member = app.member_token(organism).await;
    let g: Value = app.get_as(&member, &format!("/api/v1/grants/{id}")).await.json().await.unwrap();
    assert_eq!((g["state"].clone(), g["version"].clone()), (json!("draft"), json!(1)));
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    let mut routes: Vec<String> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            routes.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    routes.sort();
    assert_eq!(
        routes,
        [
            "GET /finance/envelopes",
            "GET /grants/{id}",
            "GET /grants/{id}/acceptance",
            "GET /grants/{id}/purchases",
            "GET /grants/{id}/reviews",
            "GET /grants/{id}/statement",
            "GET /grants/{id}/transitions",
            "GET /organisms",
            "GET /organisms/{id}",
            "GET /payment-runs/payable",
            "GET /payment-runs/{id}",
            "GET /purchases/{id}",
            "GET /purchases/{id}/documents",
            "GET /purchases/{id}/transitions",
            "GET /queues/{kind}",
            "POST /decisions",
            "POST /grants",
            "POST /grants/{id}/acceptance",
            "POST /grants/{id}/award",
            "POST /grants/{id}/conflict",
            "POST /grants/{id}/purchases",
            "POST /grants/{id}/reviewers",
            "POST /grants/{id}/reviews",
            "POST /grants/{id}/transitions",
            "POST /organisms",
            "POST /payment-runs",
            "POST /payment-runs/{id}/clear",
            "POST /payment-runs/{id}/lines/{line}",
            "POST /purchases/{id}/invoices",
            "POST /purchases/{id}/receipts",
            "POST /purchases/{id}/returns",
            "POST /purchases/{id}/transitions",
            "PUT /grants/{id}",
            "PUT /purchases/{id}",
        ]
    );
    // Every documented route is served (none answers the API's 404 fallback).
    for route in &routes {
        let (method, path) = route.split_once(' ').unwrap();
        let url = app.url(&format!("/api/v1{}", path.replace("{id}", "1").replace("{line}", "1")));
        let r = app.client.request(method.parse().unwrap(), url).json(&json!({})).send().await.unwrap();
        let code = r.json::<Value>().await.ok().and_then(|v| v["code"].as_str().map(String::from));
        assert_ne!(code.as_deref(), Some("no-such-route"), "{route}");
    }
    let r = app.client.delete(app.url("/api/v1/organisms")).send().await.unwrap();
    assert_eq!(
        (r.status().as_u16(), r.json::<Value>().await.unwrap()["code"].clone()),
        (405, json!("method-not-allowed"))
    );
    let r = app.get("/api/v1/nothing-here").await;
    assert_eq!((r.status().as_u16(), r.json::<Value>().await.unwrap()["code"].clone()), (404, json!("no-such-route")));
    assert!(doc["components"]["schemas"]["ProblemDetails"].is_object());
}
