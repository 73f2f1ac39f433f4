"""Behind nginx (QUIZ_PROXY_HOPS=1) the phone's or laptop's own address is the one recorded and rate-limited."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from quizengine import config as settings
from quizengine import create_app
from quizengine.extensions import db
from quizengine.models import UserSession
from quizengine.services.accounts import create_user
from tests.conftest import PASSWORD, csrf_token


def signed_in_address(tmp_path, hops: int) -> str:
    config = settings.TestConfig(tmp_path / f"instance-{hops}")
    config.PROXY_HOPS = hops
    app = create_app(config)
    with app.app_context():
        upgrade()
        create_user("admin1", PASSWORD, "admin")
    client = app.test_client()
    forwarded = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "http"}
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"username": "admin1", "password": PASSWORD, "csrf_token": token}, headers=forwarded
    )
    assert response.status_code == 302
    with app.app_context():
        address = db.session.scalar(select(UserSession.address))
        db.session.remove()
        db.engine.dispose()
    return address


@pytest.mark.parametrize(("hops", "expected"), [(1, "203.0.113.7"), (0, "127.0.0.1")])
def test_forwarded_address_is_trusted_only_with_proxy_hops(tmp_path, hops, expected):
    assert signed_in_address(tmp_path, hops) == expected
