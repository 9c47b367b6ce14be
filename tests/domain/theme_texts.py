"""Systemic causes labelled with contributing-factor themes, to measure the theme suggester.

Each cause is written the way a postmortem states the condition where its five whys stopped, and
labelled with the default themes an experienced reviewer would give it (none, one or two). The
labels were written before the suggester's lexicon was tuned and are never changed to fit it.
Some causes are hard on purpose: a word that belongs to one theme used in another sense ("the
JVM froze", "disk encryption keys", "the feature flag service is a single point of failure").
"""

from __future__ import annotations

CHANGE = "Change management"
VALIDATION = "Validation and testing"
DETECTION = "Detection and alerting"
CAPACITY = "Capacity and limits"
DEPENDENCIES = "Dependencies and blast radius"
KNOWLEDGE = "Knowledge and runbooks"
PRESSURE = "Time pressure and staffing"

CAUSES: tuple[tuple[str, frozenset[str]], ...] = (
    # change management
    (
        "Config changes skip the canary stage and go to all regions in one step.",
        frozenset({CHANGE}),
    ),
    (
        "There is no canary for the billing worker, so a bad build reaches the whole fleet at once.",
        frozenset({CHANGE}),
    ),
    ("Feature flags are flipped in production without a second reviewer.", frozenset({CHANGE})),
    (
        "A database migration cannot be rolled back once the old columns are dropped.",
        frozenset({CHANGE}),
    ),
    (
        "Deploys continued during the holiday change freeze because the freeze is a calendar entry, not a gate in the pipeline.",
        frozenset({CHANGE}),
    ),
    (
        "The rollout tool advances to the next wave on a timer rather than on health checks.",
        frozenset({CHANGE}),
    ),
    (
        "Hotfixes can be pushed straight to main without code review when the on-call marks them urgent.",
        frozenset({CHANGE}),
    ),
    (
        "Infrastructure changes made by hand in the cloud console are not tracked anywhere, so nobody could tell what had changed.",
        frozenset({CHANGE}),
    ),
    (
        "Our deployment pipeline has no automatic rollback when error rates climb after a release.",
        frozenset({CHANGE}),
    ),
    (
        "Nobody has to approve a change to the DNS zone; any engineer with access can edit records directly.",
        frozenset({CHANGE}),
    ),
    ("Deploys go out to every host at once; there is no gradual step.", frozenset({CHANGE})),
    (
        "The release train ships whatever merged by Tuesday, including changes nobody has looked at since.",
        frozenset({CHANGE}),
    ),
    (
        "The canary analysis compares against a baseline that already includes the bad build, so it always passes.",
        frozenset({CHANGE}),
    ),
    # validation and testing
    (
        "The config pipeline has no schema validation, so a missing field reached every region at once.",
        frozenset({VALIDATION, CHANGE}),
    ),
    (
        "Unit tests mock the payment gateway, so the changed response format was never exercised.",
        frozenset({VALIDATION}),
    ),
    (
        "Staging runs a different load balancer version than production, so the bug could not show there.",
        frozenset({VALIDATION}),
    ),
    (
        "The migration script has no dry-run mode; the first time it ran against real data was in production.",
        frozenset({VALIDATION}),
    ),
    (
        "The bulk-delete command asks for no confirmation, even when the filter matches every tenant.",
        frozenset({VALIDATION}),
    ),
    (
        "Integration tests for the export job were disabled a year ago as flaky and never re-enabled.",
        frozenset({VALIDATION}),
    ),
    (
        "Records from partner feeds are parsed without checking field lengths, so an oversized record crashed the importer.",
        frozenset({VALIDATION}),
    ),
    (
        "CI only lints the Terraform files; nothing compares the plan with the real state before apply.",
        frozenset({VALIDATION}),
    ),
    (
        "Nothing checks that a certificate's hostnames match the service before it is rotated in.",
        frozenset({VALIDATION}),
    ),
    (
        "The backups had never been restored in a drill, so nobody knew they were missing the attachments table.",
        frozenset({VALIDATION}),
    ),
    (
        "The staging environment had run out of disk weeks earlier, so the release was never tried there.",
        frozenset({VALIDATION}),
    ),
    (
        "Third-party webhook payloads are trusted as they arrive; a malformed one from the vendor crashed the order service.",
        frozenset({VALIDATION, DEPENDENCIES}),
    ),
    # detection and alerting
    (
        "The disk-usage alert fired only at 98%, leaving no time to act.",
        frozenset({DETECTION, CAPACITY}),
    ),
    (
        "Error-rate alerts page nobody at night; they go to a channel that is muted.",
        frozenset({DETECTION}),
    ),
    (
        "Our dashboards show averages, so the p99 latency spike on one shard was invisible.",
        frozenset({DETECTION}),
    ),
    ("The queue-depth metric exists but nothing watches it.", frozenset({DETECTION})),
    (
        "Hundreds of low-priority warnings a day had trained the team to ignore the alerting channel.",
        frozenset({DETECTION}),
    ),
    (
        "Customers noticed the broken checkout forty minutes before our monitoring did.",
        frozenset({DETECTION}),
    ),
    ("Synthetic checks test only the homepage, not the login flow.", frozenset({DETECTION})),
    (
        "The health check returns OK as long as the process is up, even when it cannot reach its database.",
        frozenset({DETECTION}),
    ),
    (
        "Alerts for the payment queue were silenced for the maintenance window and never un-silenced.",
        frozenset({DETECTION}),
    ),
    (
        "Paging goes only to the primary, and the primary's phone was on silent.",
        frozenset({DETECTION}),
    ),
    (
        "Latency thresholds were set when traffic was a tenth of today's, so they never trigger.",
        frozenset({DETECTION}),
    ),
    (
        "Nobody is told when a certificate is about to expire; the only reminder went to a former employee's inbox.",
        frozenset({DETECTION}),
    ),
    # capacity and limits
    (
        "The connection pool is sized at 20 per instance, which the new batch job exhausted within minutes.",
        frozenset({CAPACITY}),
    ),
    (
        "Log volume grew until the disks on the shared ingestion nodes filled up.",
        frozenset({CAPACITY}),
    ),
    (
        "We hit the cloud provider's API rate limit during autoscaling, so new instances never came up.",
        frozenset({CAPACITY}),
    ),
    (
        "Memory limits on the worker pods were set years ago and never revisited as payloads grew.",
        frozenset({CAPACITY}),
    ),
    (
        "The account's quota for load balancers was nearly used up and nobody tracked it.",
        frozenset({CAPACITY}),
    ),
    (
        "Nothing bounds the retry rate, so clients multiplied the load on the recovering service.",
        frozenset({CAPACITY}),
    ),
    (
        "Capacity planning assumes last year's peak traffic; the campaign tripled it.",
        frozenset({CAPACITY}),
    ),
    (
        "The message broker keeps unacknowledged messages in memory with no upper bound.",
        frozenset({CAPACITY}),
    ),
    (
        "Inode exhaustion on the build hosts is not something anyone had considered.",
        frozenset({CAPACITY}),
    ),
    (
        "The JVM froze for 40 seconds in garbage collection because the heap was sized for a smaller dataset.",
        frozenset({CAPACITY}),
    ),
    (
        "The cache cluster runs at 85% memory in normal operation, leaving no headroom for a spike.",
        frozenset({CAPACITY}),
    ),
    ("The job scheduler allows unlimited concurrent jobs per user.", frozenset({CAPACITY})),
    (
        "Retries from the mobile app have no backoff, so a short outage became a thundering herd.",
        frozenset({CAPACITY}),
    ),
    # dependencies and blast radius
    (
        "Every service reads its configuration from one etcd cluster, a single point of failure for the whole platform.",
        frozenset({DEPENDENCIES}),
    ),
    (
        "The internal auth service is shared by all products, so its outage took down the storefront and the admin tools together.",
        frozenset({DEPENDENCIES}),
    ),
    ("We depend on one third-party SMS provider with no fallback.", frozenset({DEPENDENCIES})),
    (
        "Batch and interactive traffic use the same database with no isolation between them.",
        frozenset({DEPENDENCIES}),
    ),
    (
        "A slow response from the recommendations service blocks the product page because calls to it have no timeout or circuit breaker.",
        frozenset({DEPENDENCIES}),
    ),
    (
        "Our status page is hosted with the same DNS provider as everything else, so it went down with the rest.",
        frozenset({DEPENDENCIES}),
    ),
    (
        "One tenant's runaway import degraded performance for every tenant on the cluster.",
        frozenset({DEPENDENCIES, CAPACITY}),
    ),
    (
        "The test environment shares a database with production, so a test script deleted real records.",
        frozenset({DEPENDENCIES}),
    ),
    (
        "The feature flag service is a single point of failure: when it is down, every flag reads as off.",
        frozenset({DEPENDENCIES}),
    ),
    (
        "A shared library upgrade was pulled in by every service at its next build, with no pinning.",
        frozenset({DEPENDENCIES}),
    ),
    (
        "When the primary region failed, the secondary could not take over because it relied on the primary's identity service.",
        frozenset({DEPENDENCIES}),
    ),
    (
        "An outage at our CDN vendor took all static assets down, and the site had no fallback origin.",
        frozenset({DEPENDENCIES}),
    ),
    (
        "The gRPC deadline on calls to the inventory service is longer than the caller's own timeout, so one slow dependency held every worker thread.",
        frozenset({DEPENDENCIES, CAPACITY}),
    ),
    (
        "Rate limits on the public API apply per instance, not per customer, so one customer could use the whole cluster.",
        frozenset({CAPACITY, DEPENDENCIES}),
    ),
    # knowledge and runbooks
    (
        "The runbook for failing over the primary database still describes the old cluster layout.",
        frozenset({KNOWLEDGE}),
    ),
    (
        "Only one engineer knew how the legacy billing cron worked, and it was written down nowhere.",
        frozenset({KNOWLEDGE}),
    ),
    ("No team owns the shared nginx config, so nobody reviewed it.", frozenset({KNOWLEDGE})),
    (
        "New on-call engineers are not shown how to reach the vendor's emergency line.",
        frozenset({KNOWLEDGE}),
    ),
    (
        "The alert linked to a wiki page that had been deleted in the move to the new docs site.",
        frozenset({KNOWLEDGE}),
    ),
    ("What order the caches must be warmed in is tribal knowledge.", frozenset({KNOWLEDGE})),
    (
        "The procedure for rotating the signing key exists only in a retired engineer's notes.",
        frozenset({KNOWLEDGE}),
    ),
    (
        "Onboarding for the database team does not cover the replication topology.",
        frozenset({KNOWLEDGE}),
    ),
    (
        "Disk encryption keys are rotated by a script that nobody has run since its author left.",
        frozenset({KNOWLEDGE}),
    ),
    (
        "The runbook says to restart the service, which drops every in-flight job; no one questioned it because it had always been done that way.",
        frozenset({KNOWLEDGE}),
    ),
    (
        "The team that owned the queue was reorganised and the service now has no owner.",
        frozenset({KNOWLEDGE}),
    ),
    ("The incident handbook does not say who may declare an incident.", frozenset({KNOWLEDGE})),
    # time pressure and staffing
    (
        "The on-call rotation has three people, so each is on call every third week and was exhausted.",
        frozenset({PRESSURE}),
    ),
    (
        "The release was pushed through on a Friday evening to meet a contractual deadline.",
        frozenset({PRESSURE, CHANGE}),
    ),
    (
        "The engineer handling the incident was working alone overnight with no one to check the commands.",
        frozenset({PRESSURE}),
    ),
    (
        "A hand-off between shifts lost the context that the failover was half done.",
        frozenset({PRESSURE}),
    ),
    (
        "The team was asked to ship the migration in two weeks while also covering a colleague's on-call.",
        frozenset({PRESSURE}),
    ),
    (
        "Incident response depended on whoever was awake; there is no secondary on call.",
        frozenset({PRESSURE}),
    ),
    (
        "Pages during the night were so frequent that the responder had slept three hours in two days.",
        frozenset({PRESSURE, DETECTION}),
    ),
    ("Two incidents at once left a single responder juggling both.", frozenset({PRESSURE})),
    (
        "Engineers were on their fourth late night before launch when a typo in the manifest got past them.",
        frozenset({PRESSURE}),
    ),
    (
        "Reviews of infrastructure pull requests are rubber-stamped because the team has too many to read.",
        frozenset({CHANGE, PRESSURE}),
    ),
    (
        "The load test that would have caught the regression was skipped to hit the launch date.",
        frozenset({VALIDATION, PRESSURE}),
    ),
    # none of the seven
    (
        "The clocks on the ledger hosts drift because NTP was never configured in that image.",
        frozenset(),
    ),
    ("The contract promised real-time sync that the architecture cannot deliver.", frozenset()),
    (
        "Two services read an empty currency field differently: one as zero, one as missing.",
        frozenset(),
    ),
    (
        "The two teams log in different time zones, which slowed the reconstruction of the timeline.",
        frozenset(),
    ),
)

# Written after the lexicon was tuned on the causes above, labelled the same way, and measured
# once before any further change, to see whether the tuning generalised (see the suggester's
# module docstring for that measurement).
LATER_CAUSES: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "Schema changes are applied to the production database by hand, outside the deploy pipeline, so no one reviews them.",
        frozenset({CHANGE}),
    ),
    (
        "A new version of the mobile API went to all users at once instead of a small percentage first.",
        frozenset({CHANGE}),
    ),
    (
        "The kill switch for the new search ranking had never been wired up, so turning it off meant a full redeploy.",
        frozenset({CHANGE}),
    ),
    (
        "Nobody ran the failover script against a copy of production before the real failover.",
        frozenset({VALIDATION}),
    ),
    (
        "The importer accepts any CSV header order and silently maps columns by position.",
        frozenset({VALIDATION}),
    ),
    (
        "Our end-to-end suite covers the web checkout but not the API clients that most customers use.",
        frozenset({VALIDATION}),
    ),
    (
        "Changes to the routing rules are not tested before they go live.",
        frozenset({VALIDATION, CHANGE}),
    ),
    (
        "The replication lag graph is on a dashboard nobody looks at outside business hours.",
        frozenset({DETECTION}),
    ),
    (
        "We only learned of the outage from a tweet; no alert covers the signup path.",
        frozenset({DETECTION}),
    ),
    (
        "The monitoring agent itself crashed, and its absence raised no alarm.",
        frozenset({DETECTION}),
    ),
    (
        "Thresholds on the queue-age alert are so loose that it only fires after customers complain.",
        frozenset({DETECTION}),
    ),
    (
        "The connection limit on the Postgres primary is lower than the sum of all service pools.",
        frozenset({CAPACITY}),
    ),
    ("Nobody forecasts storage growth, so the volume filled on a Sunday.", frozenset({CAPACITY})),
    (
        "The search cluster has no spare nodes, so losing one pushed the rest past their CPU limit.",
        frozenset({CAPACITY}),
    ),
    (
        "File uploads are held in memory in full before being written, with no size cap.",
        frozenset({CAPACITY, VALIDATION}),
    ),
    (
        "All background jobs run in one worker pool, so a stuck export starved the email sender.",
        frozenset({DEPENDENCIES, CAPACITY}),
    ),
    (
        "The payment flow calls the fraud vendor synchronously and fails closed when the vendor is slow.",
        frozenset({DEPENDENCIES}),
    ),
    (
        "Every region pulls container images from one registry in us-east, which went down.",
        frozenset({DEPENDENCIES}),
    ),
    (
        "The logging sidecar runs in every pod, so its memory leak took down unrelated services.",
        frozenset({DEPENDENCIES}),
    ),
    (
        "How to rebuild the search index from scratch is known by one person, who was on holiday.",
        frozenset({KNOWLEDGE}),
    ),
    (
        "The on-call guide for the ledger service has not been updated since the rewrite.",
        frozenset({KNOWLEDGE}),
    ),
    (
        "No one on the responding team had access to the CDN console or knew who did.",
        frozenset({KNOWLEDGE}),
    ),
    (
        "The cron job that prunes old partitions belongs to a team that no longer exists.",
        frozenset({KNOWLEDGE}),
    ),
    ("The infrastructure team is two people supporting forty services.", frozenset({PRESSURE})),
    (
        "The migration was scheduled for the night before the quarterly launch, with no slack if it went wrong.",
        frozenset({PRESSURE, CHANGE}),
    ),
    (
        "The responder had been paged six times the previous night and was running on little sleep.",
        frozenset({PRESSURE}),
    ),
    (
        "Sales promised the feature for the first of the month, and the team cut the review short to make it.",
        frozenset({PRESSURE, CHANGE}),
    ),
    (
        "The incident commander was also the only person who could fix the database, so nobody coordinated.",
        frozenset({PRESSURE}),
    ),
    (
        "The billing export and the reporting API read from the same replica, so heavy reports slowed billing.",
        frozenset({DEPENDENCIES}),
    ),
    (
        "The service's retry logic ignores Retry-After headers from the partner API.",
        frozenset({CAPACITY, DEPENDENCIES}),
    ),
)
