"""Hand-labelled postmortem texts for judging pmdesk's language rules.

Written before the rules, in the style of real postmortems, and not bent to fit them: when a
rule misses one of these, the miss counts against the measured precision and recall (see
`tests.domain.measure_language`). Many of the quiet texts are hard negatives: system descriptions
that use the same trigger words as blame ("failed to", "should have", "fault", "ignored").
"""

from __future__ import annotations

from dataclasses import dataclass

# The participants of the labelled postmortems: four people and two teams.
PEOPLE: tuple[str, ...] = (
    "Dana Okafor",
    "Sam Ruiz",
    "Priya Natarajan",
    "Lee Chen",
    "Platform team",
    "Payments SRE",
)


@dataclass(frozen=True, slots=True)
class BlameSample:
    """A cause, timeline, summary or lesson text, and whether it puts the failure on a person."""

    text: str
    blame: bool
    people: tuple[str, ...] = PEOPLE


@dataclass(frozen=True, slots=True)
class ActionSample:
    """An action title, and whether it lacks a concrete deliverable."""

    title: str
    vague: bool


def _blame(*texts: str) -> list[BlameSample]:
    return [BlameSample(text, blame=True) for text in texts]


def _quiet(*texts: str) -> list[BlameSample]:
    return [BlameSample(text, blame=False) for text in texts]


BLAME_SAMPLES: tuple[BlameSample, ...] = (
    *_blame(
        "Dana pushed the config without testing it.",
        "Sam's typo in the feature flag name disabled checkout for all users.",
        "Root cause: human error during the database migration.",
        "Operator error: the wrong Kubernetes context was selected before running the delete.",
        "Engineer error caused the orders table to be dropped during the cleanup.",
        "The on-call engineer forgot to renew the TLS certificate.",
        "Forgot to renew the certificate for api.example.com",
        "Priya should have checked the replication dashboard before starting the failover.",
        "The developer failed to run the integration tests before merging.",
        "It was Lee's fault that the rollback took 40 minutes.",
        "A careless review let the unbounded query through to production.",
        "Sloppy handling of the secrets rotation left the old key active for a week.",
        "The on-call ignored the first three pages.",
        "He didn't bother to check the replication lag before promoting the replica.",
        "The operator was not paying attention to the disk usage warnings.",
        "Negligence during the firewall change exposed the admin port.",
        "We shouldn't have deployed on a Friday afternoon with half the team away.",
        "Someone deleted the production bucket by mistake.",
        "Dana Okafor mistakenly ran the cleanup script against production.",
        "The intern was reckless with the admin credentials.",
        "User error: a support agent refunded the wrong batch of orders.",
        "The reviewer was lazy and approved the pull request without reading the diff.",
        "Sam ignored the warning printed by the deploy tool.",
        "The SRE didn't bother reading the runbook before restarting the cluster.",
        "Incompetent handling of the failover by the night shift doubled the outage.",
        "The engineer who pushed the change should have known better.",
        "Priya failed to notice that the migration was still running.",
        "They forgot to remove the debug flag before the release.",
        "I should have waited for the canary to finish before promoting the build.",
        "The blame lies with the release manager, who skipped the checklist.",
        "Dana didn't test the rollback path before the change went out.",
        "Lee accidentally dropped the orders table while cleaning up staging.",
        "Priya's mistake in the DNS record sent traffic to the old load balancer.",
        "The deploy was done carelessly, skipping the canary stage.",
        "The Platform team was negligent in leaving port 22 open to the internet.",
        "The on-call engineer made an error when scaling down the cluster.",
        "Sam fat-fingered the instance count and scaled the fleet down to 3 nodes.",
        "Root cause was the developer not following the release checklist.",
        "Dana should've double-checked the region before applying the change.",
        "Operators overlooked the certificate expiry emails for two weeks.",
        "Nobody bothered to update the runbook after the last migration.",
        "14:20 Lee restarts the primary without telling the incident channel",
    ),
    *_quiet(
        "The deploy tool allows pushing to all regions at once with no canary stage",
        "The health check failed to detect the stalled worker",
        "The alert should have fired after 2 minutes but its window is 15 minutes",
        "Fault-tolerant replication was not enabled on the orders database.",
        "A network fault in rack 12 dropped half of the storage nodes.",
        "The default config sets the connection pool size to 10.",
        "A faulty disk on db-3 caused write latency to spike.",
        "Nobody knew for 15 minutes that checkout was failing",
        "Sam Ruiz joins as incident commander",
        "Incident declared SEV2; incident commander joins",
        "Checkout error rate rises from 0.1% to 96%",
        "The renewal cron job failed to renew the certificate because the ACME endpoint was "
        "unreachable.",
        "The pipeline ignored the failing lint step because it was marked optional.",
        "The load balancer should have drained the node, but the drain timeout was set to zero.",
        "Dana rolls back the config change",
        "Platform team pages the database on-call",
        "Retries failed to complete within the 30-second client timeout.",
        "The cleanup job deleted live snapshots by mistake because the retention filter matched "
        "every prefix.",
        "The config validator does not check for duplicate keys.",
        "The error budget for the quarter was exhausted by this incident.",
        "The runbook says to restart the worker, which made the backlog worse.",
        "Fault injection tests were never run against the new queue.",
        "The on-call page went to a phone number that was no longer in use.",
        "The user error rate climbed to 12% within five minutes.",
        "The cache should have been invalidated on deploy, but invalidation is a manual step.",
        "Engineers had no way to see which regions had already received the change.",
        "The blameless review found three contributing factors.",
        "Failover to the secondary region failed to start because the DNS TTL was 24 hours.",
        "Kubernetes ignored the memory limit because it was set on the sidecar container.",
        "The deploy script should have stopped on the first error, but set -e was missing.",
        "The cloud provider reported a fault in their eu-west-1 storage layer.",
        "The incident commander asks the database on-call to pause the migration",
        "Priya notices the error rate climbing on the checkout dashboard",
        "The billing service failed to reconnect after the database failover.",
        "Lazy loading of the pricing module meant the first request after a deploy took 9 seconds.",
        "This was not human error: the console accepted a production target with no confirmation.",
        "Lee restarts the payment workers and the queue starts draining",
        "The Postgres operator failed to promote the replica after the primary was lost.",
        "Alerts for the batch cluster are ignored by the router when the severity label is "
        "missing.",
        "The feature flag service mistakenly served the default value to every client after "
        "its cache expired.",
        "The payment provider's webhook failed to retry after a 500 response.",
        "Nothing in the pipeline blocks a merge when the integration tests are skipped.",
        "Dana and Sam open a bridge call and split the investigation",
        "The config pipeline accepted the value without validating it",
        "Payments SRE confirms the queue is empty and closes the incident",
    ),
    # Added with the implementation of the rules: more everyday wordings, same labelling rules.
    *_blame(
        "Lee didn't check the disk before resizing the volume.",
        "We forgot to update the DNS record after the migration.",
        "The DBA ran the migration on the wrong cluster.",
        "A developer accidentally committed the API key to the public repository.",
        "Sam should not have restarted the primary during peak traffic.",
        "The release manager neglected to check the dashboards after the rollout.",
        "Priya Natarajan's typo in the firewall rule blocked all inbound traffic.",
        "Engineers did not follow the change management process.",
        "The on-call, who was new to the team, ignored the disk warning.",
        "She did not test the failover before the maintenance window.",
        "Blame falls on the deploy team for skipping QA.",
        "Operator error caused the wrong volume to be detached.",
    ),
    *_quiet(
        "The autoscaler failed to add nodes because the quota was exhausted.",
        "The backup job should have alerted on failure, but its alerts were disabled.",
        "Lee identifies the bad config and reverts it",
        "The on-call engineer did not receive the page because the phone number was outdated.",
        "We did not have an alert on queue depth.",
        "The team should have a runbook for regional failover.",
        "The replica missed three heartbeats and was evicted.",
        "The migration accidentally locked the orders table because it ran in one transaction.",
        "Requests failed to reach the API because of a DNS misconfiguration.",
        "It was nobody's fault: the tool made the wrong step easy.",
        "The Kubernetes operator did not reconcile the CRD after the upgrade.",
        "The operator did not reconcile the CRD after the upgrade.",
    ),
)


def _vague(*titles: str) -> list[ActionSample]:
    return [ActionSample(title, vague=True) for title in titles]


def _concrete(*titles: str) -> list[ActionSample]:
    return [ActionSample(title, vague=False) for title in titles]


ACTION_SAMPLES: tuple[ActionSample, ...] = (
    *_vague(
        "Improve monitoring",
        "Be more careful",
        "Investigate the issue",
        "Review our processes",
        "Fix the bug",
        "Add more tests",
        "Communicate better",
        "Look into the database",
        "Ensure this doesn't happen again",
        "Make deployments safer",
        "Enhance alerting",
        "Consider adding a canary stage",
        "Revisit the on-call process",
        "Discuss the incident at the next retro",
        "Explore better tooling for deploys",
        "Evaluate our backup strategy",
        "Make sure configs are correct before deploying",
        "Try to catch these errors earlier",
        "Work on reliability",
        "Think about capacity planning",
        "Optimize the database",
        "Update the documentation",
        "Train engineers on the deploy tool",
        "Remind everyone to double-check the region",
        "Add monitoring",
        "Improve test coverage",
        "Follow up with the vendor",
        "Increase observability",
        "Harden the infrastructure",
        "Write better runbooks",
        "Clean up the alerts",
        "Double-check configs before pushing",
        "Better communication during incidents",
        "Address the root cause",
        "Strengthen the review process",
    ),
    *_concrete(
        "Add a latency alert to the checkout service with a 5-second threshold",
        "Add schema validation to the config deployment pipeline",
        "Push config changes to one region as a 10-minute canary before the rest",
        "Alert when the checkout error rate stays above 2% for 2 minutes",
        "Require two approvals on changes to payments-config",
        "Rotate the TLS certificate for api.example.com automatically via cert-manager",
        "Set the orders database connection pool to 50 and alert at 80% use",
        "Page the database on-call when replication lag exceeds 30 seconds",
        "Block merges to main when the integration test job is skipped",
        "Migrate the session store from Redis 5 to Redis 7",
        "Rate-limit the login endpoint to 10 requests per second per IP",
        "Automate certificate renewal for *.internal.example.com with cert-manager",
        "Replace the manual failover runbook step with a scripted promote command",
        "Split the monolithic deploy job into per-region jobs",
        "Cap the retry queue at 10,000 messages and drop the oldest",
        "Enable deletion protection on the production S3 buckets",
        "Disable the all-regions option in the deploy tool",
        "Configure the health check to fail when the worker heartbeat is older than 60 seconds",
        "Document the database failover steps in the checkout runbook",
        "Write an integration test that fails when the config has duplicate keys",
        "Remove the debug flag from the production feature flag defaults",
        "Add a confirmation prompt to the cleanup script when the target is production",
        "Shorten the disk usage alert window from 15 minutes to 2 minutes",
        "Move the billing cron job off the shared scheduler onto its own worker pool",
        "Add a dashboard panel for queue depth on the payments workers",
        "Reject empty region lists in the deploy tool's argument parser",
        "Upgrade the Postgres operator to 1.12 to get the promotion fix",
        "Set the DNS TTL for checkout.example.com to 60 seconds",
        "Add the payments escalation policy to PagerDuty",
        "Expire stale feature flags after 90 days with a weekly report to owners",
        "Post to #incidents when a deploy targets more than one region",
        "Improve alerting by adding a p99 latency alert on the search API at 800 ms",
        "Restrict production database write access to the migration service account",
        "Run a quarterly restore test of the orders database backup",
        "Add a pre-deploy check that diffs the Terraform plan against production state",
    ),
    # Added with the implementation of the rules.
    *_vague(
        "Improve the deploy process",
        "Fix the config pipeline",
        "Make the pipeline more robust",
        "Add better logging",
        "Reduce toil",
        "Prevent similar incidents",
        "Monitor the database more closely",
        "Educate the team about config changes",
    ),
    *_concrete(
        "Lower the checkout alert window from 15 to 2 minutes",
        "Make the deploy tool refuse pushes without a region list",
        "Validate gateway hostnames against DNS before a config merge",
        "Add an error-rate alert for checkout",
        "Fix the off-by-one in the retry backoff calculation",
        "Enable Terraform prevent_destroy on the VPC resource",
        "Route disk usage warnings to the #ops-alerts channel",
        "Run the migration in batches of 1,000 rows",
    ),
)
