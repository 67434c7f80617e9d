//! Pure rules, no I/O: what a customer must configure, how a registration is judged, who may do
//! what.

pub mod chat;
pub mod checklist;
pub mod roles;
pub mod setup;
pub mod tickets;
