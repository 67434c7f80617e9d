//! The local side of tamlink: a gateway that serves every route of `template.yaml` through the
//! same handlers as the Lambda binaries, the local stack (moto + Lark sandbox + gateway) used by
//! `make dev` and by the integration tests, demo data, and the admin CLI's commands.

pub mod aws_actions;
pub mod bench;
pub mod demo;
pub mod emulator;
pub mod gateway;
pub mod iam;
pub mod local;
pub mod meter;
pub mod poller;
pub mod prices;
pub mod scheduler;
pub mod sockets;
pub mod stack;
pub mod stream;
