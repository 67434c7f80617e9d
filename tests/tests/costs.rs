//! What each route costs in AWS requests, as the local gateway counts them. Read paths are the
//! ones people hit all day; their cost is part of the product (latency, DynamoDB bill).

use reqwest::Method;
use serde_json::json;
use tamlink_tests::*;

#[tokio::test]
async fn print_route_costs() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let c = CUSTOMER_APP_ID;
    let p = PROVIDER_APP_ID;
    let rows = [
        (
            &ana,
            Method::GET,
            format!("/lark/{c}/api/groups/{group}/messages"),
            None,
        ),
        (
            &ana,
            Method::POST,
            format!("/lark/{c}/api/groups/{group}/messages"),
            Some(json!({"text": "hi"})),
        ),
        (
            &ana,
            Method::GET,
            format!("/lark/{c}/api/groups/{group}/members"),
            None,
        ),
        (&ana, Method::GET, format!("/lark/{c}/api/groups"), None),
        (&ana, Method::GET, format!("/lark/{c}/api/tickets"), None),
        (
            &tara,
            Method::GET,
            format!("/lark/{p}/api/groups/{group}/messages"),
            None,
        ),
        (&tara, Method::GET, format!("/lark/{p}/api/groups"), None),
    ];
    for (who, method, path, body) in rows {
        let (status, calls) = who.aws_calls(method.clone(), &path, body.as_ref()).await;
        println!("{status} {method} {path}: {} {calls:?}", calls.len());
    }
}
