"""A fifth labelled set, written blind after the rules were tuned, without seeing them: blame
language in cause, timeline and lesson texts (hindsight counterfactuals, verdicts on people,
possessives as agents, multi-word product names as subjects, people outside the participant
list) and vague action-item titles (watching, talking, training, ordinary actions), each
labelled by an incident reviewer's judgement, never by running the rules.

Measured blind once, on the rules as tuned on the fourth set: blame precision 1.00 / recall 0.79
(counterfactuals 1.00 / 1.00, judgements 1.00 / 0.77, possessives 1.00 / 0.55, product names
1.00 / 0.67, unlisted names 1.00 / 0.89); vague actions 1.00 / 0.92 (watching 1.00 / 0.86,
talking 1.00 / 1.00, training 1.00 / 1.00, other 1.00 / 0.83). On the rules as they were before
issue 23: blame 0.90 / 0.38, vague 1.00 / 0.72. The misses (a possessive's work named several
words before its verb or in a cleft, "not yet competent enough", an appositive role, a first
name the list lacked) were then closed with general rules; like the others, it now guards
against regressions and is no longer blind.
"""

from __future__ import annotations

PEOPLE: tuple[str, ...] = (
    "Oluwaseun Adeyemi",
    "Marta Kowalczyk",
    "Kenji Morimoto",
    "Priyanka Raghunathan",
    "Tomas Herrera",
    "Payments Platform",
    "Edge Networking",
)

BLAME: tuple[tuple[str, bool, str], ...] = (
    # counterfactual: hindsight about a person or role presented as a cause
    (
        "If Marta had checked the replica lag before promoting ledger-db-2, we would not have lost forty minutes of writes.",
        True,
        "counterfactual",
    ),
    (
        "Had the on-call engineer read the runbook past step 4, the failover would have been a non-event.",
        True,
        "counterfactual",
    ),
    (
        "Why did the certificate expire? Because Kenji never renewed it after the reminder on 2 March; had he done so, none of this would have happened.",
        True,
        "counterfactual",
    ),
    (
        "Were she a little more careful with --force, Priyanka would not have overwritten the production bucket policy.",
        True,
        "counterfactual",
    ),
    (
        "If only someone on Payments Platform had bothered to read the deprecation notice, we’d have migrated off the v1 API months ago.",
        True,
        "counterfactual",
    ),
    (
        "Oluwaseun Adeyemi could have prevented this by simply waiting for the canary to finish before promoting to 100%.",
        True,
        "counterfactual",
    ),
    (
        "The outage would never have happened if the reviewer had actually read the diff instead of approving it in thirty seconds.",
        True,
        "counterfactual",
    ),
    (
        "14:02 - Herrera acknowledges the page. Had he escalated then, rather than debugging alone for an hour, we would have recovered well inside the SLO.",
        True,
        "counterfactual",
    ),
    (
        "Lesson learned: if the DBA had double-checked which host his terminal was connected to, the DROP TABLE would have landed on staging and nobody outside the team would ever have heard about it.",
        True,
        "counterfactual",
    ),
    (
        "Adeyemi should have known the migration would lock the accounts table; a quick EXPLAIN would have shown it.",
        True,
        "counterfactual",
    ),
    (
        "Had Tomas not merged on a Friday evening, the weekend on-call would not have spent six hours cleaning up after him.",
        True,
        "counterfactual",
    ),
    # counterfactual: about systems, tooling, or what people were told or knew
    (
        "If the failover script had checked replica lag before promoting, the ledger would not have lost any writes.",
        False,
        "counterfactual",
    ),
    (
        "Had the alert fired on queue depth rather than on error rate, we would have been paged about twenty minutes earlier.",
        False,
        "counterfactual",
    ),
    (
        "If the runbook had said which region was primary, Marta would have had everything she needed at 03:10.",
        False,
        "counterfactual",
    ),
    (
        "Nobody on Edge Networking had been told that the new CDN contract changed the purge behaviour; had the vendor’s notice reached the team, the migration would have been planned and scheduled like any other.",
        False,
        "counterfactual",
    ),
    (
        "Were the staging dataset anywhere near production size, the lock contention would have shown up long before release.",
        False,
        "counterfactual",
    ),
    (
        "Kenji could not have known the flag was shared with the mobile client, because neither the config file nor its documentation said so.",
        False,
        "counterfactual",
    ),
    (
        "If the deploy pipeline had required a green canary before promotion, the bad build would have stopped at 5% of traffic.",
        False,
        "counterfactual",
    ),
    (
        "Would a better dashboard have helped? Probably: the lag graph sat three clicks deep and its log scale flattened the spike.",
        False,
        "counterfactual",
    ),
    # judgement: verdicts on people's speed, skill, attention or choices
    (
        "Priyanka was far too slow to respond to the page; it took her 25 minutes just to open a laptop.",
        True,
        "judgement",
    ),
    (
        "The responder was clearly out of his depth with Kafka and kept restarting brokers more or less at random.",
        True,
        "judgement",
    ),
    (
        "Why was the rollback delayed? Tomas decided to skip the rollback checklist to save a few minutes.",
        True,
        "judgement",
    ),
    (
        "Oluwaseun ignored the advice from the database team and went ahead with the migration anyway.",
        True,
        "judgement",
    ),
    (
        "The TTL change was made by a junior engineer who clearly didn't understand how DNS caching works.",
        True,
        "judgement",
    ),
    (
        "After two quiet quarters Marta has grown complacent about alerts and no longer reads them closely.",
        True,
        "judgement",
    ),
    (
        "The on-call did not bother to check the status page before telling customers everything was fine.",
        True,
        "judgement",
    ),
    (
        "Honestly, Kenji handled the whole incident carelessly, from the first page to the final all-clear.",
        True,
        "judgement",
    ),
    (
        "Herrera took far too long to realise that the errors were coming from his own feature flag.",
        True,
        "judgement",
    ),
    (
        "The engineer chose to deploy during the change freeze even though the release calendar said not to.",
        True,
        "judgement",
    ),
    (
        "Our newest SRE is not yet competent enough to be primary on-call, and this incident proves it.",
        True,
        "judgement",
    ),
    (
        "Adeyemi was inattentive during the handover and missed that the reconciliation cron was still disabled.",
        True,
        "judgement",
    ),
    (
        "Support escalated late because the rep on shift was too inexperienced to recognise a payments outage when he saw one, and by the time a manager looked at the queue there were 400 open tickets.",
        True,
        "judgement",
    ),
    # judgement: the same words said of systems, or neutral descriptions of decisions
    (
        "The failover controller was slow to detect the dead primary, because its health check only runs every 90 seconds.",
        False,
        "judgement",
    ),
    (
        "Replication took too long to catch up after the partition: roughly 38 minutes to replay 12 GB of WAL.",
        False,
        "judgement",
    ),
    (
        "Priyanka Raghunathan decided to roll back at 14:20, once the error rate crossed 5%; the rollback completed at 14:31.",
        False,
        "judgement",
    ),
    (
        "The alerting pipeline ignored events with a missing severity field, so the page was never sent.",
        False,
        "judgement",
    ),
    (
        "Kenji decided to restart the consumer group, which is what the runbook recommends for this symptom.",
        False,
        "judgement",
    ),
    (
        "The new scheduler is still immature and handles node drains poorly under load.",
        False,
        "judgement",
    ),
    (
        "The autoscaler went ahead anyway and scaled in while the drain was still in progress.",
        False,
        "judgement",
    ),
    (
        "The runbook was out of its depth for a multi-region failure; it only described recovery from a single-AZ outage.",
        False,
        "judgement",
    ),
    (
        "At 02:47 Marta chose to page Edge Networking, since the packet-loss graph pointed at the load balancers.",
        False,
        "judgement",
    ),
    # possessive: a person's or role's work as the agent of a failure
    (
        "Kenji's change to the connection pool settings broke checkout for every EU customer.",
        True,
        "possessive",
    ),
    (
        "The contractor's cleanup script wiped the audit table in production on Saturday night.",
        True,
        "possessive",
    ),
    (
        "Her deploy caused the spike in 502s at 11:14, and the rest of the timeline follows from it.",
        True,
        "possessive",
    ),
    (
        "Oluwaseun's typo in the Terraform variables file took down the VPN gateway for the whole office.",
        True,
        "possessive",
    ),
    (
        "Root cause: Marta Kowalczyk's migration dropped the index that the month-end reports query depended on.",
        True,
        "possessive",
    ),
    (
        "Herrera's hotfix introduced the null dereference that crashed the worker pool.",
        True,
        "possessive",
    ),
    (
        "The intern's cron entry ran every minute instead of every hour and burned through the partner API quota by lunchtime.",
        True,
        "possessive",
    ),
    (
        "It was the on-call engineer's manual restart that corrupted the queue's on-disk state.",
        True,
        "possessive",
    ),
    (
        "Priyanka’s merge quietly reverted the rate-limiter fix and let the scraper straight back in.",
        True,
        "possessive",
    ),
    (
        "Why #2: why did the cache empty? Because Adeyemi's flush command targeted every keyspace, not just the test one.",
        True,
        "possessive",
    ),
    (
        "The release manager's call to bundle three features into one deploy is what brought the site down.",
        True,
        "possessive",
    ),
    # possessive: of systems, vendors, services, or a possession that failed nothing
    (
        "The load balancer's health check marked every backend unhealthy once the timeout was lowered to one second.",
        False,
        "possessive",
    ),
    (
        "Stripe's webhook retries doubled the traffic to the payments API during recovery.",
        False,
        "possessive",
    ),
    (
        "The scheduler's retry queue grew to two million items before the workers caught up.",
        False,
        "possessive",
    ),
    (
        "Marta's laptop was stuck on hotel Wi-Fi, so she joined the bridge from her phone at 03:05.",
        False,
        "possessive",
    ),
    ("Kenji's notes from the 2022 incident are what got us to the fix.", False, "possessive"),
    (
        "The CDN provider's purge API returned 200 while silently dropping any request with more than 500 paths.",
        False,
        "possessive",
    ),
    ("- 09:52 UTC: Edge Networking's dashboard shows the packet loss first.", False, "possessive"),
    (
        "The deploy pipeline's lack of a canary stage meant the bad build reached every host at once.",
        False,
        "possessive",
    ),
    # product: multi-word product names as subjects of blame-like verbs
    (
        "Fleet Config Manager relied on a cached inventory instead of the live host list, so it pushed the new config to nodes that had been decommissioned the week before.",
        False,
        "product",
    ),
    (
        "The Postgres Backup Operator skipped the nightly snapshot because the volume was at 98% capacity.",
        False,
        "product",
    ),
    (
        "Cloud Cost Agent ignored the new tagging policy and kept reporting untagged spend as zero.",
        False,
        "product",
    ),
    (
        "Ingress Route Controller failed to reconcile the renewed certificate and kept serving the expired one until 07:40.",
        False,
        "product",
    ),
    (
        "Release Readiness Engineer, our internal approvals bot, forgot the sign-off state after its pod restarted and asked everyone to approve again.",
        False,
        "product",
    ),
    (
        "Global Traffic Manager relied on DNS health checks instead of TCP checks and kept routing users to the dead origin.",
        False,
        "product",
    ),
    (
        "Secrets Rotation Agent skipped the payments namespace entirely because its label selector did not match.",
        False,
        "product",
    ),
    (
        "Kafka Topic Operator ignored our retention override and reset it to seven days on every sync, which turns out to be documented behavior.",
        False,
        "product",
    ),
    (
        "The Batch Job Controller failed to release its lease, so the nightly ledger export never started.",
        False,
        "product",
    ),
    (
        "After the upgrade, Capacity Planning Engine forgot its previous forecast and under-provisioned the cluster for the sale weekend.",
        False,
        "product",
    ),
    (
        "Incident Response Manager, the paging tool, failed to escalate beyond the first responder because the escalation policy was empty.",
        False,
        "product",
    ),
    # product: the same verbs with a real person as subject
    (
        "Marta Kowalczyk relied on her memory of the topology instead of checking the diagram, and failed over the wrong region.",
        True,
        "product",
    ),
    (
        "Kenji skipped the pre-flight checks and ignored the warning that Fleet Config Manager printed in red.",
        True,
        "product",
    ),
    (
        "Tomas Herrera, acting as Release Manager, forgot to tag the build and shipped an untested artifact.",
        True,
        "product",
    ),
    # names: people outside PEOPLE doing blamed things
    ("Dave pushed straight to main again and broke the build for everyone.", True, "names"),
    ("Mr. Okafor ignored three linter warnings and shipped the config anyway.", True, "names"),
    ("Ms. Lindqvist approved the firewall change without reading it.", True, "names"),
    (
        "Dr. Chen should have caught the unit mismatch before the pricing model went live.",
        True,
        "names",
    ),
    (
        "She forgot to re-enable alerting after the maintenance window, which is why nobody got paged.",
        True,
        "names",
    ),
    (
        "He was careless with the production credentials and pasted them into a public channel.",
        True,
        "names",
    ),
    ("Sarah misread the graph and told the whole bridge the database was healthy.", True, "names"),
    ("Once again Raj didn't bother testing his change in staging.", True, "names"),
    (
        "The night shift sat on the alarms until morning because they couldn't be bothered to wake anyone up.",
        True,
        "names",
    ),
    # names: plain facts about people outside PEOPLE
    ("* 03:12 Dave joins the bridge and takes over as incident commander.", False, "names"),
    (
        "Ms. Lindqvist from Legal confirmed at 16:40 that no customer data had left the region.",
        False,
        "names",
    ),
    (
        "She restarted the primary at 09:58, following step 6 of the runbook, and writes resumed within a minute.",
        False,
        "names",
    ),
    (
        "Dr. Chen pointed out that the pricing model expected cents rather than euros, which led us straight to the fix.",
        False,
        "names",
    ),
    ("Raj was on holiday that week, and the rota had no cover for his shifts.", False, "names"),
)

VAGUE: tuple[tuple[str, bool, str], ...] = (
    # watch: vague promises to watch harder
    ("Keep a closer eye on replication lag", True, "watch"),
    ("Pay more attention to disk usage alerts", True, "watch"),
    ("Be more vigilant during deploys", True, "watch"),
    ("Stay on top of certificate expiry dates", True, "watch"),
    ("Monitor the queue better", True, "watch"),
    ("On-call to watch the dashboards more carefully on Fridays", True, "watch"),
    ("Improve monitoring of the payments service", True, "watch"),
    # watch: concrete alerts or checks with thresholds
    ("Add alert: page on-call when replica lag exceeds 30s for 5 minutes", False, "watch"),
    ("Create a Prometheus alert for certificates expiring within 14 days", False, "watch"),
    (
        "Add a synthetic checkout probe every 60s from three regions, paging after 3 consecutive failures",
        False,
        "watch",
    ),
    ("Warn at 85% and page at 92% disk usage on ledger-db volumes", False, "watch"),
    # talk: vague plans to talk with another team or vendor
    ("Sync with Edge Networking about the load balancer", True, "talk"),
    ("Talk to the CDN vendor about purge behaviour", True, "talk"),
    ("Align with Payments Platform on ownership", True, "talk"),
    ("Discuss retry strategy with the mobile team", True, "talk"),
    ("Set up a meeting with Security to go over the findings", True, "talk"),
    ("Follow up with AWS", True, "talk"),
    ("Have a conversation with Data Engineering about schema changes", True, "talk"),
    # talk: concrete deliverables that involve another team
    ("Add the CDN vendor's 24/7 escalation contacts to the edge runbook by 30 June", False, "talk"),
    (
        "Edge Networking to document the load balancer failover procedure in the shared runbook",
        False,
        "talk",
    ),
    (
        "Open an AWS support case requesting the RCA for the us-east-1 EBS degradation and link it here",
        False,
        "talk",
    ),
    (
        "Write an ownership RFC for the ledger-export job, signed off by Payments Platform and Data Engineering",
        False,
        "talk",
    ),
    # training: concrete, dated training actions
    (
        "Run a 90-minute Postgres failover drill for all Payments Platform on-call engineers by 15 May",
        False,
        "training",
    ),
    (
        "Kenji Morimoto to walk Edge Networking through the new BGP runbook in a recorded session before 1 July",
        False,
        "training",
    ),
    (
        "Enrol the four new SREs in the Kafka operations course and have them complete it by end of Q3",
        False,
        "training",
    ),
    (
        "Hold a game day on 12 September where every primary on-call practises a regional failover in staging",
        False,
        "training",
    ),
    (
        "Add a 'rolling back a deploy' module to on-call onboarding; all 2024 joiners complete it by 31 October",
        False,
        "training",
    ),
    (
        "Marta to run a hands-on Terraform state-recovery workshop for the platform team on 3 June",
        False,
        "training",
    ),
    (
        "New on-call engineers shadow two weeks of the rota before going primary, starting with the July rota",
        False,
        "training",
    ),
    # training: vague training, education or awareness
    ("More training on databases", True, "training"),
    ("Raise awareness of the change freeze rules", True, "training"),
    ("Educate engineers about safe deploys", True, "training"),
    ("Improve on-call onboarding", True, "training"),
    ("Make sure everyone understands the runbook", True, "training"),
    # other: ordinary titles, vague and concrete
    ("Be more careful with production changes", True, "other"),
    ("Improve the deploy process", True, "other"),
    ("Look into the memory leak", True, "other"),
    ("Make failover more robust", True, "other"),
    ("Review our alerting strategy", True, "other"),
    ("Document lessons learned", True, "other"),
    ("Set the default DNS TTL for customer domains to 300s in the zone template", False, "other"),
    (
        "Make scripts/cleanup_audit.py dry-run by default and require --apply to delete",
        False,
        "other",
    ),
    ("Require two approvals on PRs touching terraform/prod/", False, "other"),
    ("Write the ledger-db failover runbook with the region check as step 1", False, "other"),
    ("Rotate the leaked partner API key and revoke the old one", False, "other"),
    (
        "Upgrade Ingress Route Controller to 2.4.1, which retries certificate reconciliation",
        False,
        "other",
    ),
    ("Make failover.sh abort promotion when replica lag is above 10s", False, "other"),
)
