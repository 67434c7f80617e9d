//! Tickets. A ticket lives in its organisation's partition (`APP#{app}` / `TICKET#{number:08}`),
//! so an organisation's tickets are one query. Creating and moving a ticket are single
//! transactions that also post into its groups and keep the assignee's load, so numbers,
//! assignments and audit lines can never disagree.

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};

use super::dynamo::{applied, built, n, s, write_err, Keyed};
use super::keys;
use super::reports::Count;
use super::{Store, StoreError};
use crate::clock::Epoch;
use crate::domain::audit::AuditEntry;
use crate::domain::model::*;
use crate::ids::{AppId, OpenId};

fn attr<T: serde::Serialize>(v: &T) -> Result<AttributeValue, StoreError> {
    serde_dynamo::to_attribute_value(v).map_err(|e| StoreError::Decode(e.to_string()))
}

/// Everything a new ticket writes, as read just before (the versions the writes condition on).
pub struct NewTicket<'a> {
    pub tenant: &'a Tenant,
    pub ticket: &'a Ticket,
    pub group: &'a Group,
    pub members: &'a [Member],
    /// The assigned engineer as read (their load is the condition), unless the TAM holds it.
    pub engineer: Option<&'a Staff>,
    pub provider_app: &'a AppId,
    /// The ticket group's first line.
    pub opening: &'a Message,
    /// The line in the organisation's service group (its number already given out).
    pub announcement: Option<&'a Message>,
    /// Its audit entry, written in the same transaction.
    pub audit: &'a AuditEntry,
    /// What the reports count (`Store::count_writes`), in the same transaction.
    pub counts: &'a [Count<'a>],
    pub now: Epoch,
}

/// A move of a ticket, as read just before.
pub struct TicketMove<'a> {
    pub ticket: &'a Ticket,
    pub change: &'a TicketChange,
    /// +1 or -1 to the assignee's load when the move opens or ends the ticket; 0 otherwise.
    pub load_delta: i64,
    pub provider_app: &'a AppId,
    /// The line in the ticket's group (its number already given out).
    pub line: &'a Message,
    /// Set when this move is the service team's first response.
    pub first_response_at: Option<Epoch>,
    /// The resolution clock after the move (a wait on the customer pauses it; ending the wait
    /// moves the deadline by the time waited): the new deadline and the pause.
    pub resolution: Option<(Epoch, Option<Epoch>)>,
    pub audit: &'a AuditEntry,
    pub counts: &'a [Count<'a>],
    pub now: Epoch,
}

/// An emergency declared on a ticket (`Store::declare_emergency`).
#[derive(Clone, Copy)]
pub struct Declaration<'a> {
    pub ticket: &'a Ticket,
    pub emergency: &'a Emergency,
    pub schedule: &'a PageSchedule,
    /// The schedule's slot holds an emergency that ended without an acknowledgement (its ticket
    /// closed): the number it holds, replaced only if it still does.
    pub replaces: Option<u64>,
    pub line: &'a Message,
    /// A tighter first-response deadline (S1's), when it is sooner.
    pub due: Option<Epoch>,
    pub audit: &'a AuditEntry,
    pub counts: &'a [Count<'a>],
    pub now: Epoch,
}

/// A ticket handed to another engineer (`Store::reassign_ticket`).
pub struct Reassignment<'a> {
    pub ticket: &'a Ticket,
    pub to: &'a Staff,
    /// The new engineer as a member of the ticket group.
    pub member: &'a Member,
    pub provider_app: &'a AppId,
    pub line: &'a Message,
    pub audit: &'a AuditEntry,
    pub now: Epoch,
}

/// Eight digits of ticket numbers per organisation (`keys::ticket`).
pub const MAX_TICKET: u64 = 99_999_999;

impl Store {
    /// A new ticket waits in the SLA index (`SLADUE#{hour}`) until its first response, and in
    /// the open-tickets index while it is open.
    fn keyed_ticket(ticket: &Ticket) -> Keyed<'_, Ticket> {
        let due = ticket.first_response_due;
        let mut keyed = Keyed::item(
            keys::app(&ticket.app_id),
            keys::ticket(ticket.number),
            ticket,
        )
        .indexed(
            keys::sla_bucket(due.div_euclid(3600)),
            keys::sla_slot(due, &ticket.app_id, ticket.number),
        );
        if ticket.status.is_open() {
            keyed.gsi2pk = Some(keys::open_tickets(&ticket.app_id));
            keyed.gsi2sk = Some(format!("{:08}", ticket.number));
        }
        keyed
    }

    /// An update of one ticket item, to finish with its expressions.
    fn ticket_update(
        &self,
        app_id: &AppId,
        number: u64,
    ) -> aws_sdk_dynamodb::types::builders::UpdateBuilder {
        Update::builder()
            .table_name(&self.table)
            .key("pk", s(keys::app(app_id)))
            .key("sk", s(keys::ticket(number)))
    }

    fn load_update(
        &self,
        provider_app: &AppId,
        staff_open_id: &OpenId,
        delta: i64,
        seen: Option<u32>,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut up = Update::builder()
            .table_name(&self.table)
            .key("pk", s(keys::app(provider_app)))
            .key("sk", s(keys::staff(staff_open_id)))
            .update_expression("SET open_tickets = if_not_exists(open_tickets, :zero) + :d")
            .expression_attribute_values(":d", n(delta))
            .expression_attribute_values(":zero", n(0));
        up = match seen {
            // Assignment read this load to choose: nobody may have changed it since.
            Some(seen) => up
                .condition_expression(
                    "open_tickets = :seen OR (attribute_not_exists(open_tickets) AND :seen = :zero)",
                )
                .expression_attribute_values(":seen", n(i64::from(seen))),
            None => up.condition_expression("attribute_exists(pk)"),
        };
        Ok(TransactWriteItem::builder()
            .update(built(up.build())?)
            .build())
    }

    /// Creates a ticket atomically: the organisation's next number (conditioned on the number
    /// read), the assignee's load (conditioned on the load read), the ticket, its group with its
    /// members and first line, and the line in the service group. `ConditionFailed`: someone
    /// else got there first; read again and retry.
    pub async fn create_ticket(&self, t: &NewTicket<'_>) -> Result<(), StoreError> {
        let prev = i64::try_from(t.tenant.ticket_seq).unwrap_or(i64::MAX);
        let mut counter = Update::builder()
            .table_name(&self.table)
            .key("pk", s(keys::app(&t.tenant.app_id)))
            .key("sk", s(keys::TENANT))
            .condition_expression(
                "ticket_seq = :prev OR (attribute_not_exists(ticket_seq) AND :prev = :zero)",
            )
            .expression_attribute_values(":next", n(prev + 1))
            .expression_attribute_values(":prev", n(prev))
            .expression_attribute_values(":zero", n(0));
        counter = match t.engineer {
            Some(e) => counter
                .update_expression("SET ticket_seq = :next, last_assigned = :eng")
                .expression_attribute_values(":eng", s(e.open_id.clone())),
            None => counter.update_expression("SET ticket_seq = :next"),
        };
        let mut writes = vec![TransactWriteItem::builder()
            .update(built(counter.build())?)
            .build()];
        if let Some(e) = t.engineer {
            writes.push(self.load_update(t.provider_app, &e.open_id, 1, Some(e.open_tickets))?);
        }
        writes.push(self.put_item(
            Self::keyed_ticket(t.ticket),
            Some("attribute_not_exists(pk)"),
        )?);
        writes.push(self.put_item(Self::keyed_group(t.group), Some("attribute_not_exists(pk)"))?);
        for m in t.members {
            writes.push(self.put_item(Self::keyed_member(m), None)?);
        }
        writes.push(self.message_put(t.opening)?);
        writes.push(self.audit_write(t.audit)?);
        writes.extend(self.counts_writes(t.counts)?);
        match t.announcement {
            Some(line) => {
                writes.extend(self.append_writes(line, t.now)?);
                self.transact_with_line(writes, line).await
            }
            None => self.transact(writes).await,
        }
    }

    pub async fn ticket(&self, app_id: &AppId, number: u64) -> Result<Option<Ticket>, StoreError> {
        self.get(keys::app(app_id), keys::ticket(number)).await
    }

    /// A page of an organisation's tickets, newest first: those numbered below `before` (all
    /// when `None`), at most `limit`, and whether older ones remain. One query whatever the
    /// organisation's history.
    pub async fn tickets_page(
        &self,
        app_id: &AppId,
        before: Option<u64>,
        limit: i32,
    ) -> Result<(Vec<Ticket>, bool), StoreError> {
        let hi = match before {
            Some(b) if b <= 1 => return Ok((Vec::new(), false)),
            Some(b) => keys::ticket(b - 1),
            None => keys::ticket(MAX_TICKET),
        };
        let query = self
            .db
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND sk BETWEEN :lo AND :hi")
            .expression_attribute_values(":pk", s(keys::app(app_id)))
            .expression_attribute_values(":lo", s(keys::ticket(0)))
            .expression_attribute_values(":hi", s(hi))
            .scan_index_forward(false)
            .consistent_read(true);
        self.query_page(query, limit).await
    }

    /// An organisation's open tickets (the sparse open-tickets index: resolved and closed
    /// tickets are not read at all).
    pub async fn open_tickets(&self, app_id: &AppId) -> Result<Vec<Ticket>, StoreError> {
        let query = self
            .db
            .query()
            .table_name(&self.table)
            .index_name("gsi2")
            .key_condition_expression("gsi2pk = :pk")
            .expression_attribute_values(":pk", s(keys::open_tickets(app_id)));
        self.query_all(query).await
    }

    /// Moves a ticket, conditioned on the status read; records the change, posts the audit line
    /// and keeps the assignee's load. `ConditionFailed`: it moved meanwhile.
    pub async fn move_ticket(&self, m: &TicketMove<'_>) -> Result<(), StoreError> {
        let change = attr(m.change)?;
        let status = |st: crate::domain::tickets::Status| attr(&st);
        let mut up = self
            .ticket_update(&m.ticket.app_id, m.ticket.number)
            .condition_expression("#st = :from")
            .expression_attribute_names("#st", "status")
            .expression_attribute_values(":from", status(m.change.from)?)
            .expression_attribute_values(":to", status(m.change.to)?)
            .expression_attribute_values(":now", n(m.now))
            .expression_attribute_values(":change", AttributeValue::L(vec![change]))
            .expression_attribute_values(":empty", AttributeValue::L(vec![]));
        let mut set = vec![
            "#st = :to",
            "updated_at = :now",
            "history = list_append(if_not_exists(history, :empty), :change)",
        ];
        let mut remove = Vec::new();
        // A first response, or an end, takes the ticket out of the SLA index.
        if m.first_response_at.is_some() || !m.change.to.is_open() {
            remove.extend(["gsi1pk", "gsi1sk"]);
        }
        if let Some(at) = m.first_response_at {
            set.push("first_response_at = if_not_exists(first_response_at, :first)");
            up = up.expression_attribute_values(":first", n(at));
        }
        match m.resolution {
            Some((due, Some(since))) => {
                set.extend(["resolution_due = :rdue", "paused_since = :paused"]);
                up = up
                    .expression_attribute_values(":rdue", n(due))
                    .expression_attribute_values(":paused", n(since));
            }
            Some((due, None)) => {
                set.push("resolution_due = :rdue");
                remove.push("paused_since");
                up = up.expression_attribute_values(":rdue", n(due));
            }
            None => {}
        }
        // The open-tickets index holds it exactly while it is open.
        match (m.change.from.is_open(), m.change.to.is_open()) {
            (true, false) => remove.extend(["gsi2pk", "gsi2sk"]),
            (false, true) => {
                set.extend(["gsi2pk = :open", "gsi2sk = :number"]);
                up = up
                    .expression_attribute_values(":open", s(keys::open_tickets(&m.ticket.app_id)))
                    .expression_attribute_values(":number", s(format!("{:08}", m.ticket.number)));
            }
            _ => {}
        }
        let mut expression = format!("SET {}", set.join(", "));
        if !remove.is_empty() {
            expression.push_str(&format!(" REMOVE {}", remove.join(", ")));
        }
        up = up.update_expression(expression);
        let mut writes = vec![TransactWriteItem::builder()
            .update(built(up.build())?)
            .build()];
        if let (Some(assignee), false, 1 | -1) =
            (&m.ticket.assignee, m.ticket.assigned_to_tam, m.load_delta)
        {
            writes.push(self.load_update(m.provider_app, assignee, m.load_delta, None)?);
        }
        writes.push(self.audit_write(m.audit)?);
        writes.extend(self.counts_writes(m.counts)?);
        writes.extend(self.append_writes(m.line, m.now)?);
        self.transact_with_line(writes, m.line).await
    }

    /// Hands a ticket to another engineer, atomically: the ticket changes hands only if it is
    /// still open and still the old assignee's (`ConditionFailed` otherwise: read and decide
    /// again), the two engineers' open-ticket counts move with it (a ticket the TAM held while
    /// nobody was on duty was never counted as the TAM's), the new engineer joins the ticket
    /// group, and the group says so.
    pub async fn reassign_ticket(&self, r: &Reassignment<'_>) -> Result<(), StoreError> {
        let t = r.ticket;
        let mut up = self
            .ticket_update(&t.app_id, t.number)
            .update_expression(
                "SET assignee = :new, assignee_name = :name, assigned_to_tam = :false, updated_at = :now",
            )
            .condition_expression("#st = :status AND assignee = :old")
            .expression_attribute_names("#st", "status")
            .expression_attribute_values(":new", s(r.to.open_id.to_string()))
            .expression_attribute_values(":name", s(r.to.name.clone()))
            .expression_attribute_values(":false", AttributeValue::Bool(false))
            .expression_attribute_values(":now", n(r.now))
            .expression_attribute_values(":status", attr(&t.status)?);
        up = match &t.assignee {
            Some(old) => up.expression_attribute_values(":old", s(old.to_string())),
            None => up.condition_expression("#st = :status AND attribute_not_exists(assignee)"),
        };
        let mut writes = vec![TransactWriteItem::builder()
            .update(built(up.build())?)
            .build()];
        if let (Some(old), false) = (&t.assignee, t.assigned_to_tam) {
            writes.push(self.load_update(r.provider_app, old, -1, None)?);
        }
        writes.push(self.load_update(r.provider_app, &r.to.open_id, 1, None)?);
        writes.push(self.put_item(Self::keyed_member(r.member), None)?);
        writes.push(self.audit_write(r.audit)?);
        writes.extend(self.append_writes(r.line, r.now)?);
        self.transact_with_line(writes, r.line).await
    }

    /// Counts a reminder, only if the ticket is still open, nobody counted one since `seen`, and
    /// the cooldown is over; writes its line in the group. `ConditionFailed` otherwise.
    pub async fn remind_ticket(
        &self,
        ticket: &Ticket,
        cutoff: Epoch,
        line: &Message,
        audit: &AuditEntry,
        now: Epoch,
    ) -> Result<(), StoreError> {
        let up = self.ticket_update(&ticket.app_id, ticket.number)
            .update_expression("SET reminders = :next, last_reminder_at = :now")
            .condition_expression(
                "(reminders = :seen OR (attribute_not_exists(reminders) AND :seen = :zero)) AND (attribute_not_exists(last_reminder_at) OR attribute_type(last_reminder_at, :null) OR last_reminder_at <= :cutoff) AND #st = :status",
            )
            .expression_attribute_names("#st", "status")
            .expression_attribute_values(":next", n(i64::from(ticket.reminders) + 1))
            .expression_attribute_values(":seen", n(i64::from(ticket.reminders)))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":null", s("NULL"))
            .expression_attribute_values(":cutoff", n(cutoff))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(
                ":status",
                serde_dynamo::to_attribute_value::<_, AttributeValue>(ticket.status)
                    .map_err(|e| StoreError::Decode(e.to_string()))?,
            );
        let mut writes = vec![TransactWriteItem::builder()
            .update(built(up.build())?)
            .build()];
        writes.push(self.audit_write(audit)?);
        writes.extend(self.append_writes(line, now)?);
        self.transact_with_line(writes, line).await
    }

    /// Stores a customer's rating, only while the ticket is resolved or closed and its rating is
    /// the one read (`ConditionFailed`: it was reopened or rated meanwhile).
    pub async fn rate_ticket(
        &self,
        ticket: &Ticket,
        rating: &Rating,
        audit: &AuditEntry,
        counts: &[Count<'_>],
    ) -> Result<(), StoreError> {
        use crate::domain::tickets::Status;
        let up = self
            .ticket_update(&ticket.app_id, ticket.number)
            .update_expression("SET rating = :r")
            .expression_attribute_names("#st", "status")
            .expression_attribute_values(":r", attr(rating)?)
            .expression_attribute_values(":resolved", attr(&Status::Resolved)?)
            .expression_attribute_values(":closed", attr(&Status::Closed)?);
        // Only over the rating read: the reports replace exactly its score.
        let up = match &ticket.rating {
            Some(seen) => up
                .condition_expression("#st IN (:resolved, :closed) AND rating.#at = :seen")
                .expression_attribute_names("#at", "at")
                .expression_attribute_values(":seen", n(seen.at)),
            None => up.condition_expression(
                "#st IN (:resolved, :closed) AND (attribute_not_exists(rating) OR attribute_type(rating, :null))",
            )
            .expression_attribute_values(":null", s("NULL")),
        };
        let mut writes = vec![
            TransactWriteItem::builder()
                .update(built(up.build())?)
                .build(),
            self.audit_write(audit)?,
        ];
        writes.extend(self.counts_writes(counts)?);
        self.transact(writes).await
    }

    /// Records the service team's first response (a reply in the ticket group) once, takes
    /// the ticket out of the SLA index and counts it for the reports. `ConditionFailed`: it was
    /// recorded meanwhile (or the counters were busy): read again.
    pub async fn mark_first_response(
        &self,
        ticket: &Ticket,
        at: Epoch,
        counts: &[Count<'_>],
    ) -> Result<(), StoreError> {
        let up = self
            .ticket_update(&ticket.app_id, ticket.number)
            .update_expression("SET first_response_at = :at REMOVE gsi1pk, gsi1sk")
            .condition_expression(
                "attribute_exists(pk) AND (attribute_not_exists(first_response_at) OR attribute_type(first_response_at, :null))",
            )
            .expression_attribute_values(":at", n(at))
            .expression_attribute_values(":null", s("NULL"));
        let mut writes = vec![TransactWriteItem::builder()
            .update(built(up.build())?)
            .build()];
        writes.extend(self.counts_writes(counts)?);
        self.transact(writes).await
    }

    /// Tickets of one SLA hour whose first response is due by `until` and still missing.
    pub async fn sla_due(&self, hour: i64, until: Epoch) -> Result<Vec<Ticket>, StoreError> {
        self.due_in_bucket(keys::sla_bucket(hour), until).await
    }

    /// Records that the SLA warning (`breach` false) or breach notice went out, once: `false` if
    /// another run recorded it first. A breach also takes the ticket out of the SLA index.
    /// Records that the resolution warning (or breach notice) went out; `false` if another run
    /// recorded it first.
    pub async fn mark_resolution_notice(
        &self,
        ticket: &Ticket,
        breach: bool,
    ) -> Result<bool, StoreError> {
        let field = if breach {
            "resolution_breach_notified"
        } else {
            "resolution_warned"
        };
        let up = self
            .ticket_update(&ticket.app_id, ticket.number)
            .update_expression(format!("SET {field} = :yes"))
            .condition_expression(format!(
                "attribute_exists(pk) AND (attribute_not_exists({field}) OR {field} = :no)"
            ))
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .expression_attribute_values(":no", AttributeValue::Bool(false));
        self.update_unless_done(up).await
    }

    pub async fn mark_sla_notice(&self, ticket: &Ticket, breach: bool) -> Result<bool, StoreError> {
        let field = if breach {
            "sla_breach_notified"
        } else {
            "sla_warned"
        };
        let remove = if breach { " REMOVE gsi1pk, gsi1sk" } else { "" };
        let up = self
            .ticket_update(&ticket.app_id, ticket.number)
            .update_expression(format!("SET {field} = :yes{remove}"))
            .condition_expression(format!(
                "attribute_exists(pk) AND (attribute_not_exists({field}) OR {field} = :no)"
            ))
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .expression_attribute_values(":no", AttributeValue::Bool(false));
        self.update_unless_done(up).await
    }

    fn keyed_pages(schedule: &PageSchedule) -> Keyed<'_, PageSchedule> {
        let at = schedule.next_page_at;
        let keyed = Keyed::item(
            keys::emergencies(&schedule.app_id),
            keys::emergency_slot(schedule.slot),
            schedule,
        );
        if schedule.escalated {
            return keyed;
        }
        keyed.indexed(
            keys::repage_bucket(keys::hour_of(at)),
            format!("{at:012}#{}#{:08}", schedule.app_id, schedule.number),
        )
    }

    /// The organisation's emergencies in their slots (unacknowledged, or ended since without the
    /// slot being cleared yet).
    pub async fn emergency_slots(&self, app_id: &AppId) -> Result<Vec<PageSchedule>, StoreError> {
        self.query_prefix(keys::emergencies(app_id), keys::SLOT_PREFIX)
            .await
    }

    /// Declares an emergency: the ticket goes to the top severity and records it (only if open
    /// and not already in an emergency), its re-page schedule starts, and its group says so.
    /// `due`: a tighter first-response deadline (S1's), which moves the ticket in the SLA index
    /// and makes its warning due again.
    pub async fn declare_emergency(&self, d: &Declaration<'_>) -> Result<(), StoreError> {
        let Declaration {
            ticket,
            emergency,
            schedule,
            replaces,
            line,
            due,
            audit,
            counts,
            now,
        } = *d;
        let mut set = String::from("SET severity = :sev, emergency = :e, updated_at = :now");
        if due.is_some() {
            set.push_str(
                ", first_response_due = :due, sla_warned = :false, gsi1pk = :bucket, gsi1sk = :slot",
            );
        }
        let mut up = self
            .ticket_update(&ticket.app_id, ticket.number)
            .update_expression(set)
            .condition_expression(
                "#st = :status AND (attribute_not_exists(emergency) OR attribute_type(emergency, :null))",
            )
            .expression_attribute_names("#st", "status")
            .expression_attribute_values(":sev", attr(&crate::domain::tickets::Severity::Sev1)?)
            .expression_attribute_values(":e", attr(emergency)?)
            .expression_attribute_values(":status", attr(&ticket.status)?)
            .expression_attribute_values(":null", s("NULL"))
            .expression_attribute_values(":now", n(now));
        if let Some(due) = due {
            up = up
                .expression_attribute_values(":due", n(due))
                .expression_attribute_values(":false", AttributeValue::Bool(false))
                .expression_attribute_values(":bucket", s(keys::sla_bucket(due.div_euclid(3600))))
                .expression_attribute_values(
                    ":slot",
                    s(keys::sla_slot(due, &ticket.app_id, ticket.number)),
                );
        }
        let mut writes = vec![
            TransactWriteItem::builder()
                .update(built(up.build())?)
                .build(),
            Self::put_write(match replaces {
                None => self
                    .put_builder(&Self::keyed_pages(schedule))?
                    .condition_expression("attribute_not_exists(pk)"),
                Some(stale) => self
                    .put_builder(&Self::keyed_pages(schedule))?
                    .condition_expression("#number = :stale")
                    .expression_attribute_names("#number", "number")
                    .expression_attribute_values(":stale", n(stale as i64)),
            })?,
            self.audit_write(audit)?,
        ];
        writes.extend(self.counts_writes(counts)?);
        writes.extend(self.append_writes(line, now)?);
        self.transact_with_line(writes, line).await
    }

    /// Re-page schedules due by `now` in one hour's bucket.
    pub async fn due_pages(&self, hour: i64, now: Epoch) -> Result<Vec<PageSchedule>, StoreError> {
        self.due_in_bucket(keys::repage_bucket(hour), now).await
    }

    /// Counts one more page and moves the schedule on, only if nobody did since `seen`.
    pub async fn repage(&self, schedule: &PageSchedule, next_at: Epoch) -> Result<(), StoreError> {
        let moved = PageSchedule {
            pages: schedule.pages + 1,
            next_page_at: next_at,
            ..schedule.clone()
        };
        let ticket = self
            .ticket_update(&schedule.app_id, schedule.number)
            .update_expression("SET emergency.pages = :p")
            .condition_expression("attribute_exists(emergency)")
            .expression_attribute_values(":p", n(i64::from(moved.pages)));
        self.transact(vec![
            self.schedule_moved(schedule, &moved)?,
            TransactWriteItem::builder()
                .update(built(ticket.build())?)
                .build(),
        ])
        .await
    }

    /// The pages ran out: the schedule leaves the re-page index (the slot stays taken), only if
    /// nobody moved it since `seen`.
    pub async fn escalate(&self, schedule: &PageSchedule) -> Result<(), StoreError> {
        let moved = PageSchedule {
            escalated: true,
            ..schedule.clone()
        };
        self.transact(vec![self.schedule_moved(schedule, &moved)?])
            .await
    }

    /// `seen` becomes `moved`, only while its slot still holds `seen` as it was.
    fn schedule_moved(
        &self,
        seen: &PageSchedule,
        moved: &PageSchedule,
    ) -> Result<TransactWriteItem, StoreError> {
        Self::put_write(
            self.put_builder(&Self::keyed_pages(moved))?
                .condition_expression("pages = :seen AND #number = :number")
                .expression_attribute_names("#number", "number")
                .expression_attribute_values(":seen", n(i64::from(seen.pages)))
                .expression_attribute_values(":number", n(seen.number as i64)),
        )
    }

    /// Frees the slot of ticket `number`'s emergency (acknowledged, or the ticket ended), if it
    /// still holds it.
    pub async fn stop_pages(
        &self,
        app_id: &AppId,
        slot: u8,
        number: u64,
    ) -> Result<(), StoreError> {
        let deleted = self
            .db
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(keys::emergencies(app_id)))
            .key("sk", s(keys::emergency_slot(slot)))
            .condition_expression("#number = :number")
            .expression_attribute_names("#number", "number")
            .expression_attribute_values(":number", n(number as i64))
            .send()
            .await
            .map_err(write_err);
        // The slot holds another emergency already, or none: nothing to free.
        applied(deleted).map(|_| ())
    }

    /// Records that `open_id` asked to join ticket `number`'s group: `false` if they asked less
    /// than `again_after` seconds ago (nothing written then).
    pub async fn ask_to_join(
        &self,
        app_id: &AppId,
        number: u64,
        open_id: &OpenId,
        again_after: Epoch,
        now: Epoch,
    ) -> Result<bool, StoreError> {
        let (pk, sk) = keys::ask_to_join(app_id, number, open_id);
        let asked = self
            .db
            .put_item()
            .table_name(&self.table)
            .item("pk", s(pk))
            .item("sk", s(sk))
            .item("at", n(now))
            .item("ttl", n(now + again_after + 24 * 3600))
            .condition_expression("attribute_not_exists(pk) OR #at <= :before")
            .expression_attribute_names("#at", "at")
            .expression_attribute_values(":before", n(now - again_after))
            .send()
            .await
            .map_err(write_err);
        applied(asked)
    }

    /// Claims the organisation's on-call post for now: `false` if it had one less than `quiet`
    /// seconds ago (the emergencies it lists reach on-call with the next one).
    pub async fn claim_oncall_post(
        &self,
        app_id: &AppId,
        quiet: Epoch,
        now: Epoch,
    ) -> Result<bool, StoreError> {
        let (pk, sk) = keys::oncall(app_id);
        let claimed = self
            .db
            .update_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .update_expression("SET posted_at = :now, #ttl = :ttl")
            .condition_expression("attribute_not_exists(posted_at) OR posted_at <= :before")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":before", n(now - quiet))
            .expression_attribute_values(":ttl", n(now + quiet + 24 * 3600))
            .send()
            .await
            .map_err(write_err);
        applied(claimed)
    }

    /// Records who acknowledged an emergency, once; `ConditionFailed` if someone already did.
    /// The caller then frees its slot (`stop_pages`): a slot whose emergency was acknowledged
    /// counts as free anyway.
    pub async fn acknowledge_emergency(
        &self,
        ticket: &Ticket,
        by: &str,
        line: &Message,
        audit: &AuditEntry,
        counts: &[Count<'_>],
        now: Epoch,
    ) -> Result<(), StoreError> {
        let up = self.ticket_update(&ticket.app_id, ticket.number)
            .update_expression("SET emergency.acknowledged_by = :by, emergency.acknowledged_at = :now")
            .condition_expression(
                "attribute_exists(emergency.reason) AND (attribute_not_exists(emergency.acknowledged_by) OR attribute_type(emergency.acknowledged_by, :null))",
            )
            .expression_attribute_values(":by", s(by))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":null", s("NULL"));
        let mut writes = vec![
            TransactWriteItem::builder()
                .update(built(up.build())?)
                .build(),
            self.audit_write(audit)?,
        ];
        writes.extend(self.counts_writes(counts)?);
        writes.extend(self.append_writes(line, now)?);
        self.transact_with_line(writes, line).await
    }

    /// Switches a staff member on or off duty (only that flag).
    pub async fn set_on_duty(
        &self,
        provider_app: &AppId,
        open_id: &OpenId,
        on_duty: bool,
        audit: &crate::domain::audit::AuditEntry,
    ) -> Result<(), StoreError> {
        let up = Update::builder()
            .table_name(&self.table)
            .key("pk", s(keys::app(provider_app)))
            .key("sk", s(keys::staff(open_id)))
            .update_expression("SET on_duty = :on")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":on", AttributeValue::Bool(on_duty));
        self.transact(vec![
            TransactWriteItem::builder()
                .update(built(up.build())?)
                .build(),
            self.audit_write(audit)?,
        ])
        .await
    }

    /// Changes a staff member's name and avatar only, leaving counters others update alone.
    pub async fn update_staff_profile(
        &self,
        provider_app: &AppId,
        open_id: &OpenId,
        name: &str,
        avatar: &str,
    ) -> Result<(), StoreError> {
        let up = Update::builder()
            .table_name(&self.table)
            .key("pk", s(keys::app(provider_app)))
            .key("sk", s(keys::staff(open_id)))
            .update_expression("SET #name = :name, avatar = :avatar")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#name", "name")
            .expression_attribute_values(":name", s(name))
            .expression_attribute_values(":avatar", s(avatar));
        self.transact(vec![TransactWriteItem::builder()
            .update(built(up.build())?)
            .build()])
            .await
    }
}
