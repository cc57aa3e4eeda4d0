"""The dependency rule is enforced: import-linter passes on the tree, and fails on a planted import."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("club", "museums", "rewards", "surveys")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy_tree(destination: Path) -> None:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            destination / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.html", "*.po", "*.mo", "media"),
        )
    shutil.copy(ROOT / ".importlinter", destination / ".importlinter")


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_tree_keeps_every_contract():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("where", "planted", "broken"),
    [
        # The bottom layer reaching up into a feature.
        ("club/core/planted.py", "from rewards.shop import services\n", "Composition > features"),
        # A leaf calling a feature: the shop must plug into the ledger, not the reverse.
        ("rewards/ledger/planted.py", "import rewards.shop.selectors\n", "Composition > features"),
        # Members calling the ledger (the welcome points go through member hooks instead).
        ("club/members/planted.py", "from rewards.ledger.services import points_award\n", "Composition > features"),
        # A cycle inside a concept: delivery importing the tasks that import it.
        ("club/notifications/planted.py", "", "No import cycles"),
    ],
)
def test_a_planted_forbidden_import_fails_the_run(tmp_path, where, planted, broken):
    _copy_tree(tmp_path)
    if planted:
        (tmp_path / where).write_text(planted)
    else:  # the cycle: delivery -> tasks, while tasks -> delivery
        delivery = tmp_path / "club/notifications/delivery.py"
        delivery.write_text(delivery.read_text() + "\nfrom club.notifications import tasks  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout and broken in result.stdout
