//! The WebSocket API's Management API (an adapter, like `lark` and `store`): push a frame to a
//! connection, close one. Only the functions with `SOCKET_ENDPOINT` have it (`context`).

use aws_sdk_apigatewaymanagement::primitives::Blob;

use crate::error::{AppError, AppResult};
use crate::ids::ConnectionId;

/// The WebSocket API's Management API, for the functions that push or close.
pub struct Connections {
    client: aws_sdk_apigatewaymanagement::Client,
}

/// What became of one push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    Delivered,
    /// API Gateway no longer knows the connection (410): the page went away.
    Gone,
}

impl Connections {
    pub fn new(client: aws_sdk_apigatewaymanagement::Client) -> Self {
        Self { client }
    }

    #[tracing::instrument(skip(self, data), fields(bytes = data.len()))]
    pub async fn send(&self, connection: &ConnectionId, data: Vec<u8>) -> AppResult<Sent> {
        match self
            .client
            .post_to_connection()
            .connection_id(connection.as_str())
            .data(Blob::new(data))
            .send()
            .await
        {
            Ok(_) => Ok(Sent::Delivered),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_gone_exception()) => Ok(Sent::Gone),
            Err(e) => Err(AppError::Internal(format!(
                "pushing to a connection: {}",
                aws_sdk_apigatewaymanagement::error::DisplayErrorContext(e)
            ))),
        }
    }

    /// Closes a connection; one already gone is fine.
    #[tracing::instrument(skip(self))]
    pub async fn close(&self, connection: &ConnectionId) -> AppResult<()> {
        match self
            .client
            .delete_connection()
            .connection_id(connection.as_str())
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_gone_exception()) => Ok(()),
            Err(e) => Err(AppError::Internal(format!(
                "closing a connection: {}",
                aws_sdk_apigatewaymanagement::error::DisplayErrorContext(e)
            ))),
        }
    }
}
