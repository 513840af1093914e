## Problems (API and forms)
problem-this-field-is-required = This field is required.
problem-at-most-characters = At most { $max } characters.
problem-a-neq-is-exactly-10-digits = A NEQ is exactly 10 digits.
problem-a-neq-starts-with-11-22 = A NEQ starts with 11, 22, 33 or 88 (its legal form).
problem-the-region-is-a-code-from = The region is a code from 01 to 17.
problem-the-e-mail-address-must-look = The e-mail address must look like name@example.org.
problem-the-postal-code-must-look-like = The postal code must look like H2X 1Y4.
problem-the-language-is-fr-or-en = The language is fr or en.
problem-not-a-number-write-it-like = Not a number: write it like { $form }.
problem-ambiguous-amount = Thousands or decimals? Write the amount like { $form }.
problem-at-most-two-decimals = At most two decimals.
problem-must-not-be-negative = Must not be negative.
problem-too-large = Too large.
problem-value-out-of-the-allowed-range = Value out of the allowed range.
problem-choose-one-of-the-options-offered = Choose one of the options offered.
problem-a-whole-number-from-1-to = A whole number from 1 to { $max }.
problem-at-most-lines = At most { $max } lines.
problem-the-password-has-at-least-12 = The password has at least 12 characters.
problem-the-password-has-at-most-256 = The password has at most 256 characters.
problem-the-two-passwords-differ = The two passwords differ.
problem-bad-request = Bad request
problem-malformed-json = Malformed JSON
problem-invalid-request-body = Invalid request body
problem-request-too-large = Request too large
problem-a-request-body-is-limited-to = A request body is limited to 1 MiB.
problem-unsupported-content-type = Unsupported content type
problem-send-json-content-type-application-json = Send JSON (Content-Type: application/json).
problem-some-fields-are-invalid = Some fields are invalid
problem-nothing-was-saved-correct-the-fields = Nothing was saved; correct the fields listed.
problem-not-found = Not found
problem-method-not-allowed = Method not allowed
problem-this-address-does-not-accept-this = This address does not accept this HTTP method.
problem-unknown-address = Unknown address
problem-see-api-v1-openapi-json-for = See /api/v1/openapi.json for the API's addresses.
problem-unknown-organism = Unknown organism
problem-organism-already-registered = Organism already registered
problem-an-organism-with-this-neq-already = An organism with this NEQ already exists.
problem-changed-in-the-meantime = Changed in the meantime
problem-someone-else-changed-this-application-reload = Someone else changed this application; reload it and try again.
problem-application-cannot-be-changed = Application cannot be changed
problem-an-application-in-state-can-no = An application in state '{ $state }' can no longer be changed.
problem-action-not-possible-at-this-stage = Action not possible at this stage
problem-event-not-allowed-detail = '{ $event }' is not allowed in state '{ $state }'. Allowed: { $allowed }.
problem-action-reserved-for-another-role = Action reserved for another role
problem-role-may-not-do = Role '{ $role }' may not do '{ $event }'.
problem-conditions-not-met = Conditions not met
problem-conditions-detail = '{ $event }' requires: { $failed }.
problem-service-unavailable = Service unavailable
problem-internal-error = Internal error
problem-an-unexpected-error-occurred-nothing-was = An unexpected error occurred; nothing was saved. Give the request id to support.
problem-nothing = nothing
problem-unauthenticated = Sign-in required
problem-unauthenticated-detail = Sign in, or give a valid API token (Authorization: Bearer …).
problem-forbidden = Access denied
problem-forbidden-detail = Your account does not allow this action.
problem-csrf = Form expired
problem-csrf-detail = This form is no longer valid. Reload the page and try again; nothing was saved.
problem-too-many-attempts = Too many attempts
problem-too-many-attempts-detail = Too many sign-in attempts failed. Wait 15 minutes or reset your password.
problem-duplicate-email = Address already in use
problem-duplicate-email-detail = An account already exists with this e-mail address.

## Navigation and layout
nav-skip = Skip to content
nav-label = Main navigation
nav-home = Back to the home page
nav-dashboard = Dashboard
nav-invite-member = Invite a colleague
nav-invite-staff = Invite staff
nav-logout = Sign out
nav-login = Sign in
nav-signup = Register an organization
lang-switch = Français
form-errors-title = There is a problem
form-errors-partly-saved-title = Draft saved, except these fields
form-errors-partly-saved = Everything else is saved. The fields below keep what you typed on this page but were not saved: correct them and save again.

## Sign in
login-title = Sign in
login-submit = Sign in
login-forgot = Forgot your password?
login-signup = Register an organization
login-wrong = Wrong e-mail or password.
notice-password-reset = Your password was changed. Sign in with the new one.
notice-invitation-accepted = Your account is ready. Sign in.

## Fields
field-email = E-mail
field-password = Password
field-password-confirm = Password (again)
field-legal-name = Organization's legal name
field-neq = NEQ
field-region = Region
field-street-address = Address
field-city = City
field-postal-code = Postal code
field-contact-email = Contact person's e-mail
field-mission-summary = Organization's mission
field-preferred-language = Language for letters and messages
field-display-name = Your name
field-role = Role
field-choose = Choose…
field-title = Project title
field-needs-assessment = Needs assessment
field-project-description = Project description
field-line-category = Category
field-line-description = Description
field-line-quantity = Quantity
field-line-unit-price = Estimated unit price ($)
field-line-part = Line { $n } — { $part }
form-required-note = Fields marked with an asterisk (*) are required.
field-lines = Requested purchases
field-requested-coaching-hours = Coaching hours requested
field-contact-name = Contact person
field-withdraw-reason = Reason for withdrawing (optional)
hint-neq = The Québec enterprise number: 10 digits, for example 1143356789.
hint-password = At least 12 characters. A sentence that is easy to remember makes a good password.
hint-needs-assessment = Describe your current digital situation and what you are missing.
hint-lines = One line per equipment or software purchase. Leave unneeded lines empty.
hint-coaching-hours = In hours, for example 6 or 6.5. The average is 6 hours per organization.

## Sign up
signup-title = Register an organization
signup-intro = Register your organization and create your account to apply for a DATAide grant.
signup-organism = The organization
signup-member = Your account
signup-submit = Register the organization
signup-have-account = I already have an account

## Passwords
forgot-title = Forgotten password
forgot-intro = Enter your e-mail: we will send you a link to choose a new password.
forgot-submit = Send the link
forgot-sent = If an account exists with this e-mail, a link was just sent to it. It is valid for one hour and works only once.
reset-title = New password
password-submit = Save the password
change-title = Change your password
change-intro = Give the password you use now (the temporary one at your first sign-in), then the new one twice. Every other session of this account ends.
link-title = Invalid link
link-unknown = This link is not valid. Check that it is complete, or ask for a new one.
link-expired = This link has expired. Ask for a new one.
link-used = This link was already used. Ask for a new one if needed.

## Invitations
invite-member-title = Invite a colleague
invite-member-intro = Your colleague will receive a link to create their account in your organization.
invite-staff-title = Invite staff
invite-staff-intro = The person will receive a link to create their account with the chosen role.
invite-submit = Send the invitation
invite-sent = Invitation sent to { $email }.
accept-title = Create your account
accept-intro = You were invited to use octroi. Choose your name and your password.
role-member = Organization member
role-reviewer = Reviewer
role-program_officer = Program officer
role-finance = Finance
role-coach = Coach
role-admin = Administration

## E-mails
mail-reset-subject = DATAide: change your password
mail-reset-body = Hello { $name },

    To choose a new password, open this link within the next { $minutes } minutes:
    { $link }

    If you did not ask for this, ignore this message: your password does not change.
mail-invite-subject = DATAide: invitation to use octroi
mail-invite-body = Hello,

    { $inviter } invites you to use octroi, the DATAide grant platform.
    Create your account by opening this link within { $days } days:
    { $link }

## Dashboard
dashboard-title = Dashboard
dashboard-start = Start a grant application
dashboard-applications = Applications
dashboard-none = No application yet.
dashboard-recent = Latest applications changed
dashboard-all = Search all applications
dashboard-work = To do
dashboard-queue = Queue
dashboard-waiting = Waiting
dashboard-oldest = Oldest
dashboard-days = { $days ->
    [0] since today
    [one] for { $days } day
   *[other] for { $days } days
}
dashboard-year = The program, fiscal year { $year }
dashboard-requested = Requested (equipment and software)
dashboard-awarded = Awarded
dashboard-finance = See the envelopes and the ledger
col-application = Application
col-organism = Organization
col-state = Status
col-requested = Amount requested
col-updated = Updated
col-total = Total
col-date = Date
col-step = Step
col-by = By
col-reason = Reason
grant-untitled = Application no. { $id } (untitled)

## Workflow states
state-draft = Draft
state-submitted = Submitted
state-screening = Eligibility check
state-in_review = In review
state-decision = Awaiting decision
state-more_info = Information requested
state-approved = Approved
state-awarded = Grant awarded
state-accepted = Letter accepted
state-active = Active
state-closing = Closing
state-closed = Closed
state-declined = Declined
state-withdrawn = Withdrawn
state-cancelled = Cancelled

## Workflow events
event-submit = Submission
event-begin_screening = Eligibility check started
event-send_to_review = Sent to review
event-request_info = Information requested
event-provide_info = Organization's answer
event-complete_reviews = Reviews completed
event-approve = Approval
event-decline = Decline
event-award = Award
event-accept = Letter accepted
event-activate = Activation
event-begin_closing = Closing started
event-close = Closed
event-withdraw = Withdrawal
event-cancel = Cancellation

## Application form
edit-title = DATAide grant application
edit-intro = Fill in the application at your own pace: save the draft and come back later. Status:
grant-saved = Draft saved.
edit-project = The project
edit-lines = Equipment and software requested
edit-more-lines = Add lines
edit-coaching-contact = Coaching and contact person
edit-save = Save the draft
edit-send-submit = Review and submit
edit-send-provide_info = Save and write my answer
edit-status-link = See the application's status
category-equipment = Computer equipment
category-software = Software
category-coaching = Coaching
problem-nothing-requested = Request at least one equipment or software line, or coaching hours.

## Status page
show-title = Application status
show-more-info = Complete the application if need be, then send your answer.
show-answer = Change the application before answering
show-edit = Edit the application
show-application = The application
show-history = History
show-no-history = The application has not been submitted yet.
show-withdraw = Withdraw the application

## Review: queues, screening, reviews, decisions (issue 4)
queue-screening = Screening
queue-review = In review
queue-decision = Decision
queue-waiting = Waiting for the organization
queue-my-reviews = My reviews
queue-all-regions = All regions
queue-year = Fiscal year submitted
queue-all-years = All fiscal years
queue-reviewer = Reviewer assigned
queue-all-reviewers = Anyone
queue-min = Minimum requested amount ($)
queue-max = Maximum requested amount ($)
queue-sort = Sort by
queue-sort-age = Time in this step
queue-sort-score = Review score
queue-filter = Filter
queue-empty = No application in this queue.
queue-none-match = No application matches this search or these filters.
queue-select = Select
queue-pages = Queue pages
queue-page = Page
queue-previous = Previous page
queue-next = Next page
queue-all = All applications
queue-award = To award
queue-acceptance = Waiting for acceptance
queue-search = Search
hint-queue-search = Organization name (accents and case ignored), NEQ or application number
queue-all-states = All statuses
field-state = Status
queue-sort-date = Date submitted
queue-sort-organism = Organization
queue-sort-amount = Amount requested
queue-sort-state = Status
queue-sorted = sorted
queue-export = Download the list (CSV)
col-neq = NEQ
problem-unknown-filter = This address holds a filter the list does not know; here is the list without filters.
problem-choose-region = Choose a region.
problem-choose-category = Choose a category.
problem-choose-application = Tick at least one application.
col-days = Days in this step
col-score = Score
batch-legend = Act on the selected applications
batch-event = Action
batch-approve = Approve as requested
batch-decline = Decline
batch-assign = Complete the reviewers
batch-submit = Apply to the selected applications
batch-title = Batch actions
batch-done = decision recorded.
batch-none = No application selected: nothing was decided.
field-decision-reason = Message to the organization
hint-decision-reason = Required to decline or to ask for information; the organization receives it by e-mail.
field-proposed-equipment = Proposed equipment ($)
field-proposed-software = Proposed software ($)
field-proposed-coaching_hours = Proposed coaching hours
field-recommendation = Recommendation
field-comment = Comment
field-conflict-reason = Nature of the conflict of interest
hint-conflict = You will leave this organization's applications you have not reviewed yet; someone else will review them.
hint-assign = Only people without a conflict of interest with the organization are offered, least loaded first.
recommendation-approve = Approve
recommendation-decline = Decline
recommendation-discuss = To discuss
manage-title = Handling the application
manage-application = See the full application
manage-eligibility = Eligibility
manage-rule = Rule
manage-result = Result
rule-passed = Met
rule-failed = Not met
manage-reviewers = Reviewers
manage-reviewers-wanted = Each application gets { $count } reviews.
manage-no-reviewer = No reviewer yet.
manage-reviewed = review submitted
manage-pending = review pending
manage-unassign = Remove
manage-assign-label = Add a reviewer
manage-assign = Assign
manage-auto = Complete automatically
manage-load = { $count } in progress
manage-decision = Decision
manage-no-decision = No decision is due at this step.
manage-proposal = Proposed amounts
manage-do-send_to_review = Eligible: send to review
manage-do-complete_reviews = Move to decision
manage-do-approve = Approve
manage-do-decline = Decline
manage-do-request_info = Ask for information
reviews-title = Reviews
reviews-none = No review submitted.
reviews-mean = mean score
reviews-criterion = Criterion
reviews-weighted = Weighted score
review-title = Reviewing the application
review-form = Your review
review-hidden = The other reviewers' scores appear once you have submitted yours.
review-weight = weight { $weight }%
review-submit = Submit the review
review-closed = This application no longer takes reviews.
conflict-title = Conflict of interest
conflict-submit = Declare a conflict of interest
notice-done = Decision recorded.
notice-assigned = Reviewers assigned.
notice-unassigned = Reviewer removed.
notice-short = Reviewers without a conflict of interest are missing: assign one by hand.
notice-reviewed = Review submitted. Thank you!
notice-conflict = Conflict declared: you will no longer see this organization's applications.
problem-nothing-proposed = Propose an amount or coaching hours.
problem-score-on-scale = Choose a whole score from { $min } to { $max }.
problem-above-cap = The total, coaching included, exceeds the cap of { $cap } per grant.
problem-not-reviewable = Reviews are closed at this step
problem-not-reviewable-detail = The application is not in review; nothing was saved.
problem-proposal-required = Amounts required
problem-proposal-required-detail = To approve, give the proposed amounts and coaching hours.
problem-not-assigned = Application not assigned
problem-not-assigned-detail = This application is not assigned to you; you cannot review it.
problem-already-reviewed = Review already submitted
problem-already-reviewed-detail = You already reviewed this application; a submitted review does not change.
problem-conflict-of-interest = Conflict of interest
problem-conflict-of-interest-detail = This person works for the organization or declared a conflict of interest with it: they cannot review its application.
problem-not-a-reviewer = Not a reviewer
problem-not-a-reviewer-detail = This account does not have the reviewer role.
mail-assigned-subject = DATAide: an application to review
mail-assigned-body = Hello { $name },

    The application “{ $title }” is assigned to you for review:
    { $link }

    If you have a conflict of interest with the organization, declare it on that page.
mail-step-submit-subject = DATAide: application “{ $title }” received
mail-step-submit-body = Hello { $name },

    We received your application “{ $title }”. It will be screened, then reviewed.
    Follow it here: { $link }
mail-step-request_info-subject = DATAide: information requested for “{ $title }”
mail-step-request_info-body = Hello { $name },

    The program needs information about your application “{ $title }”:

    { $reason }

    Complete the application, then send your answer: { $link }
mail-step-approve-subject = DATAide: application “{ $title }” approved
mail-step-approve-body = Hello { $name },

    Good news: your application “{ $title }” is approved. The award letter will follow.
    { $link }
mail-step-decline-subject = DATAide: decision on “{ $title }”
mail-step-decline-body = Hello { $name },

    We regret to tell you that your application “{ $title }” was not selected.
    Reason: { $reason }

    { $link }
mail-step-award-subject = DATAide: grant awarded for “{ $title }”
mail-step-award-body = Hello { $name },

    The grant for your application “{ $title }” is awarded. Your award letter is waiting for you:
    { $link }

## Ledger (issue 5)
problem-ledger-not-positive = Invalid amount
problem-ledger-not-positive-detail = An amount must be above zero.
problem-ledger-no-allocation = No envelope for this year
problem-ledger-no-allocation-detail = Envelope { $envelope } has no allocation for fiscal year { $year }.
problem-insufficient-funds = Insufficient funds
problem-insufficient-funds-detail = Envelope { $envelope } for fiscal year { $year } has only { $available } available: { $missing } is missing. Nothing was committed.
problem-ledger-unknown-entry = Entry not found
problem-ledger-unknown-entry-detail = This entry or commitment does not exist.
problem-exceeds-commitment = Commitment exceeded
problem-exceeds-commitment-detail = The commitment holds only { $remaining }, less than the { $asked } asked for.
problem-already-settled = Commitment already settled
problem-already-settled-detail = This commitment was already released; nothing more can be spent from it.
problem-not-reversible = Cannot be reversed
problem-not-reversible-detail = This entry is already reversed, or other entries depend on it.
problem-award-required = Award amounts required
problem-award-required-detail = To award the grant, give the amounts, the envelopes and the fiscal year.
problem-award-nothing = Empty award
problem-award-nothing-detail = An award grants at least an amount or coaching hours.
problem-award-not-as-previewed = Preview again
problem-award-not-as-previewed-detail = The amounts, the fiscal year or the split across envelopes differ from the preview: nothing was committed. Preview the award again, check it, then confirm.
problem-award-above-cap = Cap exceeded
problem-award-above-cap-detail = The award, coaching included, exceeds the program's per-grant cap.
problem-award-no-envelope = No envelope for this category
problem-award-no-envelope-detail = No envelope of the program pays one of this award's categories.
problem-idempotency-replay = Request already received
problem-idempotency-replay-detail = This idempotency key was already used for another request.
problem-idempotency-key-required = Idempotency key required
problem-idempotency-key-required-detail = Confirm an award with the Idempotency-Key header, so that a retry cannot commit it twice.
problem-idempotency-key-reused = Idempotency key already used
problem-idempotency-key-reused-detail = This key was already used for a different request; nothing was committed.
problem-idempotency-in-progress = Request in progress
problem-idempotency-in-progress-detail = A request with this key is in progress; try again in a moment.
award-legend = Award the grant
award-fiscal-year = Fiscal year of the envelopes
award-preview = Split across envelopes
award-envelope = Envelope
award-preview-button = Show the split
award-confirm = Confirm the award and commit the funds
notice-award-made = Grant awarded: the funds are committed.
finance-title = Envelopes and ledger
finance-intro = Per envelope and fiscal year, recomputed from the ledger's entries.
finance-year = Fiscal year
finance-allocated = Allocated
finance-committed = Committed
finance-spent = Spent
finance-available = Available
finance-summary-csv = Download the summary (CSV)
finance-ledger-csv = Download the ledger (CSV)
finance-csv-hint = CSV files for a French-Canadian spreadsheet: UTF-8, fields separated by semicolons, decimal comma.
nav-finance = Finance

## Award letter (issue 5; laid out as a letter in issue 12)
letter-title = Award letter — { $program }
letter-letterhead = Grants for the digital transformation of community organizations
letter-date = { $date }
letter-reference = Reference: application no. { $id }
letter-neq = NEQ { $neq }
letter-subject = Subject: { $program } grant for the project “{ $project }”
letter-salutation = Dear Sir or Madam,
letter-opening = We are pleased to inform you that { $operator }, which runs the { $program } program, awards { $organism } a grant for the project “{ $project }”, to acquire suitable equipment and software and receive coaching. This letter sets out the maximum amounts and the conditions.
letter-amounts = Maximum amounts awarded
letter-column-category = Category
letter-column-amount = Amount
letter-coaching = Coaching ({ $hours } at { $rate } an hour)
letter-total = Total
letter-sources = Funding sources (fiscal year { $year })
letter-column-source = Fund and category
letter-conditions = Conditions
letter-duration-heading = Duration
letter-duration = The grant is valid for twelve months from its acceptance.
letter-eligible-heading = Eligible expenses
letter-eligible = The equipment, software and coaching approved by the program, taxes net of the rebate the organization is entitled to. Day-to-day operations and any expense not approved are excluded.
letter-payments-heading = Payments
letter-payments = Purchases are paid by the program as each order is approved; coaching is paid by the hour delivered.
letter-obligations-heading = The organization's obligations
letter-obligations = Use the funds for their purpose, keep the receipts for six years and submit a final report at the end of the grant.
letter-repayment-heading = Repayment and termination
letter-repayment = Amounts used for other purposes must be repaid; the program may terminate the grant for a breach, after notifying the organization in writing.
letter-acceptance-heading = Acceptance
letter-acceptance = The organization's authorized person accepts this letter in octroi; their name, title, the date and their connection's network address are recorded, with the fingerprint of the letter accepted.
letter-closing = Yours sincerely,
letter-acceptance-box = Acceptance by the organization
letter-accepted = Accepted on behalf of { $organism } by { $name } ({ $title }) on { $date }.
letter-accepted-fingerprint = SHA-256 fingerprint of the letter accepted:
letter-acceptance-pending = Pending: the organization's authorized person accepts this letter in octroi, on the application's page.
letter-footer = { $program } · application no. { $id } · page { $page } of { $pages }
letter-download = Download the award letter (PDF)
letter-download-en = Letter in English (PDF)
bourse-title = Your grant
bourse-awarded = Awarded
letter-download-fr = Letter in French (PDF)

## Acceptance of the award letter (issue 5)
problem-acceptance-required = Signature required
problem-acceptance-required-detail = To accept the award letter, give your name and title, and confirm that you accept its conditions.
problem-receipt-required = Receipt required
problem-receipt-required-detail = To record a receipt, say what was received, line by line, with the equipment's serial numbers.
problem-invoice-required = Invoice required
problem-invoice-required-detail = To submit the invoice, give its number, its date and its lines, and attach it.
problem-return-required = Credit note required
problem-return-required-detail = To record a return, give the vendor's credit note: its number, its category, its amount, and attach it.
problem-run-line-required = Paid through a payment run only
problem-run-line-required-detail = A purchase is paid, or its payment recorded as failed, only by the bank's answer to a line of a payment run (Payments).
problem-command-required = Step incomplete
problem-command-required-detail = This step needs information that was not sent.
letter-accept-legend = Accept the award letter
letter-accept-intro = Read the award letter before accepting it. By accepting it, you commit the organization to its conditions; your name, your title, the date and your connection's network address are recorded.
field-signer-name = Your name
field-signer-title = Your title or position in the organization
field-accept-conditions = I have read the award letter and accept its conditions on behalf of the organization.
field-accept-conditions-short = Acceptance of the conditions
letter-accept-button = Accept the award letter
letter-accept-recorded = Award letter accepted by { $name } ({ $title }) on { $date }.
letter-accept-record-details = Network address: { $address } · SHA-256 fingerprint of the letter: { $sha }
notice-accepted = Letter accepted: the grant is active.
notice-sent = Application sent. The program team first checks its eligibility, then two reviewers assess it. You will receive an e-mail at each step, and the decision within a few weeks.
notice-answered = Answer sent. The program team resumes the study of your application and will write at the next step.
withdraw-title = Withdraw the application “{ $title }”?
withdraw-what = A withdrawn application is no longer considered: it can no longer be changed, reviewed or awarded. Its history is kept.
withdraw-after = To apply for a grant later, your organization will start a new application.
withdraw-confirm = Withdraw for good
hint-withdraw-reason = The program team will read it in the application's history.
confirm-cancel = Cancel and go back
delete-title = Delete the draft “{ $title }”?
delete-what = The draft and everything typed in it will be erased. This cannot be undone.
delete-confirm = Delete the draft
delete-link = Delete this draft
notice-deleted = Draft deleted.
dashboard-resume = Continue the application in progress
mail-step-accept-subject = DATAide: award letter accepted for “{ $title }”
mail-step-accept-body = Hello { $name },

    The award letter for “{ $title }” was accepted on behalf of your organization ({ $reason }). The grant is now active:
    { $link }
statement-title = Statement of the grant (ledger)
statement-released = Released
statement-remaining = Left to spend
problem-password-change-required = Choose a new password first
problem-password-change-required-detail = This account must choose a new password before anything else: sign in on the web and change it.
problem-wrong-password = This is not your current password.
problem-control-characters = One line only: no line breaks, tabs or other control characters.
field-current-password = Current password
field-revoke-tokens = Also revoke my API tokens (scripts and integrations will need new ones)
reset-intro = Choose a new password. Every session of this account ends, on every device.
problem-not-assignable = Not in review
problem-not-assignable-detail = Reviewers are assigned only while the application is in review.
problem-one-bourse-per-organism = One grant per organization
problem-one-bourse-per-organism-detail = Your organization already received a DATAide grant; the program awards one per organization.
mail-welcome-subject = DATAide: your account is ready
mail-welcome-body = Hello { $name },

    Your organization is registered and your account is ready. Sign in to start your application:
    { $link }
mail-signup-known-subject = DATAide: sign-up with your address
mail-signup-known-body = Hello,

    Someone tried to register an organization with this e-mail address, which already has an account. Nothing was created.
    If it was you, sign in with your usual password (or choose a new one from the sign-in page): { $link }
    If it was not you, you can ignore this message.
mail-signup-neq-known-subject = DATAide: your sign-up
mail-signup-neq-known-body = Hello,

    You tried to register the organization whose NEQ is { $neq }. It is already registered with the program: nothing was created.
    To work on it, ask someone from your organization who already has an account to invite you (menu "Invite a colleague"). If no one from your organization has an account, or if this NEQ is not yours, write to the program team.
    If you did not ask for anything, you can ignore this message.
field-new-password = New password
field-new-password-confirm = New password (again)

## Footer and the pages it links to (issue 12)
footer-identity = DATAide · the digital shift of Québec's community organizations · a program run by Centraide of Greater Montreal, funded by the FQIS and the FDMT
brand-tagline = Digital transformation grants
footer-nav = About the program
footer-contact = Contact us
footer-privacy = Privacy
footer-accessibility = Accessibility
about-reach-us = How to reach us
about-email = Email
about-phone = Phone
about-privacy-officer = Person in charge of the protection of personal information
about-contact-title = Contact us
about-contact-intro = The { $program } team answers organizations Monday to Friday, in French and English.
about-contact-write-heading = A question about your application
about-contact-write = Write to us with your application's number (no. 42, for example): it is on its page and in our emails. We answer within two business days.
about-contact-help-heading = A problem with octroi
about-contact-help = If a page does not work, does not display well or cannot be used with your tools, tell us what you were doing and on which page: we will help you finish another way if need be.
about-privacy-title = Privacy notice
about-privacy-intro = { $operator } runs the { $program } program and protects the personal information it collects, under Québec's Act respecting the protection of personal information in the private sector.
about-privacy-who-heading = Who is in charge
about-privacy-who = The person in charge of the protection of personal information is: { $officer }. To reach them: { $privacy_email }.
about-privacy-what-heading = What we collect
about-privacy-what = The name and email address of people who have an account; the name and title of the person who accepts an award letter, with the date and their connection's network address; what the organization writes in its application. Information about the organization itself (name, NEQ, address) is not personal information.
about-privacy-why-heading = Why
about-privacy-why = Only to run the program: review applications, award grants, pay for purchases and coaching, and report to the funders (the FQIS and the FDMT), who receive totals only, never personal information.
about-privacy-who-sees-heading = Who has access
about-privacy-who-sees = An organization's members see their organization's applications; the program team and reviewers see the applications given to them. Staff email addresses are not shown to organizations.
about-privacy-how-long-heading = How long
about-privacy-how-long = Grant records are kept six years after the grant ends, like the receipts; personal information is then destroyed or anonymized.
about-privacy-rights-heading = Your rights
about-privacy-rights = You may ask for access to the information about you, its correction or its removal by writing to the person in charge; we answer within 30 days. You may also turn to Québec's Commission d'accès à l'information.
about-privacy-cookies-heading = Cookies
about-privacy-cookies = octroi uses only the cookies it needs: your session's, the one that protects forms and the one that remembers your language. No analytics or advertising cookies.
about-accessibility-title = Accessibility statement
about-accessibility-intro = We want octroi to be usable by everyone: with a keyboard, a screen reader, a phone or an old computer.
about-accessibility-standard-heading = Our target
about-accessibility-standard = Level AA of the Web Content Accessibility Guidelines (WCAG) 2.2, and the Québec government's standard on website accessibility (SGQRI 008).
about-accessibility-tested-heading = How we check
about-accessibility-tested = Every page our automated tests visit is checked with axe-core and at 375 pixels wide, without horizontal scrolling; forms name every field in error and keep what you typed.
about-accessibility-limits-heading = Known limits
about-accessibility-limits = The award letter in PDF is not yet tagged for screen readers: its content (amounts, conditions) is also on the application's page.
about-accessibility-report-heading = Report a barrier
about-accessibility-report = Write to us at { $email } or call { $phone } describing the page and the barrier; we answer within two business days and offer you another way to finish.

## Review and attest before submitting (issue 12)
submit-title = Review and submit the application
submit-intro = Read your application as it will be sent. Once submitted, it can no longer be changed, unless the program team asks you a question.
submit-change = Change the application
submit-attest-legend = Attestation
field-attest = Attestation
field-attest-statement = I attest that the information in this application is accurate and complete, and that I am authorized to submit it on behalf of the organization.
submit-next = After you submit, the program team checks the application's eligibility, then two reviewers assess it. You will receive an email at each step.
submit-button = Submit the application
submit-back = Back to the form
submit-changed = The application was changed since you displayed it (in another tab, perhaps). Here is its current version: read it again before submitting.

## After signing up (issue 12)
signup-done-title = Sign-up received
signup-done-intro = Thank you! Here is what comes next.
signup-done-step-1 = An email was sent to the address you gave. If it does not arrive within a few minutes, look in your junk mail.
signup-done-step-2 = Sign in with that address and the password you chose.
signup-done-step-3 = Start your organization's grant application. Keep at hand the description of your needs and the quotes for equipment and software; you can save a draft and come back to it.
signup-done-step-4 = When you submit it, the program team checks its eligibility, then two reviewers assess it. You receive an email at each step.
signup-done-login = Sign in

## Who did a step, as an organism's members read it (issue 12)
history-actor-program_officer = The program team
history-actor-admin = The program team
history-actor-finance = Program finance
history-actor-reviewer = Review
history-actor-coach = Coaching
history-actor-system = octroi (automatic)

## Screening that shows its work (issue 12)
manage-mission = The organization's mission
manage-no-mission = The organization did not describe its mission.
manage-looked-for = What the rule checks
manage-found = What it found
rule-looked-neq = A 10-digit NEQ starting with 11, 22, 33 or 88 (legal person, partnership, association or public body)
rule-looked-region = One of the { $count } eligible administrative regions
rule-looked-mission = At least one of the program's { $count } keywords, at the start of a word of the mission, ignoring accents and capitals
rule-keywords = See the { $count } keywords
rule-looked-bourses = At most { $max } other grant already awarded to the organization
rule-found-no-keyword = None of these words
rule-found-bourses = { $count ->
    [one] { $count } grant already awarded
   *[other] { $count } grants already awarded
}
field-override-reason = Reason for overriding the rule not met
hint-override-reason = An eligibility rule is not met. If you send the application to review anyway, explain why: the reason is kept in the history.
problem-rule-override = Explain why you override the eligibility rule that is not met.

## Reviews in progress (issue 12)
review-save-draft = Save as draft
review-draft-saved-at = Draft saved on { $date }: nothing is sent until you submit the review.
notice-draft-saved = Draft saved. Come back to finish it whenever you like; it is not sent until you submit the review.
question-title = The program's question, { $date }

## The conversation: answers with documents, internal notes (issue 12)
answer-legend = Your answer to the program
field-answer = Answer
hint-answer = Answer the question above; your answer is added to the application's history. Change the application too if need be before sending.
field-documents = Attached documents (optional)
hint-documents = Up to 3 PDF, PNG or JPEG files of 10 MB at most each (quotes, financial statements).
hint-one-file = One PDF, PNG or JPEG file of 10 MB at most.
documents-choose-again = Choose the files to attach again.
answer-send = Send my answer
documents-title = Attached documents
document-kind-application-pdf = PDF
document-kind-image-png = PNG image
document-kind-image-jpeg = JPEG image
notes-title = Internal notes
notes-hint = Seen only by the program team, never by the organization.
notes-none = No notes.
field-note = Add a note
notes-add = Add the note
problem-document-empty = this file is empty.
problem-document-too-large = this file is larger than 10 MB.
problem-document-kind = this file is not a PDF, a PNG image or a JPEG image.
problem-document-store = this file could not be saved; try again in a moment.
problem-too-many-files = Attach at most { $max } files.

## Purchases (issue 13)
mail-purchase-request_changes-subject = DATAide: the purchase from { $vendor } needs changes
mail-purchase-request_changes-body = Hello { $name },

    The program team asks for changes to your purchase request from { $vendor } ({ $title }).
    What they ask: { $reason }

    { $link }
mail-purchase-approve-subject = DATAide: purchase from { $vendor } approved
mail-purchase-approve-body = Hello { $name },

    Your purchase request from { $vendor } ({ $title }) is approved: { $amount } are held on your grant.
    You may place the order, then record its receipt and upload the invoice:
    { $link }
mail-purchase-decline-subject = DATAide: purchase from { $vendor } declined
mail-purchase-decline-body = Hello { $name },

    Your purchase request from { $vendor } ({ $title }) is not approved.
    Reason: { $reason }

    { $link }
mail-purchase-cancel-subject = DATAide: purchase from { $vendor } cancelled
mail-purchase-cancel-body = Hello { $name },

    The purchase from { $vendor } ({ $title }) is cancelled; the amount held returns to your grant.
    Reason: { $reason }

    { $link }
mail-purchase-submit_invoice-subject = DATAide: the invoice from { $vendor } needs a new approval
mail-purchase-submit_invoice-body = Hello { $name },

    The invoice from { $vendor } ({ $title }) exceeds the approved amount by more than the program's margin.
    The program team must approve it again; you will be told of its decision.

    { $link }
mail-purchase-refuse_invoice-subject = DATAide: the invoice from { $vendor } needs another look
mail-purchase-refuse_invoice-body = Hello { $name },

    The finance team cannot accept the invoice from { $vendor } ({ $title }).
    Reason: { $reason }
    Upload a corrected invoice:
    { $link }
mail-purchase-pay-subject = DATAide: purchase from { $vendor } paid
mail-purchase-pay-body = Hello { $name },

    The purchase from { $vendor } ({ $title }) is paid: { $amount }.

    { $link }
mail-purchase-fail_payment-subject = DATAide: the payment of the purchase from { $vendor } failed
mail-purchase-fail_payment-body = Hello { $name },

    The payment of the purchase from { $vendor } ({ $title }) failed; it will be made again.
    Reason: { $reason }

    { $link }
mail-purchase-confirm_return-subject = DATAide: credit note from { $vendor } confirmed
mail-purchase-confirm_return-body = Hello { $name },

    The finance team confirmed the credit note from { $vendor } ({ $title }).
    { $mode ->
        [direct] The amount goes back to your grant.
       *[reimbursement] The program had reimbursed you for this purchase: the credit note's amount is owed to it. It will be kept back from your next payment, or you may pay it back by cheque. It goes back to your grant once settled.
    }

    { $link }
mail-purchase-refuse_return-subject = DATAide: the credit note from { $vendor } is refused
mail-purchase-refuse_return-body = Hello { $name },

    The finance team cannot accept the credit note from { $vendor } ({ $title }).
    Reason: { $reason }

    { $link }
mail-purchase-settle_return-subject = DATAide: repayment received for the purchase from { $vendor }
mail-purchase-settle_return-body = Hello { $name },

    The finance team received your repayment of the credit note from { $vendor } ({ $title }); the amount goes back to your grant.
    { $reason }

    { $link }

problem-tax-number = Write the number as the invoice shows it: GST 123456789 RT 0001, QST 1234567890 TQ 0001.
problem-quotes-needed = At this price, attach at least { $count } quotes.
problem-bourse-lacks-room = The grant lacks room for this purchase
problem-bourse-lacks-room-line = { $category }: committed { $committed }, spent { $spent }, held { $held }, available { $available }; this purchase { $requested }, missing { $missing }.
problem-grant-not-active = The grant is not active
problem-grant-not-active-detail = Purchases are made on a grant once its award letter is accepted, while it is active.

state-changes_requested = Changes requested
state-ordered = Ordered
state-partially_received = Partly received
state-received = Received
state-invoiced = Invoiced
state-verified = Invoice verified
state-paid = Paid
state-payment_failed = Payment failed
state-returned = Returned (credit note)
state-return_recorded = Return to check
event-begin_review = Taken up
event-request_changes = Changes requested
event-amend = Amended after approval
event-order = Order placed
event-receive = Receipt
event-submit_invoice = Invoice uploaded
event-refuse_invoice = Invoice refused
event-verify = Invoice verified
event-pay = Payment
event-fail_payment = Payment failed
event-record_return = Return
event-confirm_return = Credit note confirmed
event-refuse_return = Credit note refused
event-settle_return = Amount owed paid back
purchase-do-begin_review = Take it up
purchase-do-approve = Approve and hold the amount
purchase-do-request_changes = Request changes
purchase-do-decline = Decline
purchase-do-amend = Amend the approved request
purchase-do-withdraw = Withdraw the request
purchase-do-cancel = Cancel the purchase
purchase-do-order = I placed the order
purchase-do-refuse_invoice = Refuse the invoice
purchase-do-verify = Invoice verified
purchase-do-pay = Mark paid
purchase-do-fail_payment = The payment failed
purchase-do-close = Close the file
purchase-do-confirm_return = Confirm the credit note
purchase-do-refuse_return = Refuse the credit note
purchase-do-settle_return = The organization paid back what it owed
purchase-notice-submitted = Your purchase request is sent. The program team will answer by e-mail.
purchase-notice-withdraw = The request is withdrawn.
purchase-notice-amend = The request is open again: change it, then submit it again. The amount held stays held until the new decision.
purchase-notice-cancel = The purchase is cancelled; the amount held returns to the grant.
purchase-notice-order = The order is recorded. Record the receipt when the equipment arrives.
purchase-done-approve = Purchase approved; the amount is held on the grant.
purchase-done-decline = Purchase declined.
purchase-done-request_changes = Changes requested from the organization.
purchase-done-begin_review = Request taken up.
purchase-done-cancel = Purchase cancelled.
purchase-done-verify = Invoice verified; the purchase waits for its payment.
purchase-done-refuse_invoice = Invoice refused; the organization will upload a corrected one.
purchase-done-confirm_return = Credit note confirmed.
purchase-done-refuse_return = Credit note refused; the organization is told.
purchase-done-settle_return = The repayment is recorded; the amount goes back to the grant.
purchase-done-pay = Purchase paid; the spend is in the ledger.
purchase-done-fail_payment = Payment recorded as failed; the amount is held again.
purchase-done-close = File closed.
rooms-title = What is left of the grant
rooms-category = Category
rooms-committed = Awarded
rooms-spent = Spent
rooms-held = Held
rooms-available = Available
rooms-asked = This purchase
rooms-short = (short)
rooms-hint = Available: awarded, less spent, less held by purchases approved and not yet paid.
purchases-title = Purchases of the grant
purchases-grant = Grant
purchases-grant-link = See the application
purchases-new = New purchase request
purchases-list = Purchase requests
purchases-none = No purchase request yet.
col-number = Number
purchase-number = Purchase no. { $id }
purchase-cost = Cost to the grant
purchase-costs = Cost of the purchase
purchase-price = Price before taxes
purchase-gst = GST (5%)
purchase-qst = QST (9.975%)
purchase-rebate = Tax rebate (public service bodies)
purchase-rebate-not-deducted = (not deducted: the grant pays the taxes in full)
purchase-edit-title = Purchase request no. { $id }
purchase-edit-intro = The vendor, why you need it and what you buy. You may save and come back later. State:
purchase-saved = Request saved.
purchase-vendor = Vendor and reason
field-vendor-name = Vendor
field-vendor-gst = Vendor's GST number
field-vendor-qst = Vendor's QST number
hint-vendor-gst = Optional with the request; as the quote shows it, for example 123456789 RT 0001.
hint-vendor-qst = Optional with the request; for example 1234567890 TQ 0001.
field-justification = Why this purchase
field-quotes = Quotes
purchase-lines = What you buy
purchase-lines-hint = One line per item, unit price before taxes. Taxes are computed on the total.
purchase-quotes-hint = From { $price } before taxes, attach { $count } quotes.
purchase-do-submit = Submit the request
purchase-back = Back to the purchase
purchase-edit-link = Change the request
purchase-request = The request
purchase-steps = Decision and next steps
purchase-reason = Reason
purchase-reason-hint = Required to decline, request changes, amend or cancel; the organization reads it.
purchase-queue-title = Purchases to handle
purchase-queue-empty = No purchase is waiting.
nav-purchases = Purchases
grant-purchases-link = Purchases of the grant
purchase-quotes = Quotes
purchase-quotes-field = Quotes to attach
purchase-quotes-attach = Attach
purchase-attached = Quotes attached.
problem-purchase-not-editable = The request can no longer be changed
problem-purchase-not-editable-detail = A request sent or approved can no longer be changed; to change it after approval, amend it.
problem-nothing-received = Enter at least one unit received.
problem-more-than-ordered = At most { $left }: what the line still expects.
problem-duplicate-serial = Serial number { $serial } is written twice: each device has its own.
problem-serials-needed = One serial number per unit received: { $count }, one per line.
problem-duplicate-invoice = Your organization already submitted an invoice from this vendor under this number.
problem-invoice-date = An invoice is dated from the award ({ $award_day }) to today.
problem-invalid-date = Write the date like this: 2026-11-30.

# Receipts, invoices and the three-way match (issue 13)
purchase-receipt = Record a receipt
purchase-receipt-hint = Record what arrived, line by line. A partial delivery is recorded in several times.
purchase-receipt-so-far = received so far: { $received }
purchase-receipt-quantity = Quantity received this time
purchase-receipt-serials = Serial numbers
purchase-receipt-serials-hint = One per line, one per device received (it is under the device or on its box).
purchase-receipt-record = Record the receipt
purchase-invoice = Upload the invoice
purchase-invoice-hint = The vendor's invoice as written: its number, its date, each line invoiced. Attach it as a PDF, PNG or JPEG.
field-invoice-number = Invoice number
field-invoice-date = Invoice date
field-invoice-file = Invoice
field-proof-file = Proof of payment
purchase-invoice-lines = Lines invoiced
purchase-invoice-submit = Upload the invoice
purchase-asked = { $step }, { $date }
purchase-similar = Similar invoices from this organization
purchase-similar-hint = Before verifying, make sure this is not the same invoice submitted twice: the same number written differently, under another vendor name, or the same digits.
purchase-similar-purchase = Purchase
purchase-similar-same = (same number)
purchase-match = Invoice { $number }
purchase-match-caption = Three-way match: approved, received, invoiced
purchase-match-approved = Approved
purchase-match-received = Received
purchase-match-invoiced = Invoiced
purchase-match-difference = Difference before taxes
purchase-match-check = Check
purchase-match-ok = Matches
purchase-match-quantity = Quantity differs from what was received.
purchase-match-price = Unit price above the approved one.
purchase-notice-received = The receipt is recorded.
purchase-notice-invoiced = The invoice is uploaded.
problem-purchase-not-payable = A purchase can no longer go in this run
problem-purchase-not-payable-detail = It was paid or put in another run meanwhile, or its grant's commitments no longer cover it. Nothing was made; choose again.
problem-payment-line-settled = This line already has the bank's answer
problem-payment-line-settled-detail = Someone recorded it meanwhile; the page shows what was recorded.
problem-return-settled = This credit note is already settled
problem-return-settled-detail = It was paid back or kept back from a payment meanwhile; the page shows where it stands.
# Payment runs (issue 13)
payments-title = Payments
payments-mode-reimbursement = Payment mode: reimbursement (the organization paid the vendor; the grant reimburses the organization).
payments-mode-direct = Payment mode: direct (the grant pays the vendor).
payments-payable = Purchases to pay
payments-payable-empty = No purchase is waiting for payment.
payments-payable-caption = Verified purchases, ready to pay: { $total } in all
payments-choose = In the run
payments-choose-one = Put purchase no. { $id } in the run
payments-payee = Payee
payments-amount = Amount
payments-make-run = Prepare the payment run
payments-runs = Payment runs
payments-runs-empty = No run yet.
payments-run = Run
payments-made = Prepared on
payments-lines = Lines
payments-waiting = Waiting
payments-run-number = Payment run no. { $id }
payments-totals = What the run takes from each envelope, by fiscal year
col-envelope = Envelope
col-fiscal-year = Fiscal year
payments-export = Download the file for the bank (CSV)
payments-exported = Downloaded on
payments-lines-title = The bank's answer
payments-lines-hint = Once the bank has answered, record each line: paid (the spend goes in the ledger, dated by the invoice) or failed, with the reason (the purchase waits for the next run).
payments-reference = Reference
payments-outcome-cleared = Paid
payments-outcome-rejected = Failed
payments-failure-reason = Reason for the failure (if the bank refused)
payments-mark-paid = Paid
payments-mark-failed = Failed
payments-notice-cleared = Line recorded as paid; the spend is in the ledger.
payments-notice-rejected = Line recorded as failed; the purchase waits for the next run.
payments-notice-all-cleared = Every waiting line is recorded as paid; their spends are in the ledger.
payments-clear-link = { $count ->
    [one] Record the waiting line as paid…
   *[other] Record the { $count } waiting lines as paid…
}
payments-clear-title = Record the rest of payment run no. { $id } as paid
payments-clear-what = { $count ->
    [one] The bank paid the line still waiting, { $total }.
   *[other] The bank paid the { $count } lines still waiting, { $total } in all.
}
payments-clear-after = Each purchase becomes “paid” and its spend goes in the ledger, dated by its invoice; the organizations' members are told. A line the bank refused is recorded on its own, with the reason, before this step.
payments-clear-confirm = Record as paid
payments-show = Show
payments-show-waiting = Waiting lines
payments-show-answered = Answered lines
payments-show-all = All lines
hint-payments-search = Organization name (accents and case ignored) or purchase number
payments-lines-matching = { $count ->
    [0] No line matches.
    [one] { $count } line matches.
   *[other] { $count } lines match.
}
problem-payment-run-changed = The run changed since you read it
problem-payment-run-changed-detail = Lines were answered meanwhile; nothing was recorded. Read the run again before deciding.
finance-assets-csv = Asset register (CSV)
assets-title = Asset register
assets-hint = Each device bought with the grant, with its serial number.
assets-none = No device received yet.
assets-serial = Serial number
assets-repeated = (duplicate number: check)
assets-received = Received on
purchase-return = Record a return (credit note)
purchase-return-hint = Equipment or software given back to the vendor after payment: the finance team checks the credit note, then its amount goes back to the grant (once paid back to the program when it had reimbursed you), never more than was spent.
field-credit-note-number = Credit note number
field-return-category = Category of what is returned
field-return-amount = Credit note amount, before taxes
field-return-serials = Serial numbers of the units returned
hint-return-serials = For equipment: one number per line, as recorded at receipt. The asset register will show them returned.
assets-returned = Returned
assets-returned-on = Returned on { $date } (credit note { $number })
field-credit-note-file = Credit note
purchase-return-record = Record the return
purchase-notice-returned = The return is recorded: the finance team will check the credit note.
returns-title = Returns
returns-number = Credit note
returns-amount = Amount for the grant
returns-recorded = Recorded on
returns-status = Where it stands
return-pending = To be checked by the finance team
return-refused = Refused on { $date }
return-owed = { $amount } to pay back to the program: kept back from your next payment, or by cheque to the program
return-in-run = { $amount } kept back from a payment under way
return-settled-direct = Given back to the grant on { $date }
return-settled-receipt = Paid back on { $date } ({ $note })
return-settled-deduction = Kept back on { $date } from the payment of purchase { $note }
owed-title = Amounts owed to the program
owed-hint = Confirmed credit notes of reimbursed purchases: the organization owes these amounts to the program. Each is kept back from its next payment, when that is larger, or recorded as paid back on the purchase's page. The grant gets the amount back only once settled.
owed-organism = Organization
owed-purchase = Purchase
owed-since = Confirmed on
return-kept-back = kept back from a payment under way
owed-none = Nothing is owed.
payment-line-deducted = of which { $amount } kept back (credit notes)
problem-return-too-large = A return gives back no more than the purchase spent in this category ({ $spent }, taxes included).
problem-serial-not-returnable = Serial number “{ $serial }” is not a unit of equipment received in this purchase, or it was returned already.
field-return-reason = Reason for the return
document-purpose-quote = Quote
document-purpose-invoice = Invoice
document-purpose-proof_of_payment = Proof of payment
document-purpose-credit_note = Credit note
assets-purchase = Purchase
