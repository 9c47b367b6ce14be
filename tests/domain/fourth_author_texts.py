"""A fourth labelled set, written blind by a fourth author who never saw the language rules.

It covers cause and timeline texts in five classes (counterfactuals, judgements, possessives,
multi-word product names as subjects, and people outside the participant list) and action titles
in four classes (watching harder, talking to another team, training, and everything else). Each
label is the author's own judgement as an incident reviewer: whether the text puts the failure on
a person rather than on a condition of the system, and whether the title names no deliverable
anyone could tell is done. Sentences are written in the shapes real reviews use: timestamps,
bullets, "Why?" answers and lessons.

Measured blind, on the rules as they were before issue 23 touched them: blame precision 0.94 /
recall 0.35 (counterfactuals 1.00 / 0.36, judgements 1.00 / 0.31, possessives 1.00 / 0.18,
product names 0.67 / 1.00 with one false alarm on "Feature Flag Manager relied on …", unlisted
names 1.00 / 0.44); vague actions 1.00 / 0.68 (watching harder 1.00 / 0.43, talking to another
team 1.00 / 0.38, training 1.00 / 1.00). The misses were then closed with general rules, and the
set guards against regressions like the others: it is no longer blind.
"""

from __future__ import annotations

PEOPLE: tuple[str, ...] = (
    "Priya Raman",
    "Tomasz Nowak",
    "Adaeze Okafor",
    "Luis Carvalho",
    "Hannah Brandt",
    "Platform SRE",
    "Payments Team",
)

BLAME: tuple[tuple[str, bool, str], ...] = (
    # counterfactual: hindsight about a person or role, presented as a cause
    (
        "If Priya had checked the migration plan against the replica count, the orders database would not have run out of connections.",
        True,
        "counterfactual",
    ),
    (
        "Had the on-call looked at the error-budget dashboard before approving the rollout, the regression would have been caught in the first ten minutes.",
        True,
        "counterfactual",
    ),
    (
        "Were the reviewer more careful, the missing WHERE clause would never have reached production.",
        True,
        "counterfactual",
    ),
    (
        "If only someone had read the vendor's deprecation notice, we would not have been caught out by the API shutdown.",
        True,
        "counterfactual",
    ),
    (
        "14:20 - Had Nowak waited for the canary to finish, the bad config would have stayed on 2% of hosts.",
        True,
        "counterfactual",
    ),
    (
        "Why did the certificate expire? Because Hannah ignored the renewal reminder; if she had renewed it that week the site would have stayed up.",
        True,
        "counterfactual",
    ),
    (
        "If the release manager had respected the change freeze, this change would never have shipped on a Friday evening.",
        True,
        "counterfactual",
    ),
    (
        "Had Luis Carvalho escalated to the network team at 02:15 instead of restarting pods for an hour, recovery would have been much faster.",
        True,
        "counterfactual",
    ),
    (
        "Lesson: if the engineer on shift had acted on the disk warning, the Kafka brokers would not have filled up.",
        True,
        "counterfactual",
    ),
    (
        "Had Adaeze tested the rollback script even once in staging, we would have known it dropped the index.",
        True,
        "counterfactual",
    ),
    (
        "- Okafor could have avoided the whole outage by asking in #payments before force-pushing the release branch.",
        True,
        "counterfactual",
    ),
    (
        "If the disk alert had fired at 80% instead of 95%, there would have been several hours to add capacity.",
        False,
        "counterfactual",
    ),
    (
        "Had the deploy tool asked for confirmation before targeting all regions, the push would have stopped after the first one.",
        False,
        "counterfactual",
    ),
    (
        "If the canary had covered the EU region, the date-format bug would have surfaced before general rollout.",
        False,
        "counterfactual",
    ),
    (
        "Had the replica been provisioned with the same instance class as the primary, failover would have absorbed the load.",
        False,
        "counterfactual",
    ),
    (
        "Why 50 minutes? If the runbook had linked to the current dashboard, the failing shard would have been visible within minutes.",
        False,
        "counterfactual",
    ),
    (
        "If the migration framework had enforced a lock timeout, the ALTER TABLE would have failed fast instead of blocking writes for 18 minutes.",
        False,
        "counterfactual",
    ),
    (
        "Had Priya's pages been routed to the secondary while she was on a flight, the 03:00 alert would not have gone unanswered.",
        False,
        "counterfactual",
    ),
    # judgement: verdicts on speed, skill, attention or choices
    (
        "The on-call was too slow to respond to the first page, and the queue kept growing.",
        True,
        "judgement",
    ),
    (
        "Tomasz chose to skip the canary because he wanted the fix out before lunch.",
        True,
        "judgement",
    ),
    (
        "The change was made by a junior engineer who did not understand the replication topology.",
        True,
        "judgement",
    ),
    (
        "An inexperienced on-call restarted the primary instead of the replica.",
        True,
        "judgement",
    ),
    (
        "Nobody on the payments rotation bothered to read the release notes for the driver upgrade.",
        True,
        "judgement",
    ),
    (
        "Luis took far too long to declare an incident, so customer support heard about it first.",
        True,
        "judgement",
    ),
    (
        "09:42 Hannah decided not to wait for the backup to complete and started the migration anyway.",
        True,
        "judgement",
    ),
    (
        "The engineer who ran the script lacked the experience to recognise a production hostname.",
        True,
        "judgement",
    ),
    (
        "Frankly, the secondary on-call wasn't up to the task of coordinating a multi-region failover.",
        True,
        "judgement",
    ),
    (
        "Adaeze should know by now that staging and production credentials live under the same vault path.",
        True,
        "judgement",
    ),
    (
        "The reviewer was careless and approved a 2,000-line diff in four minutes.",
        True,
        "judgement",
    ),
    (
        "Platform SRE were asleep at the wheel while the error rate climbed for an hour.",
        True,
        "judgement",
    ),
    (
        "- Contributing factor: Raman was sloppy with the flag targeting rules.",
        True,
        "judgement",
    ),
    (
        "The database failover was too slow: promoting the replica took 11 minutes against a target of 60 seconds.",
        False,
        "judgement",
    ),
    (
        "The pipeline skipped the canary stage because the skip_canary option defaults to true on hotfix branches.",
        False,
        "judgement",
    ),
    (
        "The response took 40 minutes because the runbook link in the alert pointed to a deleted wiki page.",
        False,
        "judgement",
    ),
    (
        "New hires have no sandbox account, so the only place to try the admin CLI is production.",
        False,
        "judgement",
    ),
    (
        "The engineer chose the documented restore path, which had been out of date since the storage migration in May.",
        False,
        "judgement",
    ),
    (
        "The cache warm-up was too slow to keep up with the traffic shift, and the origin took the full load.",
        False,
        "judgement",
    ),
    (
        "10:05 Hannah Brandt decided to roll back; checkout recovered three minutes later.",
        False,
        "judgement",
    ),
    # possessive: a person's or role's work as the agent of the failure
    (
        "Priya's change broke session handling in the checkout service.",
        True,
        "possessive",
    ),
    (
        "The DBA's typo in the connection string took down the orders database.",
        True,
        "possessive",
    ),
    (
        "The intern's cleanup script deleted three days of audit logs.",
        True,
        "possessive",
    ),
    (
        "His config push caused every edge node to reload at once.",
        True,
        "possessive",
    ),
    (
        "Tomasz Nowak's hotfix introduced the null dereference that crashed the invoice workers.",
        True,
        "possessive",
    ),
    (
        "Root cause: the on-call's manual restart of the primary, which dropped all in-flight transactions.",
        True,
        "possessive",
    ),
    (
        "Okafor's migration locked the users table for 22 minutes at peak.",
        True,
        "possessive",
    ),
    (
        "Her decision to disable the rate limiter let the retry storm straight through.",
        True,
        "possessive",
    ),
    (
        "The Payments Team's rollout overwhelmed the ledger service within minutes.",
        True,
        "possessive",
    ),
    (
        "Luis' typo in a Terraform variable pointed production at the staging VPC.",
        True,
        "possessive",
    ),
    (
        "The release manager’s approval let an untested build into production.",
        True,
        "possessive",
    ),
    (
        "The scheduler's retry loop overloaded the metadata service once the first timeouts appeared.",
        False,
        "possessive",
    ),
    (
        "The load balancer's health check marked every backend as down after the probe path changed.",
        False,
        "possessive",
    ),
    (
        "Kubernetes' eviction policy removed the ingress pods first when the node hit memory pressure.",
        False,
        "possessive",
    ),
    (
        "The vendor's API change broke our webhook signature verification without notice.",
        False,
        "possessive",
    ),
    (
        "The billing job's lock was never released after the worker was OOM-killed.",
        False,
        "possessive",
    ),
    (
        "Terraform’s plan output hid the resource replacement inside a collapsed diff.",
        False,
        "possessive",
    ),
    (
        "Priya's latency dashboard was the first place the spike showed up, at 16:48.",
        False,
        "possessive",
    ),
    # product: multi-word capitalised product names as the subject
    (
        "Cloud Storage Gateway relied on a cached bucket list instead of querying the region on each request.",
        False,
        "product",
    ),
    (
        "Order Routing Service relied on the stale shard map instead of the one published by Config Service.",
        False,
        "product",
    ),
    (
        "Feature Flag Manager relied on the compiled-in default instead of failing closed when the flag store was unreachable.",
        False,
        "product",
    ),
    (
        "Edge Cache Controller skipped the purge for objects with uppercase characters in their paths.",
        False,
        "product",
    ),
    (
        "Payment Retry Worker ignored the timeout header and retried every failed charge within one second.",
        False,
        "product",
    ),
    (
        "Billing Event Bus failed to deliver invoice.created events for 47 minutes after the partition rebalance.",
        False,
        "product",
    ),
    (
        "Identity Token Broker relied on the host clock instead of the NTP-synced source, so fresh tokens looked expired.",
        False,
        "product",
    ),
    (
        "11:32 Search Index Builder silently dropped documents whose titles exceeded 512 bytes.",
        False,
        "product",
    ),
    (
        "Customer Notification Hub sent the outage email twice because its dedup key included a timestamp.",
        False,
        "product",
    ),
    (
        "Why were returns double-counted? Inventory Sync Agent assumed the warehouse API was idempotent, and it is not.",
        False,
        "product",
    ),
    (
        "Carrier Label Service kept reusing the expired carrier token instead of requesting a new one.",
        False,
        "product",
    ),
    (
        "Hannah Brandt relied on memory instead of the runbook and restarted the wrong cluster.",
        True,
        "product",
    ),
    (
        "Adaeze Okafor ignored the pre-deploy checklist and shipped the schema change straight to production.",
        True,
        "product",
    ),
    # names: people outside the participant list
    (
        "Kevin forgot to remove the debug flag before merging.",
        True,
        "names",
    ),
    (
        "Ms. Lindqvist ignored two pages from the storage alert.",
        True,
        "names",
    ),
    (
        "Sarah didn't bother to check whether the replica had caught up before cutting over.",
        True,
        "names",
    ),
    (
        "Mr. Tanaka approved the firewall change without reading it.",
        True,
        "names",
    ),
    (
        "03:10 Mike deleted the wrong volume and then left the bridge without telling anyone.",
        True,
        "names",
    ),
    (
        "She should have known the certificate was about to expire; it was on her list.",
        True,
        "names",
    ),
    (
        "Jamal was careless with the production credentials and pasted them into a public channel.",
        True,
        "names",
    ),
    (
        "Dr. Osei overruled the capacity plan on a hunch and halved the cluster a week before launch.",
        True,
        "names",
    ),
    (
        "Kevin merged the broken migration, and Nowak rubber-stamped it in review.",
        True,
        "names",
    ),
    (
        "Sarah paged the database team at 14:02.",
        False,
        "names",
    ),
    (
        "Kevin joined the bridge at 14:10 and handed incident command to Priya Raman.",
        False,
        "names",
    ),
    (
        "Mr. Tanaka confirmed from the vendor side that our rate limit had been raised to 500 rps.",
        False,
        "names",
    ),
    (
        "He saw the error rate on the status page and opened an incident at 22:31.",
        False,
        "names",
    ),
    (
        "- Dr. Osei's group published corrected capacity figures the next morning.",
        False,
        "names",
    ),
)

VAGUE: tuple[tuple[str, bool, str], ...] = (
    # watch
    ("Keep a closer eye on replication lag", True, "watch"),
    ("Watch Kafka consumer lag more carefully during peak hours", True, "watch"),
    ("Be more vigilant about TLS certificate expiry", True, "watch"),
    ("Stay on top of queue depth around Black Friday", True, "watch"),
    ("Keep an eye on the error budget going forward", True, "watch"),
    ("Be more alert to memory growth in the API pods", True, "watch"),
    ("Closely monitor the new payment provider after launch", True, "watch"),
    (
        "Page the payments on-call when replication lag exceeds 30 seconds for 5 minutes",
        False,
        "watch",
    ),
    ("Alert when any certificate in the inventory expires in under 14 days", False, "watch"),
    ("Add a disk-usage alert at 80% on every Kafka broker volume", False, "watch"),
    (
        "Fail the deploy automatically if the canary error rate exceeds 1% over 10 minutes",
        False,
        "watch",
    ),
    # talk
    ("Sync with the network team about DNS changes", True, "talk"),
    ("Have a conversation with Payments about retries", True, "talk"),
    ("Set up a meeting with the DBA team", True, "talk"),
    ("Reach out to the vendor re: rate limits", True, "talk"),
    ("Align with Platform SRE on ownership of the ingress", True, "talk"),
    ("Discuss alerting thresholds with the storage team", True, "talk"),
    ("Loop in the mobile team on upcoming API deprecations", True, "talk"),
    ("Touch base with Legal regarding customer notification", True, "talk"),
    ("Add the DNS team as required reviewers on zone-file changes", False, "talk"),
    (
        "Get the vendor's written rate-limit quota for the EU endpoint and record it in the integration runbook",
        False,
        "talk",
    ),
    (
        "Agree a retry budget with the Payments Team and write it into the checkout-service README by 30 April",
        False,
        "talk",
    ),
    (
        "Add the storage team's on-call as the second escalation step for backup-failure alerts",
        False,
        "talk",
    ),
    # training
    (
        "Run a failover drill of the orders database with every payments on-call engineer by 2027-03-31",
        False,
        "training",
    ),
    (
        "Walk all five checkout on-call engineers through the new rollback runbook in a 30-minute session before 15 March",
        False,
        "training",
    ),
    (
        "Have each new SRE hire complete the production-access game day in their first two weeks, starting with the June cohort",
        False,
        "training",
    ),
    (
        "Pair every engineer on the ingress rotation with Luis Carvalho for one shadow shift before 2027-02-28",
        False,
        "training",
    ),
    (
        "Record a 20-minute walkthrough of Terraform state recovery and have the four platform on-calls watch it by end of Q2",
        False,
        "training",
    ),
    (
        "Hold a tabletop exercise of the certificate-expiry scenario with the Platform SRE rotation on 12 May",
        False,
        "training",
    ),
    (
        "Run the DNS rollback drill in staging with Priya Raman and Tomasz Nowak before they join the network rotation in April",
        False,
        "training",
    ),
    ("Train engineers on Kubernetes", True, "training"),
    ("More training for the on-call", True, "training"),
    ("Educate developers about feature flags", True, "training"),
    ("Improve onboarding for new SREs", True, "training"),
    ("Make sure everyone understands the deploy process", True, "training"),
    ("Raise awareness of database locking", True, "training"),
    # other
    ("Improve monitoring", True, "other"),
    ("Look into the timeouts", True, "other"),
    ("Investigate the intermittent 502s from the gateway", True, "other"),
    ("Make the deploy process more robust", True, "other"),
    ("Revisit our caching strategy", True, "other"),
    ("Harden the payment retry logic", True, "other"),
    ("Clean up tech debt in the billing service", True, "other"),
    (
        "Set lock_timeout to 5s for every schema migration the migration runner executes",
        False,
        "other",
    ),
    ("Delete the deprecated /v1/export endpoint and its nightly cron job", False, "other"),
    ("Cap Payment Retry Worker at 3 attempts with exponential backoff", False, "other"),
    ("Put the runbook link in the annotations of every paging alert", False, "other"),
    (
        "Raise the orders connection pool limit to 200 and note the reason in the runbook",
        False,
        "other",
    ),
)
