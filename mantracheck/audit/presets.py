"""Column presets for common help-desk exports.

A preset names, for one export layout, the column that holds the reply text, the columns the
logical names of ``--group-by`` and ``--column`` stand for (``agent``, ``team``, ``timestamp``,
``id``), and the filters that keep only the replies agents sent. Names with a dot
(``author.type``) reach into a nested object of a JSON Lines or Parquet row, or name a
flattened CSV column of that name. Every choice can be overridden on the command line.

The layouts are those of each vendor's API objects, one object a row (what an export script
writes), and of the Customer Support on Twitter corpus:

- Zendesk, Ticket Comments API: ``id, type, author_id, body, html_body, plain_body, public,
  created_at`` (``ticket_id`` where the export adds it). A comment does not say whether its
  author is an agent: add ``--where author_role=agent`` (or your export's column) if the export
  has one.
- Freshdesk, Conversations API: ``id, body`` (HTML), ``body_text, user_id, ticket_id,
  incoming, private, created_at``.
- Help Scout, Mailbox API 2.0 threads: ``id, type`` (``customer``, ``reply``, ``note``...),
  ``body`` (HTML), ``createdBy.{id,type,email}``, ``assignedTo``, ``createdAt``.
- Intercom, conversation parts: ``id, part_type`` (``comment``, ``note``...), ``body`` (HTML),
  ``author.{type,id,name,email}``, ``created_at`` (Unix seconds).
- twcs, the Customer Support on Twitter corpus (Kaggle): ``tweet_id, author_id, inbound,
  created_at, text, response_tweet_id, in_response_to_tweet_id``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The logical names a preset can map; any other ``--group-by`` name is a column of its own.
LOGICAL = ("text", "id", "agent", "team", "timestamp")
#: Derived from the ``timestamp`` column: the calendar month (UTC), ``YYYY-MM``.
MONTH = "month"


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    columns: dict[str, str] = field(default_factory=dict)
    where: tuple[str, ...] = ()
    input_format: str = "auto"


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "zendesk",
            "Zendesk ticket comments: public comments' plain-text body",
            {"text": "body", "id": "id", "agent": "author_id", "timestamp": "created_at", "team": "group_id"},
            ("public=true",),
        ),
        Preset(
            "freshdesk",
            "Freshdesk conversations: outgoing, public replies (HTML body)",
            {"text": "body", "id": "id", "agent": "user_id", "timestamp": "created_at", "team": "group_id"},
            ("incoming=false", "private=false"),
            "html",
        ),
        Preset(
            "helpscout",
            "Help Scout threads: replies by a user (HTML body)",
            {"text": "body", "id": "id", "agent": "createdBy.email", "timestamp": "createdAt", "team": "assignedTo.id"},
            ("type=reply",),
            "html",
        ),
        Preset(
            "intercom",
            "Intercom conversation parts: comments by an admin (HTML body)",
            {"text": "body", "id": "id", "agent": "author.id", "timestamp": "created_at", "team": "assigned_to.id"},
            ("part_type=comment", "author.type=admin"),
            "html",
        ),
        Preset(
            "twcs",
            "Customer Support on Twitter (twcs.csv): brand replies (inbound is False); entities decoded",
            {"text": "text", "id": "tweet_id", "agent": "author_id", "timestamp": "created_at"},
            ("inbound=false",),
            "auto",
        ),
    )
}
