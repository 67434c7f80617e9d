//! Pure rules, no I/O: what a customer must configure, how a registration is judged, who may do
//! what.

pub mod audit;
pub mod brand;
pub mod budget;
pub mod chat;
pub mod checklist;
pub mod lark_app;
pub mod limits;
pub mod model;
pub mod notification;
pub mod report;
pub mod roles;
pub mod sessions;
pub mod setup;
pub mod socket;
pub mod tickets;
