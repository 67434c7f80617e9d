//! Every HTTP route, named after its function in `template.yaml`. Lambda binaries serve one entry
//! each; the local gateway serves them all. Errors become responses here, in one place: pages get
//! an error page, JSON routes get `{"message": …}`.

use std::future::Future;
use std::pin::Pin;

use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::handlers;

type HandlerFuture<'a> = Pin<Box<dyn Future<Output = AppResult<Response<Body>>> + Send + 'a>>;
pub type HandlerFn = for<'a> fn(&'a AppContext, Request) -> HandlerFuture<'a>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A browser page: failures render an HTML error page.
    Page,
    /// A JSON API: failures are `{"message": …}`.
    Json,
}

pub struct Route {
    /// The function's logical id in `template.yaml`.
    pub function: &'static str,
    pub kind: Kind,
    pub handler: HandlerFn,
}

impl Route {
    pub async fn call(&self, ctx: &AppContext, req: Request) -> Response<Body> {
        // A page's refusal is a page for a browser and `{"message": …}` for anyone else.
        let html = self.kind == Kind::Page && crate::web::wants_html(&req);
        // A refusal is in the reader's language (their choice or their browser's; reading the
        // organisation's default would cost a request on every refusal).
        let lang = crate::web::lang(&req, None);
        let mut resp = match crate::web::refuse_cross_site(ctx, &req) {
            Err(err) => Self::error_response(&err, html, lang),
            Ok(()) => match (self.handler)(ctx, req).await {
                Ok(resp) => resp,
                Err(err) => Self::error_response(&err, html, lang),
            },
        };
        crate::web::security_headers(resp.headers_mut());
        crate::web::strict_transport(&ctx.settings.base_url, resp.headers_mut());
        resp
    }

    fn error_response(err: &AppError, html: bool, lang: crate::i18n::Lang) -> Response<Body> {
        err.log();
        let mut resp = if html {
            crate::web::error_page(err, lang)
        } else {
            crate::web::json(
                err.status(),
                &serde_json::json!({"message": err.message(lang)}),
            )
        };
        if let Some(seconds) = err.retry_after() {
            resp.headers_mut()
                .insert(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
        }
        resp
    }
}

macro_rules! routes {
    ($all:ident: $($konst:ident = $function:literal, $kind:ident, $handler:path;)*) => {
        $(
            pub static $konst: Route = Route {
                function: $function,
                kind: Kind::$kind,
                handler: {
                    fn boxed<'a>(ctx: &'a AppContext, req: Request) -> HandlerFuture<'a> {
                        Box::pin($handler(ctx, req))
                    }
                    boxed
                },
            };
        )*
        pub static $all: &[&Route] = &[$(&$konst),*];
    };
}

routes! {
    ALL:
    ENTRY = "EntryFunction", Page, handlers::entry::handle;
    WORKBENCH = "WorkbenchFunction", Page, handlers::workbench::handle;
    LOGIN = "LoginFunction", Page, handlers::login::handle;
    OAUTH_CALLBACK = "OAuthCallbackFunction", Page, handlers::oauth_callback::handle;
    INVITE_TO_GROUP = "InviteToGroupFunction", Page, handlers::invite_to_group::handle;
    SETUP_GUIDE = "SetupGuideFunction", Page, handlers::setup_guide::handle;
    REGISTER_CUSTOMER = "RegisterCustomerFunction", Json, handlers::register_customer::handle;
    CHECK_CUSTOMER = "CheckCustomerFunction", Json, handlers::check_customer::handle;
    ACTIVATE_CUSTOMER = "ActivateCustomerFunction", Json, handlers::activate_customer::handle;
    LOGOUT = "LogoutFunction", Page, handlers::logout::handle;
    SET_PLAN = "SetPlanFunction", Json, handlers::set_plan::handle;
    SET_CALLBACK_KEYS = "SetCallbackKeysFunction", Json, handlers::set_callback_keys::handle;
    CREATE_TICKET = "CreateTicketFunction", Json, handlers::create_ticket::handle;
    LIST_TICKETS = "ListTicketsFunction", Json, handlers::list_tickets::handle;
    MOVE_TICKET = "MoveTicketFunction", Json, handlers::move_ticket::handle;
    REASSIGN_TICKET = "ReassignTicketFunction", Json, handlers::reassign_ticket::handle;
    RATE_TICKET = "RateTicketFunction", Json, handlers::rate_ticket::handle;
    REMIND_TICKET = "RemindTicketFunction", Json, handlers::remind_ticket::handle;
    ASK_TO_JOIN = "AskToJoinFunction", Json, handlers::ask_to_join::handle;
    SET_DUTY = "SetDutyFunction", Json, handlers::set_duty::handle;
    SET_LANGUAGE = "SetLanguageFunction", Page, handlers::set_language::handle;
    SET_ORG_SETTINGS = "SetOrgSettingsFunction", Json, handlers::set_org_settings::handle;
    ORG_AUDIT = "OrgAuditFunction", Json, handlers::org_audit::handle;
    ORG_REPORT = "OrgReportFunction", Page, handlers::org_report::handle;
    STAFF_REPORT = "StaffReportFunction", Page, handlers::staff_report::handle;
    DECLARE_EMERGENCY = "DeclareEmergencyFunction", Json, handlers::declare_emergency::handle;
    ACKNOWLEDGE_EMERGENCY = "AcknowledgeEmergencyFunction", Json, handlers::acknowledge_emergency::handle;
    LIST_GROUPS = "ListGroupsFunction", Json, handlers::list_groups::handle;
    LIST_MESSAGES = "ListMessagesFunction", Json, handlers::list_messages::handle;
    POST_MESSAGE = "PostMessageFunction", Json, handlers::post_message::handle;
    LIST_MEMBERS = "ListMembersFunction", Json, handlers::list_members::handle;
    MARK_READ = "MarkReadFunction", Json, handlers::mark_read::handle;
    REMOVE_MEMBER = "RemoveMemberFunction", Json, handlers::remove_member::handle;
    LIST_INVITATIONS = "ListInvitationsFunction", Json, handlers::list_invitations::handle;
    CREATE_INVITATION = "CreateInvitationFunction", Json, handlers::create_invitation::handle;
    REVOKE_INVITATION = "RevokeInvitationFunction", Json, handlers::revoke_invitation::handle;
    CARD_CALLBACK = "CardCallbackFunction", Json, handlers::card_callback::handle;
}

// The chat socket's routes on the WebSocket API (`sockets`): the same request and response
// types, since `lambda_http` reads API Gateway's WebSocket events too.
routes! {
    SOCKETS:
    SOCKET_CONNECT = "SocketConnectFunction", Json, handlers::socket_connect::handle;
    SOCKET_DISCONNECT = "SocketDisconnectFunction", Json, handlers::socket_disconnect::handle;
    SOCKET_FRAME = "SocketFrameFunction", Json, handlers::socket_frame::handle;
}

pub fn by_function(name: &str) -> Option<&'static Route> {
    ALL.iter().copied().find(|r| r.function == name)
}

/// A WebSocket route's function by its logical id.
pub fn socket_by_function(name: &str) -> Option<&'static Route> {
    SOCKETS.iter().copied().find(|r| r.function == name)
}
