"""Signing in, roles, CSRF and the login rate limit."""

from __future__ import annotations

from quizengine.extensions import db as _db
from quizengine.models import User
from tests.conftest import PASSWORD, csrf_token, login


def test_sign_in_leads_to_the_admin_and_wrong_password_is_refused(client, accounts):
    assert client.get("/admin/").status_code == 302
    refused = login(client, "org1", "wrong password!")
    assert refused.status_code == 401
    assert "用户名或密码不正确" in refused.get_data(as_text=True)
    assert login(client, "org1").headers["Location"] == "/admin/"
    page = client.get("/admin/").get_data(as_text=True)
    assert "组织者：第一组：各街镇社区事务受理中心" in page


def test_next_parameter_cannot_send_the_user_off_site(client, accounts):
    token = csrf_token(client, "/login")
    data = {"username": "org1", "password": PASSWORD, "csrf_token": token}
    response = client.post("/login?next=//evil.example/x", data=data)
    assert response.headers["Location"] == "/admin/"


def user_count(app, username: str) -> int:
    with app.app_context():
        return _db.session.query(User).filter_by(username=username).count()


def test_a_post_without_csrf_token_gets_403_and_with_it_succeeds(app, client, accounts):
    login(client, "admin1")
    data = {"username": "newtrainer", "display_name": "", "role": "trainer"}
    refused = client.post("/admin/users", data=data)
    assert refused.status_code == 403
    assert user_count(app, "newtrainer") == 0
    accepted = client.post("/admin/users", data={**data, "csrf_token": csrf_token(client, "/admin/users")})
    assert accepted.status_code == 200
    assert "初始密码" in accepted.get_data(as_text=True)
    assert user_count(app, "newtrainer") == 1


def test_disabled_account_loses_its_session_and_cannot_sign_in(app, accounts):
    admin, organizer = app.test_client(), app.test_client()
    login(admin, "admin1")
    login(organizer, "org1")
    assert organizer.get("/admin/").status_code == 200
    with app.app_context():
        user_id = _db.session.query(User).filter_by(username="org1").one().id
    token = csrf_token(admin, "/admin/users")
    admin.post(f"/admin/users/{user_id}/active", data={"active": "0", "csrf_token": token})
    assert organizer.get("/admin/").status_code == 302
    assert login(app.test_client(), "org1").status_code == 401


def test_password_change_ends_other_sessions(app, accounts):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "trainer1")
    login(phone, "trainer1")
    token = csrf_token(laptop, "/account/password")
    new = "a much longer password"
    response = laptop.post(
        "/account/password", data={"current": PASSWORD, "new": new, "confirm": new, "csrf_token": token}
    )
    assert response.status_code == 302
    assert laptop.get("/admin/").status_code == 200
    assert phone.get("/admin/").status_code == 302
    assert login(app.test_client(), "trainer1", new).status_code == 302


def test_failed_sign_ins_are_throttled_but_successful_ones_are_not(client, accounts):
    for _ in range(15):
        assert login(client, "org1").status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    statuses = [login(client, "org2", "wrong password!").status_code for _ in range(12)]
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429]
    assert login(client, "org2").status_code == 429  # the account is locked from this address for now
    assert login(client, "org1").status_code == 302  # other accounts from the same address are not


def test_security_headers_on_every_page(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_samesite(client, accounts):
    response = login(client, "org1")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def replay(app, cookie: str):
    """A fresh client presenting a copied session cookie."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


def test_logout_ends_only_that_session_and_a_copy_of_its_cookie_opens_nothing(app, accounts):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "admin1")
    login(phone, "admin1")
    copied = laptop.get_cookie("session").value
    assert replay(app, copied).get("/admin/").status_code == 200
    assert laptop.post("/logout", data={"csrf_token": csrf_token(laptop, "/admin/")}).status_code == 302
    assert replay(app, copied).get("/admin/").status_code == 302
    assert phone.get("/admin/").status_code == 200  # the account's other sign-in goes on
    assert login(laptop, "admin1").status_code == 302 and laptop.get("/admin/").status_code == 200


def test_a_new_secret_key_ends_sessions_signed_with_the_old_one_unless_it_is_a_fallback(app, accounts):
    # The session's signer is built once per set of keys (security.SessionInterface), not once per request.
    laptop = app.test_client()
    login(laptop, "admin1")
    copied, old = laptop.get_cookie("session").value, app.secret_key
    assert replay(app, copied).get("/admin/").status_code == 200
    app.secret_key = "a-new-secret"
    assert replay(app, copied).get("/admin/").status_code == 302
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    assert replay(app, copied).get("/admin/").status_code == 200
