//! The end-to-end journeys as one test binary, a module per journey, so the library, the gateway
//! and the AWS SDK are linked once for all of them rather than once per journey. Each test starts
//! its own local stack (moto, the Lark sandbox and the gateway on free ports).

mod api_contract;
mod audit;
mod brands;
mod callbacks;
mod groups;
mod invitations;
mod languages;
mod notifier;
mod pacing;
mod pages;
mod pagination;
mod push;
mod read_aware;
mod reassign;
mod registration;
mod reports;
mod satisfaction;
mod sessions;
mod settings;
mod sign_in;
mod tickets;
mod workbench;
