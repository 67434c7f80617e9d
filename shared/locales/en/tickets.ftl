# Tickets: severities, statuses, moves, SLAs, emergencies, ratings and their refusals.

severity-sev1 = S1 · Critical
    .describe = S1 · Critical: business down or data at risk
severity-sev2 = S2 · High
    .describe = S2 · High: a major function impaired, no workaround
severity-sev3 = S3 · Normal
    .describe = S3 · Normal: impaired, with a workaround
severity-sev4 = S4 · Low
    .describe = S4 · Low: a question or a minor issue

status-open = Open
status-assigned = Assigned
status-in-progress = In progress
status-waiting-on-customer = Waiting on customer
status-resolved = Resolved
status-closed = Closed

move-reopen = Reopen
move-back-to-team = Back to the service team
move-start-work = Start work
move-wait-for-customer = Wait for the customer
move-resolve = Mark resolved
move-close = Close the ticket

ticket-already = The ticket is already { $status ->
    [open] open
    [assigned] assigned
    [in_progress] in progress
    [waiting_on_customer] waiting on the customer
    [resolved] resolved
   *[closed] closed
}.
ticket-cannot-go = A ticket cannot go from { $from ->
    [open] open
    [assigned] assigned
    [in_progress] in progress
    [waiting_on_customer] waiting on the customer
    [resolved] resolved
   *[closed] closed
} to { $to ->
    [open] open
    [assigned] assigned
    [in_progress] in progress
    [waiting_on_customer] waiting on the customer
    [resolved] resolved
   *[closed] closed
}.
ticket-you-cannot-move = You cannot move a ticket from { $from ->
    [open] open
    [assigned] assigned
    [in_progress] in progress
    [waiting_on_customer] waiting on the customer
    [resolved] resolved
   *[closed] closed
} to { $to ->
    [open] open
    [assigned] assigned
    [in_progress] in progress
    [waiting_on_customer] waiting on the customer
    [resolved] resolved
   *[closed] closed
}.

sla-target-range = { $kind ->
    [resolution] Resolution targets
   *[first_response] First-response targets
} must be between 1 minute and { $days } days.
sla-target-order = A more severe ticket cannot have a later { $kind ->
    [resolution] resolution target
   *[first_response] first-response target
}.

emergency-reason = { $reason ->
    [data_loss] data loss
    [data_corruption] data corruption
   *[business_outage] business outage
}

rating-comment-long = A comment can be at most { $max } characters.
rating-comment-one-line = A comment is one line without control characters.
ticket-title-long = The title can be at most { $max } characters.
ticket-title-missing = Give the ticket a title.
ticket-title-one-line = The title must be one line without control characters.
ticket-description-long = The description can be at most { $max } characters.
ticket-description-control = The description contains control characters.
ticket-closed-emergency = Ticket #{ $number } is { $status ->
    [resolved] resolved
   *[other] closed
}; open a new ticket for a new emergency.
ticket-closed-reminder = Ticket #{ $number } is { $status ->
    [resolved] resolved
   *[other] closed
}; reopen it if the problem is back.
sla-met = First response met
sla-late = First response late
sla-closed-unanswered = Closed without response
sla-overdue = Response overdue by { $hours ->
    [0] { $minutes }m
   *[other] { $hours }h { $minutes }m
}
sla-due-hours = Response due in { $hours }h { $minutes }m
sla-due-minutes = Response due in { $minutes }m
reminder-again-in = { $minutes ->
    [0] now
    [one] in { $minutes } minute
   *[other] in { $minutes } minutes
}
ticket-closed-reassign = Ticket #{ $number } is { $status ->
    [resolved] resolved
   *[other] closed
}; reopen it to hand it on.
resolution-due-hours = Resolution due in { $hours }h { $minutes }m
resolution-due-minutes = Resolution due in { $minutes }m
resolution-overdue = Resolution overdue by { $hours ->
    [0] { $minutes }m
   *[other] { $hours }h { $minutes }m
}
resolution-paused = Resolution clock paused while waiting on the customer
resolution-met = Resolved in time
resolution-late = Resolved late
audit-with-changes = { $what } ({ $changes })
audit-ticket-created = { $who } opened the ticket
audit-ticket-moved = { $who } moved it
audit-ticket-reassigned = { $who } handed it on
audit-ticket-reminded = { $who } reminded the team
audit-emergency-declared = { $who } declared an emergency
audit-emergency-acknowledged = { $who } acknowledged the emergency
audit-ticket-rated = { $who } rated it
audit-title = History
audit-settings-changed = { $who } changed the organisation's settings
audit-plan-changed = { $who } changed the plan
audit-signed-in = { $who } signed in
audit-joined = { $who } joined the service group
audit-left = { $who } left a group
audit-removed = { $who } removed someone from a group
audit-link-made = { $who } made an invitation link
audit-link-revoked = { $who } revoked an invitation link
audit-link-used = { $who } joined with an invitation link
audit-registered = { $who } registered the organisation
audit-activated = { $who } activated the organisation
audit-callback-keys-changed = { $who } set the app's callback keys
audit-tenant-changed = { $who }'s re-check found the app's tenant changed
audit-signed-out-everywhere = { $who } signed out everywhere
audit-sessions-ended = { $who } ended someone's sessions
audit-duty-changed = { $who } switched their duty
