"""Hot reload: editors' changes to ``data/faq/`` go live without a restart.

Each file is validated on its own. A file that fails keeps its last good
version (or stays out, if it never had one), and the errors are logged with
file, entry and field. Only phrasings that changed are re-embedded, and the
new index replaces the old one in a single assignment, so a query always sees
one complete index.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.faq.calibrate import Calibration
from bot.faq.encoders.base import Encoder
from bot.faq.index import FaqIndex, Scoring, build_index
from bot.faq.loader import duplicate_error, faq_files, parse_file
from bot.faq.schema import FaqEntry, FaqValidationError, KnowledgeBase, KnowledgeBaseInvalid

log = logging.getLogger(__name__)

Signature = tuple[int, int]


@dataclass(frozen=True)
class ReloadReport:
    """What one reload did."""

    changed_files: tuple[str, ...]
    errors: tuple[FaqValidationError, ...]
    entries: int
    embedded: int


class HotReloader:
    """Keeps a live :class:`FaqIndex` in step with a folder of FAQ files.

    Args:
        folder: the knowledge base folder.
        encoder: embeds new and changed phrasings.
        default_language: the language every entry must have.
        interval: seconds between checks when running in the background.
        scoring: how entries are ranked (the ridge head's weight and penalty).
        today: the date used to reject ``last_reviewed`` dates in the future.
        calibrator: chooses the thresholds for each new index (:mod:`bot.faq.calibrate`).
    """

    def __init__(
        self,
        *,
        folder: Path,
        encoder: Encoder,
        default_language: str = "en",
        interval: float = 0.5,
        scoring: Scoring | None = None,
        today: Callable[[], date] = date.today,
        calibrator: Callable[[FaqIndex], Calibration | None] | None = None,
    ) -> None:
        self._folder = folder
        self._encoder = encoder
        self._default_language = default_language
        self._interval = interval
        self._scoring = scoring
        self._today = today
        self._signatures: dict[str, Signature] = {}
        self._texts: dict[str, str] = {}
        self._good: dict[str, list[FaqEntry]] = {}
        # Files that parsed but wait because an id is taken by another file.
        self._held: dict[str, list[FaqEntry]] = {}
        self._live = (build_index(KnowledgeBase({}), encoder=encoder), encoder)
        self._reload_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._calibrator = calibrator
        self.calibration: Calibration | None = None
        self.last_report: ReloadReport | None = None

    @property
    def index(self) -> FaqIndex:
        """The current index; a plain attribute read, so it is never half-built."""
        return self._live[0]

    @property
    def live(self) -> tuple[FaqIndex, Encoder]:
        """The current index and the encoder its vectors came from, read together."""
        return self._live

    @property
    def _index(self) -> FaqIndex:
        return self._live[0]

    @_index.setter
    def _index(self, index: FaqIndex) -> None:
        self._live = (index, self._encoder)

    def _scan(self) -> dict[str, Signature]:
        signatures = {}
        for path in faq_files(self._folder):
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            signatures[str(path)] = (stat.st_mtime_ns, stat.st_size)
        return signatures

    def check(self) -> ReloadReport | None:
        """Reload if any file was added, changed or removed; return what happened."""
        with self._reload_lock:
            signatures = self._scan()
            if signatures == self._signatures:
                return None
            changed = [
                name for name, sig in signatures.items() if self._signatures.get(name) != sig
            ]
            removed = [name for name in self._signatures if name not in signatures]
            self._signatures = signatures
            return self._reload(changed, removed)

    def _reload(self, changed: list[str], removed: list[str]) -> ReloadReport | None:
        errors: list[FaqValidationError] = []
        updates: dict[str, list[FaqEntry]] = {}
        for name in changed:
            try:
                text = Path(name).read_text(encoding="utf-8")
            except (FileNotFoundError, UnicodeDecodeError) as exc:
                errors.append(FaqValidationError(name, None, None, f"cannot be read: {exc}"))
                continue
            if self._texts.get(name) == text:
                continue
            self._texts[name] = text
            self._held.pop(name, None)
            try:
                updates[name] = parse_file(
                    name, text, default_language=self._default_language, today=self._today()
                )
            except KnowledgeBaseInvalid as invalid:
                errors.extend(invalid.errors)
        for name in removed:
            self._good.pop(name, None)
            self._texts.pop(name, None)
            self._held.pop(name, None)
        # Files held back by a duplicate id are retried, as the other copy may be gone now;
        # a file is retried within a reload too, so an entry can move between files at once.
        candidates = {**self._held, **updates} if updates or removed else {}
        waiting = {name: candidates[name] for name in sorted(candidates)}
        self._held = {}
        accepted: list[str] = []
        progress = True
        while progress:
            progress = False
            for name, entries in list(waiting.items()):
                if self._accept(name, entries):
                    accepted.append(name)
                    del waiting[name]
                    progress = True
        for name, entries in waiting.items():
            others = self._others(name)
            errors.extend(duplicate_error(e, others[e.id]) for e in entries if e.id in others)
            self._held[name] = entries
            self._texts.pop(name, None)
        for error in errors:
            log.error("FAQ not updated: %s (keeping the last good version of this file)", error)
        if not updates and not removed:
            self.last_report = ReloadReport((), tuple(errors), len(self._index), 0)
            return self.last_report
        kb = KnowledgeBase({e.id: e for name in sorted(self._good) for e in self._good[name]})
        self._index = build_index(
            kb,
            encoder=self._encoder,
            previous=self._index,
            scoring=self._scoring,
            default_language=self._default_language,
        )
        # The new content is live now; the thresholds for it follow a moment later.
        if self._calibrator is not None:
            self.calibration = self._calibrator(self._index) or self.calibration
        report = ReloadReport(
            changed_files=tuple(sorted(set(updates) | set(accepted)) + removed),
            errors=tuple(errors),
            entries=len(kb),
            embedded=self._index.embedded,
        )
        log.info(
            "FAQ index: %d entries from %d file(s); reloaded: %s",
            len(kb),
            len(self._good),
            ", ".join(Path(n).name for n in report.changed_files) or "-",
        )
        self.last_report = report
        return report

    def _others(self, name: str) -> dict[str, FaqEntry]:
        """The live entries of every file but ``name``, by id."""
        return {e.id: e for other, es in self._good.items() if other != name for e in es}

    def _accept(self, name: str, entries: list[FaqEntry]) -> bool:
        """Make ``entries`` the live version of file ``name`` unless one of their ids is taken."""
        others = self._others(name)
        if any(entry.id in others for entry in entries):
            return False
        self._good[name] = entries
        return True

    def start(self) -> None:
        """Load now, then keep checking in a daemon thread."""
        self.check()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="faq-reload", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.check()
            except Exception:  # keep watching: one bad reload must not end hot reload
                log.exception("FAQ reload failed; keeping the current index")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
