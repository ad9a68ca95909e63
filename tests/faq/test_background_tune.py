"""Background tuning (bot/faq/background_tune.py): when it runs, what it swaps in.

The tuning process is a real child process; here it is a short script that writes the
verdict a run would (the real run is tested in test_tuning.py), so these tests check
the scheduling and the adoption, fast.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from bot.faq.background_tune import BackgroundTuner
from bot.faq.reload import HotReloader
from bot.faq.tuning import fingerprint
from tests.auxil.fake_encoder import FakeEncoder
from tests.auxil.faq_files import faq_entry, write_faq

ENTRIES = [
    faq_entry("track-order", question={"en": "Where is my order?"}, variants={"en": ["track it"]}),
    faq_entry("refund-time", question={"en": "How long does a refund take?"}),
]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def verdict_writer(folder: Path, *, better: bool, code: int = 0) -> list[str]:
    """A child process that leaves a verdict for the knowledge base it is told about."""
    script = (
        "import json, pathlib, sys\n"
        f"folder = pathlib.Path({str(folder)!r})\n"
        "fp = (folder / 'expected').read_text()\n"
        "model = folder / fp\n"
        "model.mkdir(parents=True, exist_ok=True)\n"
        "verdict = dict(fingerprint=fp, base_encoder='fake', base_top1=0.5,\n"
        f"    tuned_top1={0.9 if better else 0.4}, held_out=3, better={better},\n"
        f"    model=str(model) if {better} else None, seconds=1.0)\n"
        "(folder / 'verdict.json').write_text(json.dumps(verdict))\n"
        "(folder / 'runs').open('a').write('x')\n"
        f"sys.exit({code})\n"
    )
    return [sys.executable, "-c", script]


@dataclass
class Rig:
    reloader: HotReloader
    tuner: BackgroundTuner
    clock: Clock
    folder: Path
    loaded: list[str]


def setup(tmp_path: Path, *, better: bool = True, code: int = 0) -> Rig:
    faq = tmp_path / "faq"
    faq.mkdir()
    write_faq(faq / "orders.yml", ENTRIES)
    reloader = HotReloader(folder=faq, encoder=FakeEncoder())
    reloader.check()
    folder = tmp_path / "tuned"
    folder.mkdir()
    (folder / "expected").write_text(fingerprint(reloader.index.kb))
    loaded: list[str] = []
    clock = Clock()
    tuner = BackgroundTuner(
        reloader=reloader,
        folder=folder,
        adopt=loaded.append,
        command=verdict_writer(folder, better=better, code=code),
        settle=60,
        clock=clock,
    )
    return Rig(reloader, tuner, clock, folder, loaded)


def finish(tuner: BackgroundTuner) -> None:
    process = tuner._process
    assert process is not None, "no tuning run was started"
    process.wait(timeout=30)


def runs(folder: Path) -> int:
    path = folder / "runs"
    return len(path.read_text()) if path.exists() else 0


def test_a_run_starts_only_once_the_knowledge_base_has_settled(tmp_path: Path) -> None:
    rig = setup(tmp_path)
    rig.tuner.poll()
    rig.clock.now = 59
    rig.tuner.poll()
    assert rig.tuner._process is None
    rig.clock.now = 61
    rig.tuner.poll()
    finish(rig.tuner)
    assert runs(rig.folder) == 1


def test_a_better_model_is_adopted_once(tmp_path: Path) -> None:
    rig = setup(tmp_path)
    before = rig.reloader.index
    rig.tuner.poll()
    rig.clock.now = 61
    rig.tuner.poll()
    finish(rig.tuner)
    rig.tuner.poll()
    assert rig.loaded == [str(rig.folder / fingerprint(before.kb))]
    assert rig.reloader.index is before  # the main index stays: other languages use it
    # The same verdict is not adopted twice, and an unchanged knowledge base is not retuned.
    rig.clock.now = 500
    rig.tuner.poll()
    rig.tuner.poll()
    assert rig.loaded == [rig.loaded[0]] and rig.tuner._process is None and runs(rig.folder) == 1


def test_a_model_that_is_no_better_is_not_used_nor_retuned(tmp_path: Path) -> None:
    rig = setup(tmp_path, better=False)
    rig.tuner.poll()
    rig.clock.now = 61
    rig.tuner.poll()
    finish(rig.tuner)
    for step in range(3):
        rig.clock.now = 200 + 100 * step
        rig.tuner.poll()
    assert (
        rig.loaded == [] and rig.reloader.live[1].name == "fake-bow:256" and runs(rig.folder) == 1
    )


def test_a_failed_run_is_not_repeated_for_the_same_content(tmp_path: Path) -> None:
    rig = setup(tmp_path, code=1)
    (rig.folder / "expected").write_text("some other knowledge base")
    rig.tuner.poll()
    rig.clock.now = 61
    rig.tuner.poll()
    finish(rig.tuner)
    for step in range(3):
        rig.clock.now = 200 + 100 * step
        rig.tuner.poll()
    assert runs(rig.folder) == 1 and rig.loaded == []
