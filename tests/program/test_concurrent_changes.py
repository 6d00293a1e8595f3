"""Two changes of one record at the same moment take turns: the second reads what the first committed. (On
PostgreSQL a change read the MOA before another committed and then wrote over it: a signed MOA went back to
"draft", with its signed date, PDF and registry agreement, and could be recorded as signed again.)"""

from __future__ import annotations

import threading
import time

from g287.db.models.program import ProgramMoa
from g287.program import moas
from g287.program.validation import Conflict
from tests.program.world import OFFICER, SIGNATORIES, SIGNED_PDF, build


def test_a_draft_begun_while_the_moa_is_being_signed_sees_the_signature(db):
    with db.session(writing=True) as session:
        world = build(session, "drafted")
    outcome: list[str] = []

    def draft() -> None:
        try:
            with db.session(writing=True) as session:
                moas.draft_moa(session, OFFICER, world.tfm)
            outcome.append("drafted")
        except Conflict as refused:
            outcome.append(str(refused))

    with db.session(writing=True) as session:
        moas.record_signed_moa(session, OFFICER, world.tfm, pdf=SIGNED_PDF.read_bytes(), signed_on="2025-06-01", signatories=SIGNATORIES)
        drafter = threading.Thread(target=draft)
        drafter.start()
        time.sleep(0.5)  # the draft reaches the MOA while the signature is not yet committed
    drafter.join(30)
    assert outcome == [f"MOA {world.tfm} is signed: only a requested or drafted MOA can be drafted"]
    with db.session() as session:
        moa = session.get(ProgramMoa, world.tfm)
        assert moa.status == "signed" and moa.signed_on is not None
