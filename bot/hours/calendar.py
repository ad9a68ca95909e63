"""The business-hours calendar: is the team open at a moment, and when does it open next. Pure.

The schedule is written on the company's wall clock; every answer is computed by turning the
spans of the days around a moment into real (UTC) instants, so customers in other zones,
DST changes and year ends need no special cases. Two rules decide the edge cases:

* A span belongs to the day it starts. ``"22:00-02:00"`` on Friday runs into Saturday, and a
  holiday or closure on Friday removes all of it, while one on Saturday removes none of it.
* A wall-clock time the clock skips in spring means the moment it jumps (02:30 is 03:00); a
  time the clock shows twice in autumn starts a span at its first showing and ends one at its
  last, so a span covers every moment the clock reads inside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

HORIZON_DAYS = 400
"""How far ahead ``next_opening`` looks before it gives up."""

EXPLICIT_HOLIDAY = "Holiday"

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Closure:
    """A temporary closure, such as a winter break.

    Attributes:
        start: The first closed day, company-local.
        end: The last closed day (inclusive), company-local.
        message: Language -> what to tell customers; may be empty.
    """

    start: date
    end: date
    message: Mapping[str, str]

    def covers(self, day: date) -> bool:
        """Whether ``day`` is one of the closed days."""
        return self.start <= day <= self.end


@dataclass(frozen=True)
class BusinessHours:
    """When the team answers, as configured in ``hours.yml``.

    Attributes:
        timezone: The company's IANA zone; the schedule, holidays and closures are in it.
        weekly: Weekday (0 is Monday) -> spans ``(start, end)`` in wall-clock time. An end at
            or before the start is on the next day, so ``(22:00, 02:00)`` runs past midnight
            and ``(00:00, 00:00)`` is the whole day ("00:00-24:00").
        holiday_dates: Extra closed days, company-local.
        country: ISO code whose public holidays close the team (``holidays`` package).
        subdivision: The state or region of ``country`` whose holidays apply as well.
        closures: Temporary closures.
        response_time_minutes: Typical time to a human reply while open.

    Every method takes an aware ``datetime`` in any zone (a naive one is a ``ValueError``)
    and returns moments in the company's zone. Compare those in UTC: by PEP 495, a moment in
    the autumn's repeated hour is never ``==`` to a moment in another zone.
    """

    timezone: str
    weekly: Mapping[int, tuple[tuple[time, time], ...]]
    holiday_dates: frozenset[date]
    country: str | None
    subdivision: str | None
    closures: tuple[Closure, ...]
    response_time_minutes: int

    @property
    def zone(self) -> ZoneInfo:
        """The company's zone (``ZoneInfo`` caches it)."""
        return ZoneInfo(self.timezone)

    def is_open(self, at: datetime) -> bool:
        """Whether the team is open at ``at`` (aware, in any zone)."""
        return self._covering_end(_utc(at)) is not None

    def next_opening(self, at: datetime) -> datetime | None:
        """The next moment the team is open, in the company's zone: ``at`` itself if open now.

        None if nothing opens within ``HORIZON_DAYS``.
        """
        moment = _utc(at)
        if self._covering_end(moment) is not None:
            return moment.astimezone(self.zone)
        today = self._local_date(moment)
        for offset in range(-1, HORIZON_DAYS + 1):
            starts = [start for start, _ in self._spans(today + offset * _DAY) if start > moment]
            if starts:
                return min(starts).astimezone(self.zone)
        return None

    def next_closing(self, at: datetime) -> datetime | None:
        """When the open period around ``at`` ends, in the company's zone.

        Spans that meet or overlap make one period. None if closed at ``at``, or if the
        period lasts beyond ``HORIZON_DAYS``.
        """
        moment = _utc(at)
        end = self._covering_end(moment)
        if end is None:
            return None
        limit = moment + HORIZON_DAYS * _DAY
        while (later := self._covering_end(end)) is not None:
            if later > limit:
                return None
            end = later
        return end.astimezone(self.zone)

    def current_closure(self, at: datetime) -> Closure | None:
        """The closure that keeps the team closed at ``at``, if any (None while open)."""
        if self.is_open(at):
            return None
        return self._closure_on(self._local_date(_utc(at)))

    def closed_period(self, at: datetime) -> str | None:
        """None while open; while closed, an id shared by every moment of this closed period.

        The id is the ISO instant of the next opening (``"never"`` beyond the horizon), so a
        notice such as "we are closed" can be sent once per closed period.
        """
        if self.is_open(at):
            return None
        opening = self.next_opening(at)
        return opening.isoformat() if opening else "never"

    def is_holiday(self, day: date) -> str | None:
        """The name of the holiday on ``day`` (``"Holiday"`` for an explicit date), or None."""
        if self.country:
            name = _public_holidays(self.country, self.subdivision, day.year).get(day)
            if name:
                return name
        return EXPLICIT_HOLIDAY if day in self.holiday_dates else None

    def upcoming_holidays(self, at: datetime, days: int = 60) -> list[tuple[date, str]]:
        """Holidays from the company-local day of ``at`` on, for ``days`` days."""
        today = self._local_date(_utc(at))
        found = []
        for offset in range(days):
            day = today + offset * _DAY
            name = self.is_holiday(day)
            if name:
                found.append((day, name))
        return found

    def _local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def _closure_on(self, day: date) -> Closure | None:
        return next((closure for closure in self.closures if closure.covers(day)), None)

    def _spans(self, day: date) -> list[tuple[datetime, datetime]]:
        """The real (UTC) intervals of the spans that start on ``day``, without empty ones."""
        if self.is_holiday(day) or self._closure_on(day):
            return []
        intervals = []
        for start, end in self.weekly.get(day.weekday(), ()):
            end_day = day + _DAY if end <= start else day
            begins = _instant(datetime.combine(day, start), self.zone, last=False)
            ends = _instant(datetime.combine(end_day, end), self.zone, last=True)
            if begins < ends:
                intervals.append((begins, ends))
        return intervals

    def _covering_end(self, moment: datetime) -> datetime | None:
        """The latest end of the spans open at ``moment`` (UTC), or None if none is."""
        today = self._local_date(moment)
        # A span lasts at most a day (25 hours in autumn), so it started today or the day before;
        # two days back covers zones that turn the clock back across midnight.
        ends = [
            end
            for offset in (-2, -1, 0)
            for start, end in self._spans(today + offset * _DAY)
            if start <= moment < end
        ]
        return max(ends, default=None)


@lru_cache(maxsize=64)
def _public_holidays(country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
    """One year of public holidays, named in English where the package can."""
    known = holidays.country_holidays(country, subdiv=subdivision)
    # Naming the language keeps the names from depending on the machine's locale settings.
    language = "en_US" if "en_US" in known.supported_languages else known.default_language
    found = holidays.country_holidays(country, subdiv=subdivision, years=year, language=language)
    return MappingProxyType(dict(found.items()))


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{at.isoformat()} has no timezone; pass an aware datetime")
    return at.astimezone(timezone.utc)


def _instant(wall: datetime, zone: ZoneInfo, *, last: bool) -> datetime:
    """The UTC instant that a naive wall-clock time in ``zone`` means (see the module doc)."""
    first = wall.replace(tzinfo=zone, fold=0).astimezone(timezone.utc)
    second = wall.replace(tzinfo=zone, fold=1).astimezone(timezone.utc)
    if first.astimezone(zone).replace(tzinfo=None) != wall:  # skipped by the clock
        return _jump(min(first, second), max(first, second), zone)
    return second if last else first


def _jump(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The instant between ``before`` and ``after`` at which ``zone``'s clock jumps forward."""
    low, high = int(before.timestamp()), int(after.timestamp())
    target = after.astimezone(zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == target:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, timezone.utc)
