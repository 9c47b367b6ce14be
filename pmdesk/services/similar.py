"""Similar past incidents for one postmortem, ranked from the whole library."""

from __future__ import annotations

from pmdesk.domain.similarity import Match, similar
from pmdesk.services.postmortems import NotFoundError, resolve_id
from pmdesk.storage.documents import similarity_documents
from pmdesk.storage.library import Library


def similar_postmortems(library: Library, typed_id: str, limit: int = 10) -> list[Match]:
    postmortem_id = resolve_id(library, typed_id)
    with library.connect() as conn:
        documents = similarity_documents(conn)
    target = next((d for d in documents if d.id == postmortem_id), None)
    if target is None:  # deleted between the two reads
        raise NotFoundError(f"The postmortem “{typed_id}” was just deleted from this library.")
    return similar(target, documents, limit)
