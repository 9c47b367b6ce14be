"""Every postmortem's words for similarity, read in three queries however big the library is."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, select

from pmdesk.domain.similarity import Document
from pmdesk.storage.schema import causes, postmortems, tags


def similarity_documents(conn: Connection) -> list[Document]:
    tag_lists: defaultdict[str, list[str]] = defaultdict(list)
    for postmortem_id, tag in conn.execute(
        select(tags.c.postmortem_id, tags.c.tag).order_by(tags.c.postmortem_id, tags.c.position)
    ):
        tag_lists[postmortem_id].append(tag)
    cause_texts: defaultdict[str, list[str]] = defaultdict(list)
    for postmortem_id, text in conn.execute(
        select(causes.c.postmortem_id, causes.c.text).order_by(
            causes.c.postmortem_id, causes.c.position
        )
    ):
        cause_texts[postmortem_id].append(text)
    rows = conn.execute(
        select(
            postmortems.c.id,
            postmortems.c.title,
            postmortems.c.summary,
            postmortems.c.impact_summary,
        ).order_by(postmortems.c.id)
    )
    return [
        Document(
            id=row.id,
            title=row.title,
            tags=tuple(tag_lists[row.id]),
            text="\n".join([row.summary, row.impact_summary, *cause_texts[row.id]]),
        )
        for row in rows
    ]
