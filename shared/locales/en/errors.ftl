# Errors: the titles of error pages and the messages of refusals (JSON `message`, toasts, pages).

error-title-bad-request = That request could not be used
error-title-sign-in = Please sign in
error-title-forbidden = You do not have access
error-title-not-found = Not found
error-title-conflict = Already done
error-title-gone = This link has ended
error-title-too-soon = Not yet
error-title-too-large = Too large
error-title-unavailable = Temporarily unavailable

error-too-large = The request body is larger than { $bytes } bytes.
error-lark = Lark could not be reached or answered with an error; please try again shortly.
error-store = The service is having trouble storing data; please try again shortly.
error-secrets = Encryption service failure; please try again shortly.
error-unavailable = The service is busy; please try again shortly.
error-internal = Something went wrong on our side.
error-session-other-org = Your session belongs to another organisation.
error-not-staff = You are not registered as staff of this deployment.
error-logout-scope = scope must be "this" or "everywhere", not “{ $given }”.
error-lang-unknown = tamlink speaks English (en) and Simplified Chinese (zh-CN), not “{ $given }”.
error-session-ended = This session has ended (signed out). Open the app from Lark to sign in again.
error-not-signed-in = Your session has expired or you are not signed in.
error-message-empty = Write a message before sending.
error-message-long = Messages can be at most { $max } characters; this one has { $chars }.
error-message-control = The message contains control characters.
error-mentions-many = A message can mention at most { $max } people.
error-mention-nonmember = You can only mention members of this group. Add them with Add People first.
error-remove-service = Service team members are assigned from the staff console, not removed from the group.
error-remove-not-allowed = You can leave a group, or remove colleagues you added; your TAM can remove others.
error-group-unknown = Group { $group } does not exist or you are not a member of it.
error-client-id = client_id must be 1-64 letters, digits, '-' or '_'.
error-seq = { $key } must be a message number (0 to { $max }).
error-before = before must be a message number of 1 or more.
error-not-member = That person is not a member of this group.
error-cursor = cursor must be the `next` of the previous page.
error-staff-only = This action belongs to the staff console.
error-manage-customers = Only TAMs, managers and admins manage customer organisations.
error-org-unknown = No organisation is registered for the Lark app { $app }.
error-sign-in-again = { $why } Open the app again from Lark to sign in ({ $workbench }).
why-sign-in-incomplete = This sign-in link is incomplete (no code or state).
why-sign-in-used = This sign-in link has already been used or has expired.
why-sign-in-invalid = This sign-in link is not valid ({ $detail }).
why-sign-in-elsewhere = This sign-in was started in another browser or window.
error-sign-in-cancelled = Sign-in was cancelled in Lark. Open the app again from Lark to sign in.
error-sign-in-incomplete-lark = Lark did not complete the sign-in. Open the app again from Lark to sign in.
error-foreign-tenant = This app is for members of { $org }. Your Lark account belongs to another organisation.
error-code-expired = Lark says this sign-in code has expired or was already used. Open the app again from Lark.
error-not-available = Your Lark account is not in this app's availability range; ask your Lark admin.
error-not-staff-ask = You are not registered as staff of this deployment. Ask an administrator to add you.
error-monthly-calls-number = monthly_calls must be a number; leave it out for the free plan's 10,000.
error-monthly-calls-min = monthly_calls must be at least 1 (leave it out for the free plan's 10,000).
error-first-response-four = first_response_minutes must give the four targets; leave it out to keep the current ones.
error-brand-unknown = brand is lark or feishu, not “{ $given }”.
error-links-max = This group already has { $max } active links; revoke one first.
error-link-unknown = This group has no such invitation link.
error-link-ended = This link has already been revoked or has expired.
error-link-incomplete = This invitation link is incomplete. Copy the whole link from the message you received.
error-link-invalid = This invitation link is not valid: it was changed or copied incompletely. Ask for a new one.
error-link-other-app = This invitation belongs to another organisation's app. Open it from the Lark app it was made for.
error-invitation-gone = This invitation no longer exists.
error-invitation-group-gone = The group of this invitation no longer exists.
error-link-expired = This invitation link has expired: links work for 24 hours. Ask a member of the group for a new one.
error-link-revoked-by = This invitation link was revoked by { $who }. Ask a member of the group for a new one.
error-link-revoked = This invitation link was revoked by a member of the group. Ask a member of the group for a new one.
error-org-not-registered = This organisation is not registered.
error-link-colleagues-only = Invitation links are for colleagues of the organisation. Service team members are added from the staff console.
error-join-again = Please try joining again.
error-callback-keys = The Verification Token (and the Encrypt Key, if you set one) are single words from Events & Callbacks → Encryption Strategy.
error-org-name-missing = Organisation name is required.
error-org-name-long = Organisation name must be at most { $max } characters.
error-app-secret-missing = App Secret is required: copy it from Credentials & Basic Info.
error-neither-brand = Neither Lark nor Feishu accepts this App ID and App Secret ({ $codes }). Copy both again from Credentials & Basic Info in your developer console (open.larksuite.com/app or open.feishu.cn/app).
error-brand-rejected = { $product } rejected this App ID and App Secret (code { $code }). Copy both again from Credentials & Basic Info in the { $product } developer console ({ $console }).
error-already-registered-recheck = { $app } is already registered; use Re-check to verify it again.
error-already-registered = { $app } is already registered.
error-provider-app = This deployment's provider app is { $app }; PROVIDER_APP_ID must name the app you register.
error-own-app = That is the provider's own app, not a customer's.
error-staff-role = { $who } is not a staff member with a suitable role.
error-only-customers-activated = Only customer organisations are activated.
error-already-active = { $org } is already active.
error-checklist-fails = The app still fails the checklist; fix the items marked ✗ and press Re-check first.
error-tickets-by-colleagues = Tickets are opened by the customer's colleagues, from their workbench.
error-channel-inactive = Your organisation's support channel is not active yet; your TAM activates it.
error-nobody-to-take = Nobody on the service team can take tickets right now and no TAM is assigned; ask your provider.
error-emergency-customer = Emergency is the customer's button.
error-emergency-confirm = Confirm that this is an emergency (data loss, data corruption or a business outage).
error-emergency-exists = An emergency was already declared on #{ $number } by { $who }.
error-emergency-exists-acked = An emergency was already declared on #{ $number } by { $who } and acknowledged by { $by }.
error-emergencies-open = { $org } already has { $max } emergencies that nobody has acknowledged yet: { $first }; { $second }. The service team is being paged for them; add what you know to those tickets, or declare this one once either is acknowledged.
emergency-open-item = #{ $number } declared by { $who }, paged { $paged }
error-ack-service = Emergencies are acknowledged by the service team.
error-no-emergency = Ticket #{ $number } has no emergency.
error-already-acknowledged = { $who } already acknowledged this emergency.
error-product-long = Product and category can be at most { $max } characters.
error-product-one-line = Product and category are one line without control characters.
error-ticket-unknown = Ticket { $ticket } does not exist or is not yours to see.
error-rate-customers = Customers rate the support they got.
error-rating-range = A rating is 1 to 5.
error-rate-open = #{ $number } is still open; rate it once it is resolved.
error-rate-reopened = #{ $number } was reopened; rate it once it is resolved again.
error-reminder-customer = Reminder is the customer's button; reply in the ticket group instead.
error-reminder-too-soon = The team was reminded { $ago ->
    [0] just now
    [one] { $ago } minute ago
   *[other] { $ago } minutes ago
}; the next reminder is possible in { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}.
error-missing-param = The address is missing { $name }.
error-json-content-type = Send the request body as JSON (Content-Type: application/json).
error-json-invalid = The request body is not valid JSON for this action: { $detail }.
error-cross-site = This request came from another site; tamlink accepts changes only from its own pages.
error-invalid-id = { $value } is not a valid { $what ->
    [app_id] Lark App ID (it looks like cli_a1b2c3d4e5f6)
    [open_id] Lark open_id
    [group_id] group id
    [invitation_id] invitation id
   *[ticket_id] ticket id (app.number)
}.
error-share-range = The share must be between 1 and 100 percent.
error-free-plan-calls = A free plan needs its monthly number of calls (10,000 on Lark Starter).
error-reassign-staff = Tickets are handed on by the service team.
error-reassign-who = Only the ticket's TAM, a manager or admin, or its assignee can hand it to another engineer.
error-reassign-target = { $who } is not an engineer serving this organisation.
error-reassign-same = #{ $number } is already with { $who }.
error-settings-empty = Send at least one setting to change.
error-rate-creator = { $who } opened this ticket, so { $who } rates it.
error-rating-locked = Ratings can be changed for 7 days; the rating of #{ $number } is final now.
error-setting-line = { $what ->
    [display_name] The display name
    [products] Each product
   *[categories] Each category
} is one line of 1 to 100 characters.
error-setting-choices-many = Offer at most { $max } { $what ->
    [products] products
   *[categories] categories
}.
error-setting-choices-twice = “{ $item }” is listed twice.
error-invite-only = Your organisation makes Add People links through its TAM; ask them for one.
error-product-unknown = { $what ->
    [product] Pick a product your organisation offers: { $choices }.
   *[category] Pick a category your organisation offers: { $choices }.
}
error-audit-day = { $name } is a day written as 2026-11-30, not “{ $given }”.
error-audit-kind = “{ $given }” is not a kind of audit entry.
error-audit-range = The range ends before it starts.
error-audit-format = format is json or csv, not “{ $given }”.
error-report-month = A report's month is written as 2026-11, not “{ $given }”.
error-report-future = { $month } has not begun yet: reports cover this month and the ones before it.
error-report-format = format is html or csv, not “{ $given }”.
error-report-staff = You can see your own month; managers and admins see everyone's.
error-report-unknown-staff = Nobody on the service team has the open_id { $who }.
error-read-seq = seq is a message number from 0 to { $max }.
error-socket-only = This address is tamlink's chat socket; open it from a group's page.
error-socket-origin = The chat socket accepts connections only from tamlink's own pages.
error-socket-ticket = This chat socket ticket is for another app or group; reload the page.
error-busy-sign-in = Too many sign-ins to this organisation right now; please try again in { $seconds ->
    [one] { $seconds } second
   *[other] { $seconds } seconds
}.
error-busy-card = Too many card presses for this organisation right now; please try again in { $seconds ->
    [one] { $seconds } second
   *[other] { $seconds } seconds
}.
error-tickets-person = You have opened { $max } tickets in the last few minutes, the most one person can open in 10 minutes; you can open the next one in { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}. For an outage, press Emergency on one of them instead.
error-tickets-org = Your organisation has opened { $max } tickets this hour, the most it can open in an hour; the next one can be opened in { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}. Add to an open ticket meanwhile.
error-not-in-service-group = You are not in { $org }'s service group, so you cannot open tickets here. Ask your TAM to add you back.
error-provider-encrypt-key = The provider app needs its Events & Callbacks keys, the Encrypt Key among them: the service team acts from its cards, and only encrypted, signed presses prove who pressed. Set LARK_VERIFICATION_TOKEN and LARK_ENCRYPT_KEY.
error-already-in-ticket = You are already in the group of #{ $number }.
error-asked-today = You already asked { $who } today to add you to #{ $number }; they have been told.
