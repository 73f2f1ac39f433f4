"""The screens hear of joins and of phones coming and going in batches, not one message per phone."""

from __future__ import annotations

import threading

from quizengine.sockets import tallies


def test_a_join_storm_reaches_the_screens_as_one_joined_one_presence_and_one_counts(app, monkeypatch):
    sent, done = [], threading.Event()

    def to_screens(contest_id, event, payload):
        sent.append((contest_id, event, payload))
        if event == "counts":
            done.set()

    monkeypatch.setattr(tallies, "to_screens", to_screens)
    monkeypatch.setattr(tallies, "counts", lambda contest: {"joined": 40})
    monkeypatch.setattr(tallies.db.session, "get", lambda model, key: object())
    with app.app_context():
        for n in range(40):
            tallies.joined_soon(7, {"player_id": n, "name": f"p{n}", "center": "c"})
            tallies.presence_soon(7, n, True)
        tallies.presence_soon(7, 3, False)  # the last word on a player is what the host gets
    assert done.wait(5)
    assert [event for _, event, _ in sent] == ["joined", "presence", "counts"]
    assert [p["player_id"] for p in sent[0][2]["players"]] == list(range(40))
    presence = {p["player_id"]: p["connected"] for p in sent[1][2]["players"]}
    assert len(presence) == 40 and presence[3] is False and presence[4] is True
    assert not tallies._joined and not tallies._presence and not tallies._scheduled
