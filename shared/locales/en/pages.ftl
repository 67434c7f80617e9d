# Pages: the workbench, the staff console, the setup guide, invitations, sign-in and sign-out.

lang-switch = Language
lang-switch-go = Change
sign-out = Sign out
signed-out = Signed out
signed-out-here = You have signed out of this app.
signed-out-everywhere = You have signed out of this app everywhere: every browser and device.
sign-in-again = Sign in again
cancel = Cancel
close = Close
copy = Copy
someone = someone
none-yet = None yet
on-duty = on duty
participants = Participants
service-team = Service team
colleagues = Colleagues
members = Members
add-people = Add People
tickets = Tickets
ticket = Ticket
role-short = { $role ->
    [tam] TAM
    [engineer] Engineer
    [manager] Manager
   *[admin] Admin
}
role-tam = Technical Account Manager
role-engineer = Support engineer
role-manager = Support manager
role-admin = Administrator

workbench-title = Enterprise Service Workstation
workbench-enterprise-number = Enterprise number
workbench-service-active = Service active
workbench-being-set-up = Being set up by your TAM
workbench-service-group = Service group
workbench-invite-only = Your organisation joins the service group by invitation. Ask a colleague who is a member to use Add People and send you a link.
workbench-no-service-group = No service group yet. Your TAM binds it when the Lark channel is activated.
tickets-none = No tickets yet. When you open one, it appears here with its status, severity, assignee and SLA.
ticket-create = Create Ticket
ticket-open = Open the ticket
ticket-field-title = Title
ticket-field-severity = Severity
ticket-field-status = Status
ticket-field-assignee = Assignee
ticket-field-description = What happened?
ticket-field-product = Product (optional)
ticket-field-category = Category (optional)
ticket-tam-holds = (TAM, nobody on duty)
ticket-rated = Rated { $score }/5 by { $who }
groups-yours = Your groups
group-ticket = Ticket group
group-refresh = new messages appear by themselves

emergency = Emergency
emergency-pill = EMERGENCY
emergency-banner = Emergency: { $reason ->
    [data_loss] data loss
    [data_corruption] data corruption
   *[business_outage] business outage
}, declared by { $who }.
emergency-paged = The service team has been paged { $pages ->
    [one] once
   *[other] { $pages } times
}; pages repeat every 15 minutes, four in all, until someone acknowledges.
emergency-acknowledged-by = Acknowledged by { $who }.
emergency-declare = Declare an emergency
emergency-explain = The ticket goes to S1 · Critical, your assignee, your TAM and the managers on duty are paged at once, and again every 15 minutes until someone acknowledges (four pages in all, then the provider's on-call team is told).
emergency-reason-label = { $reason ->
    [data_loss] Data loss
    [data_corruption] Data corruption
   *[business_outage] Business outage
}
emergency-confirm = Yes, our business is affected right now.
emergency-page = Page the service team
reminder-button = { $sent ->
    [0] Reminder
   *[other] Reminder ({ $sent } sent)
}
reminder-possible-again = Reminder is possible again { $when }.

chat-older = Load earlier messages
chat-empty = No messages yet. Say hello to your service team.
chat-placeholder = Message the group · @ to mention · Enter to send, Shift+Enter for a new line
chat-message = Message
chat-send = Send
members-title = Group Member Management
invite-how = Send a colleague of your organisation a link. It works for 24 hours; they sign in with Lark and join this group.
invite-create = Create a link
invite-link = Invitation link
invite-active = Active links
js-unexpected = Unexpected answer from the server.
js-checking = Checking with Lark…
js-you = (you)
js-leave = Leave
js-remove = Remove
js-confirm-leave = Leave this group?
js-confirm-remove = Remove %name% from this group?
js-revoke = Revoke
js-no-links = No active links.
js-did-not-work = That did not work.
js-service-team-short = service team
js-link = By %by% · until %until% · joined %joined%

console-title = Staff console
console-all-orgs = All organisations
console-open-tickets = Open tickets
console-no-open-tickets = No open tickets in the organisations you serve.
console-orgs = Organisations you serve
console-no-orgs = No organisations yet.
console-register-first = Register the first one with the form.
org-active = Active
org-ready = Ready to activate
org-needs-fixes = Needs fixes
org-people = TAM: { $tam } · Engineers: { $engineers } · Service group members: { $members }
org-checklist = Checklist
org-recheck = Re-check
org-activate = Activate
org-setup-values = Setup values for the customer
org-open-service-group = Open service group
org-language = Language for people who have not chosen
org-settings-save = Save settings
org-csat = Ask for a rating when a ticket is resolved
budget-heading = { $product } API, { $month }:
budget-calls-of = { $calls } calls of { $allowance } ({ $share }% of the free plan's { $monthly }) · projected { $projected } by month end.
budget-calls-paid = { $calls } calls (paid plan: unmetered).
budget-pace = Notifications { $pace }
budget-exhausted = Lark reports this organisation's monthly quota as spent.
pace-normal = sent as they come: at most one DM per person every 10 minutes
pace-half = grouped: at most one DM per person every 30 minutes
pace-three-quarters = grouped: at most one DM per person every 2 hours
pace-nearly = grouped: at most one DM per person every 8 hours
pace-hold = held until the 1st; emergency pages still go out
plan = Plan
plan-free = Free (Starter)
plan-paid = Paid
plan-calls = Calls/month
plan-share = tamlink's share %
plan-save = Save plan
keys-on = Act from cards: on.
keys-off = Act from cards: off (links only).
keys-set = Set keys
keys-replace = Replace keys
undeliverable-count = { $count ->
    [one] { $count } notification could not be delivered
   *[other] { $count } notifications could not be delivered
}
register-title = Register a customer
register-explain = The customer's admin sends these three values (guide, Step 3). tamlink checks them against Lark or Feishu before accepting.
register-org-name = Organisation name
register-brand = Lark or Feishu
register-brand-detect = Find out from the App ID
register-engineers = Engineers of the plan
register-submit = Verify and register
duty-go-on = Go on duty
duty-go-off = Go off duty

invite-join-title = Join { $group }
invite-context = Invitation
invite-invited-you = { $inviter } invited you to join
invite-explain = Chat with your colleagues, your TAM and the support engineers.
invite-until = This link works until
invite-join = Join the group
invite-already-title = You are already in this group
invite-already = You are already a member of { $group }.
invite-open-group = Open the group

setup-title = { $product } setup values for { $app }
setup-context = { $product } app setup
setup-heading = Your { $product } app's settings
setup-intro = Exact values for App ID { $app }, step by step as in the integration guide.
setup-brand = Your organisation uses
setup-console = Take these steps in the { $product } Developer Console.
setup-step-homepage = Step 4 · Web app Desktop Homepage URL
setup-step-scopes = Step 5 · Permissions & Scopes → Batch Import
setup-step-redirects = Step 6.1 · Security Settings → Redirect URLs
setup-step-trusted = Step 6.2 · H5 trusted domains
setup-then-publish = Then publish a version (Step 7) and send your organisation name, App ID and App Secret to your TAM.
setup-optional-cards = Optional · act from the cards
setup-callbacks-how = So your people can press Remind the team (and more) on tamlink's cards in { $product } instead of opening the app: in Events & Callbacks, set an Encrypt Key (recommended) under Encryption Strategy, then under Callback Configuration choose "Send callbacks to developer server", enter the request URL below ({ $product } checks it at once) and add the callback card.action.trigger. Publish a version, and send the Verification Token and the Encrypt Key to your TAM with the App Secret.
setup-step-callback = Events & Callbacks → Callback Configuration → Request URL

check-credentials = App ID and App Secret accepted by { $product }
check-fix-in-console = { $fix } Developer console: { $console }
check-callback = Card callbacks come to this deployment (optional)
check-callback-not-set-up = Card callbacks (optional): not set up
check-encrypt-key = Card presses are encrypted and signed (Encrypt Key)
check-encrypt-key-fix = Without an Encrypt Key, anyone who has seen one card press can press buttons as anyone in the organisation. Set one under Events & Callbacks → Encryption Strategy, then enter it with the Verification Token in tamlink's callback keys.
check-callback-elsewhere = They go to { $url }: in Events & Callbacks → Callback Configuration, send callbacks to { $expected } and add card.action.trigger; set an Encrypt Key; then publish a new version in Version Management & Release; then give the Verification Token and Encrypt Key to tamlink (console → Set keys).
check-callback-how = The app's callback URL is not reported. To let people act from cards, in Events & Callbacks → Callback Configuration, send callbacks to { $expected } and add card.action.trigger; set an Encrypt Key; then publish a new version in Version Management & Release; then give the Verification Token and Encrypt Key to tamlink (console → Set keys).
check-scope = Scope { $scope } granted
check-scope-unapproved = Scope { $scope } is requested but not approved: ask your admin to approve it in the Admin Console, then publish a new version in Version Management & Release.
check-scope-missing = Add scope { $scope } in Permissions & Scopes, then publish a new version in Version Management & Release.
check-published = App published and enabled
check-published-unreadable = Could not read the app's configuration: add scope application:application:self_manage, then publish a new version in Version Management & Release.
check-published-fix = Publish a version in Version Management & Release and make sure the app is enabled.
check-bot = Bot feature enabled
check-bot-fix = In Add Features, add the Bot feature, then publish a new version in Version Management & Release.
check-homepage = Web app Desktop Homepage URL
check-homepage-fix = In Web App configurations set the Desktop Homepage URL to { $expected } (it is now { $now }), then publish a new version in Version Management & Release.
check-homepage-fix-empty = In Web App configurations set the Desktop Homepage URL to { $expected } (it is empty), then publish a new version in Version Management & Release.
check-homepage-fix-no-web-app = In Web App configurations set the Desktop Homepage URL to { $expected } (the Web app feature is missing: add it in Add Features), then publish a new version in Version Management & Release.
check-redirects = The 5 redirect URLs in Security Settings
check-redirects-fix = In Security Settings → Redirect URLs add: { $missing }, then publish a new version in Version Management & Release.
check-org-name = Organisation name matches { $product }
check-org-name-is = Organisation name matches { $product } (“{ $name }”)
check-org-unreadable = Could not read the organisation: add scope tenant:tenant:readonly, then publish a new version in Version Management & Release.
check-org-name-fix = { $product } says this app belongs to “{ $name }” but the name typed was “{ $typed }”. Check that the App ID is the customer's, or correct the name.
service-group-name = { $org } · Enterprise Service
reassign = Hand to
reassign-to = Engineer to hand the ticket to
rate-prompt = How was the support on this ticket?
rate-change = You can change your rating for 7 days.
rate-submit = Send rating
org-auto-join = Colleagues join the service group when they sign in
org-invite-only = Only the TAM makes Add People links
org-display-name = Display name
org-products = Products (comma-separated)
org-categories = Categories (comma-separated)
audit-all-kinds = every kind
audit-from = from
audit-to = to
audit-csv = Download CSV

## Reports
report-title = { $name } · { $month }
report-month = Month
report-show = Show
report-previous = ← Previous month
report-next = Next month →
report-csv = Download CSV
report-counted = Each figure counts in the month it happened: a ticket opened in one month and resolved in the next counts as opened in the first and resolved in the second. Times are medians and 90th percentiles, within an eighth of the exact value.
report-no-data = Nothing happened in this month.
report-opened = Opened
report-resolved = Resolved
report-daily = Tickets opened and resolved per day
report-first-response = First response
report-resolution = Resolution
report-ack-short = Acknowledged
report-median = median
report-p90 = 90th percentile
report-times = How long things took
report-attainment = Within the SLA
report-emergencies-acked = { $count ->
    [one] emergency, { $acked } acknowledged (median { $median })
   *[other] emergencies, { $acked } acknowledged (median { $median })
}
report-csat = Satisfaction
report-csat-average = average of 5, from { $count ->
    [one] one rating
   *[other] { $count } ratings
}
report-stars = { $score } ★
report-lark = Lark API calls
report-lark-of = { $calls } of { $allowance }
report-lark-paid = { $calls } (paid plan: not metered)
report-pages = Provider app calls on emergency pages
report-pages-of = { $calls } of { $budget }
report-pages-paid = { $calls } (the provider app is not metered)
budget-pages = Emergency pages this month: { $calls } of the { $budget } provider-app calls this organisation's pages may spend; past them, its pages wait for each person's DM window.
report-engineers = By engineer
report-orgs = By organisation
report-who = Engineer
report-org = Organisation
report-link = Monthly report
report-my-link = My month
report-duration-days = { $days } d { $hours } h
report-duration-hours = { $hours } h { $minutes } min
report-duration-minutes = { $minutes } min
ticket-not-member = You are not in this ticket's group: ask { $who } to add you with Add People.
ticket-ask-to-join = Ask to join
ticket-asked = Asked { $who }.
