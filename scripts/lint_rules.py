"""Rules of the house that import contracts cannot state (run by `make lint`).

- Only ``orgs.policies`` reads memberships to decide anything (issue 19 §2): the ``Membership``
  model is named only in the orgs app's policies (decisions), services (granting and revoking),
  models and admin. Everything else asks ``policies``.
- No ``assert`` guards in the application's code (an assert is a 500, and vanishes under -O):
  domain errors with codes instead. The search backend's internal asserts are listed apart until
  its rewrite (issue 24).
- A module over 400 lines says why at its top (issue 19 §4): its docstring has a paragraph that
  starts "Over 400 lines on purpose:". Otherwise it is split.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "gongkai"
MEMBERSHIP_READERS = {"orgs/policies.py", "orgs/services.py", "orgs/models.py", "orgs/admin.py"}
ASSERT_ALLOWED = {"search/backends.py"}
MEMBERSHIP = re.compile(r"\bMembership\b")
ASSERT = re.compile(r"^\s*assert\b")
LONG = 400
LONG_REASON = "Over 400 lines on purpose:"


def problems() -> list[str]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/migrations/" in rel:
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        if len(lines) > LONG and LONG_REASON not in (ast.get_docstring(ast.parse(text)) or ""):
            found.append(f"gongkai/{rel}: {len(lines)} lines and no reason at its top (split it, or say why)")
        for number, line in enumerate(lines, 1):
            if rel not in MEMBERSHIP_READERS and MEMBERSHIP.search(line):
                found.append(f"gongkai/{rel}:{number}: Membership outside orgs.policies (ask policies instead)")
            if rel not in ASSERT_ALLOWED and ASSERT.match(line):
                found.append(f"gongkai/{rel}:{number}: assert guard (raise a domain error with a code)")
    return found


if __name__ == "__main__":
    issues = problems()
    print("\n".join(issues) or "house rules: kept")
    sys.exit(1 if issues else 0)
