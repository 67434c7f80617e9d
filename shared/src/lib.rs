//! tamlink: enterprise support inside Lark, as Rust functions on AWS Lambda.
//!
//! Every function in `template.yaml` runs the one Lambda binary in `lambda/`, which asks
//! [`runtime`] to serve the function its `Handler` names (a route in [`handlers`], a job in
//! [`jobs`], or the [`notifier`]); the local gateway (`infra/gateway`) serves the same handlers,
//! so Lambda, local runs and tests share one implementation of every route.
//!
//! | module | what it holds |
//! |---|---|
//! | [`callbacks`] | acting from Lark: card callbacks checked (signature, decryption, token, replay) and answered with a toast and the updated card |
//! | [`actor`] | who is acting (`Actor`), built from the request at the edge by `web::actor` |
//! | [`config`] | settings read once from the environment (references only, never secrets) |
//! | [`keys`] | the deployment's secrets from Secrets Manager: signing keys, the on-call webhook |
//! | [`error`] | the one error type of the HTTP boundary and its mapping to statuses |
//! | [`ids`] | newtypes for Lark ids, built only by parsing |
//! | [`clock`] | injected time, so windows and expiries are tested without sleeping |
//! | [`session`] | HMAC-signed sessions and OAuth state |
//! | [`sessions`] | ending sessions early: sign out, sign out everywhere, removal (the person's fence) |
//! | [`secrets`] | App Secret encryption at rest (KMS) |
//! | [`lark`] | the Lark Open API client (tokens, OAuth, tenant/app info) |
//! | [`limits`] | fair shares of the open routes: sign-ins per organisation and client, card presses per organisation |
//! | [`store`] | DynamoDB access, one method per access pattern |
//! | [`orgs`] | registering, verifying and activating organisations (the use cases) |
//! | [`groups`] | service and ticket groups: access, chat, mentions, members |
//! | [`tickets`] | tickets, a file per action: `create`, `moves`, `reminder`, `emergency`, `read` |
//! | [`invitations`] | Add People links: create, revoke, land, accept, scheduled expiry |
//! | [`notify`] | the producer side: what people are told and whom (`mentions`, `tickets`), and putting it on the SQS queue |
//! | [`notifier`] | the SQS-driven sender, a file per concern: `notification`, `digest`, `delivery`, `tokens`, `oncall`, `warnings`, `cards`, `rules` |
//! | [`jobs`] | scheduled functions: the table named after `template.yaml`, and each job's body in its own file |
//! | [`domain`] | pure rules: the registration checklist, setup values, roles, chat and membership |
//! | [`json`] | strict JSON bodies: `null` is not a way to leave a field out |
//! | [`pages`] | server-rendered HTML (minijinja, autoescaped) |
//! | [`web`] | request/response helpers shared by handlers |
//! | [`handlers`] | one module per route, each the body of one Lambda function |
//! | [`routes`] | the table that names each handler after its function in `template.yaml` |
//! | [`context`] | the clients a handler needs, built once per cold start |
//! | [`runtime`] | the Lambda entry point: picks the function by `_HANDLER`, reports init errors |
//! | [`i18n`] | the English and Chinese catalogs (Fluent), compiled in, and the reader's language |
//! | [`reports`] | the month's figures per organisation and per engineer, as a page and as CSV |
//! | [`sockets`] | chat pushed to open pages: connect (a signed ticket), follow a group, frames, the stream's pushes |
//! | [`connections`] | the WebSocket API's Management API (an adapter): push a frame to a connection, close one |

pub mod actor;
pub mod callbacks;
pub mod clock;
pub mod config;
pub mod connections;
pub mod context;
pub mod domain;
pub mod error;
pub mod groups;
pub mod handlers;
pub mod i18n;
pub mod ids;
pub mod invitations;
pub mod jobs;
pub mod json;
pub mod keys;
pub mod lark;
pub mod limits;
pub mod notifier;
pub mod notify;
pub mod orgs;
pub mod pages;
pub mod reports;
pub mod routes;
pub mod runtime;
pub mod secrets;
pub mod session;
pub mod sessions;
pub mod sockets;
pub mod store;
pub mod tickets;
pub mod web;

#[cfg(test)]
mod layers;
