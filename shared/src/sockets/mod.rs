//! Chat pushed to open pages over API Gateway's WebSocket API, so a message appears in well
//! under a second instead of at the next 3-second poll, and an open tab costs nothing while
//! nobody speaks.
//!
//! - `connect` (`$connect`): a page opens a socket for the group it shows, with the ticket the
//!   page was rendered with (`session::SocketTicket`) from its own origin; the connection is
//!   stored as following that group (`store::sockets`).
//! - `disconnect` (`$disconnect`): the subscription goes.
//! - `frame` (`$default`): a page sends nothing but `{"action":"ping"}`; anything else closes
//!   the connection.
//! - `push`: fed by the table's stream, filtered in `template.yaml` to new message items. Why the
//!   stream rather than the post path sending a job: messages are written by a dozen
//!   transactions (posts, joins, every ticket change, emergencies), and the stream sees each of
//!   them once it is committed — no writer can forget to push, and a function that dies after
//!   its commit loses no push.
//!
//! A push is a shortcut, never the record: the page fills any gap in the numbers from the
//! message list and polls once whenever it (re)connects, so a lost push costs a moment, not a
//! message.

mod connect;
mod disconnect;
mod frame;
mod push;

pub use connect::{connect, socket_url, verify_ticket};
pub use disconnect::disconnect;
pub use frame::frame;
pub use push::{push, Pushed};

use crate::context::AppContext;
use crate::error::{AppError, AppResult};

/// The Management API, or why this function cannot push.
fn connections(ctx: &AppContext) -> AppResult<&crate::connections::Connections> {
    ctx.sockets.as_ref().ok_or_else(|| {
        AppError::Internal("this function has no socket endpoint (SOCKET_ENDPOINT)".into())
    })
}
