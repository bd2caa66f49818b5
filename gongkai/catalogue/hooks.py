"""What happens elsewhere when a catalogue item changes, inside the same transaction.

The catalogue does not know who listens: another app (search, to keep its index in step) subscribes
at start-up, in its ``AppConfig.ready``. ``changed`` is called by the catalogue's services after an
item is saved, before the transaction commits, so a listener's writes commit or roll back with the
change itself. A listener that fails fails the change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gongkai.catalogue.models import Document

Listener = Callable[[Sequence[Document]], None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def changed(doc: Document) -> None:
    """An item was created, edited, moved in its workflow or imported."""
    changed_many([doc])


def changed_many(docs: Sequence[Document]) -> None:
    """Several items were (a batch of an import): a listener handles them together."""
    if docs:
        for listener in _listeners:
            listener(docs)
