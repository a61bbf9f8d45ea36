"""The next steps with a due date as an iCalendar file (RFC 5545), and the secret per-user links
that let a calendar program (Outlook, Thunderbird) subscribe to them.

One all-day VEVENT per State whose latest live record has a due date (Outlook shows events of a
subscribed calendar, not to-dos). The UID is the record's, so an edited record updates its event.
Text is escaped by the ``icalendar`` library, so commas, semicolons, new lines or a value that
looks like iCalendar syntax stay text.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import cast

from sqlalchemy import Engine, Table, delete, insert, select

from ccmkit.i18n import N_, gettext_for
from ccmkit.log.db import writing
from ccmkit.log.models import CalendarToken
from ccmkit.log.store import Record, find_state

PRODID = "-//ISU CCM//ccmkit follow-up log//EN"
UID_DOMAIN = "ccmkit.follow-up-log"
CALENDAR_NAME = N_("INTERNAL – follow-up log: next steps")
OVERDUE = N_("overdue")
tokens = cast(Table, CalendarToken.__table__)


def state_name(code: str, lang: str) -> str:
    """A State's short name in ``lang`` (its UN name if none)."""
    found = find_state(code)
    return found.names.get(lang) or found.name


def _description(record: Record, lang: str) -> str:
    _ = gettext_for(lang)
    lines = [(_(N_("Lead")), record.lead), (_(N_("With whom")), record.with_whom),
             (_(N_("Note")), record.note)]
    text = [f"{label}: {value}" for label, value in lines if value]
    text.append(_(N_("Record {id} of the follow-up log")).format(id=record.id))
    return "\n".join(text)


def calendar_bytes(records: Iterable[Record], lang: str = "en",
                   today: date | None = None) -> bytes:
    """An iCalendar file of the next steps of ``records`` that have a due date."""
    from icalendar import Calendar, Event

    _ = gettext_for(lang)
    today = today or date.today()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _(CALENDAR_NAME))
    calendar.add("x-published-ttl", "PT1H")  # how often a subscriber fetches it again
    for record in sorted(records, key=lambda r: (r.due or date.max, r.id)):
        if record.due is None:
            continue
        step = record.next_step or _(N_("Next step"))
        late = f" ({_(OVERDUE)})" if record.due < today else ""
        event = Event()
        event.add("uid", f"log-{record.id}@{UID_DOMAIN}")
        event.add("dtstamp", record.recorded_at.astimezone(UTC))
        event.add("dtstart", record.due)
        event.add("dtend", record.due + timedelta(days=1))
        event.add("summary", f"{state_name(record.state, lang)}: {step}{late}")
        event.add("description", _description(record, lang))
        event.add("class", "PRIVATE")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return cast(bytes, calendar.to_ical())


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(engine: Engine, user: str) -> str:
    """A new secret calendar token for ``user``; any earlier one stops working."""
    token = secrets.token_urlsafe(32)
    with writing(engine) as connection:
        connection.execute(delete(tokens).where(tokens.c.user_name == user))
        connection.execute(insert(tokens).values(user_name=user, token_sha256=_digest(token),
                                                 created_at=datetime.now(UTC)))
    return token


def revoke_token(engine: Engine, user: str) -> bool:
    """Revoke ``user``'s calendar link; True if there was one."""
    with writing(engine) as connection:
        return bool(connection.execute(
            delete(tokens).where(tokens.c.user_name == user)).rowcount)


def token_created(engine: Engine, user: str) -> datetime | None:
    """When ``user``'s calendar link was made (None: no link)."""
    with engine.connect() as connection:
        found = connection.execute(select(tokens.c.created_at).where(
            tokens.c.user_name == user)).scalar_one_or_none()
    if found is None:
        return None
    return found.replace(tzinfo=UTC) if found.tzinfo is None else found


def user_for_token(engine: Engine, token: str) -> str | None:
    """The user a calendar token belongs to (None: unknown or revoked)."""
    if not token or len(token) > 100:
        return None
    with engine.connect() as connection:
        return connection.execute(select(tokens.c.user_name).where(
            tokens.c.token_sha256 == _digest(token))).scalar_one_or_none()
