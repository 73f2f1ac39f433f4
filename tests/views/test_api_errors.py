"""The paper API answers every refusal in its JSON shape: CSRF, unknown paths, huge integers, deep or large bodies."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.views.test_learn import csrf_of, loaded, sign_in  # noqa: F401  (loaded is a fixture)

SAVE = "/learn/api/paper/WEBEXAM/save"


def refusal(response, status: int, code: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)[:200]
    assert response.is_json, response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert body["ok"] is False and body["error"]["code"] == code and body["error"]["message"]


@pytest.fixture
def phone(loaded):  # noqa: F811
    """A signed-in staff phone with an open attempt, and its CSRF header."""
    client = loaded.test_client()
    sign_in(client)
    headers = {"X-CSRFToken": csrf_of(client, "/learn/paper/WEBEXAM")}
    assert client.post("/learn/api/paper/WEBEXAM/start", json={}, headers=headers).get_json()["ok"]
    return client, headers


def test_a_csrf_failure_on_the_api_is_the_json_error_and_pages_keep_their_html(phone, loaded, accounts):  # noqa: F811
    client, _ = phone
    refusal(client.post(SAVE, json={"position": 1, "response": "A", "revision": 1}), 403, "csrf_failed")
    refusal(client.post(SAVE, json={}, headers={"X-CSRFToken": "forged"}), 403, "csrf_failed")
    admin = loaded.test_client()
    login(admin, "admin1")
    page = admin.post("/admin/users", data={"username": "x1", "role": "trainer"})
    assert page.status_code == 403 and page.mimetype == "text/html" and "页面已过期" in page.get_data(as_text=True)


def test_unknown_api_paths_and_methods_are_json_errors(phone):
    client, _ = phone
    refusal(client.get("/learn/api/nothing-here"), 404, "not_found")
    refusal(client.get(SAVE), 405, "invalid_payload")
    assert client.get("/learn/nothing-here").mimetype == "text/html"


@pytest.mark.parametrize("name", ["position", "revision"])
@pytest.mark.parametrize("huge", [2**31, 2**63, 2**64, 10**30, -(2**63) - 1])
def test_huge_integers_in_a_save_are_invalid_payload(phone, name, huge):
    client, headers = phone
    body = {"position": 1, "response": "A", "revision": 1, name: huge}
    refusal(client.post(SAVE, json=body, headers=headers), 400, "invalid_payload")


@pytest.mark.parametrize(
    "raw",
    [
        '{"position": 1, "revision": 1, "response": ' + "[" * 5000 + "]" * 5000 + "}",
        "[" * 100_000,
        '{"position": 1, "revision": 1, "response": "' + "A" * 20_000 + '"}',
        '{"position": 1, "revision": 1, "response": NaN}',
        '{"position": 1' + "0" * 5000 + ', "revision": 1, "response": "A"}',
        '{"position": 1, "revision": 1, "response": "A"',
        "\xff\xfe",
    ],
    ids=["deep", "deep-unclosed", "large", "nan", "5000-digits", "truncated", "not-utf8"],
)
def test_deep_large_or_malformed_bodies_are_invalid_payload(phone, raw):
    client, headers = phone
    data = raw.encode("latin-1") if raw.startswith("\xff") else raw.encode()
    response = client.post(SAVE, data=data, headers={**headers, "Content-Type": "application/json"})
    refusal(response, 400, "invalid_payload")


def test_a_normal_save_still_works_and_brackets_inside_strings_are_not_depth(phone):
    client, headers = phone
    items = client.get("/learn/api/paper/WEBEXAM").get_json()["current"]["items"]
    item = items[0]
    response = True if item["kind"] == "judge" else item["options"][0][0]
    body = {"position": item["position"], "response": response, "revision": 1, "client": "[[[[{{{{"}
    ack = client.post(SAVE, json=body, headers=headers).get_json()
    assert ack["ok"] and ack["stored"] and ack["client"] == "[[[[{{{{", ack


def test_huge_ids_in_practice_urls_and_forms_are_refused_not_500(loaded):  # noqa: F811
    client = loaded.test_client()
    sign_in(client)
    assert client.get(f"/learn/practice/questions/{2**64}").status_code == 404
    assert client.get(f"/learn/practice/answers/{2**63}").status_code == 404
    token = csrf_of(client)
    data = {"csrf_token": token, "question_id": str(2**64), "nonce": "n", "kind": "single", "choice": "A"}
    assert client.post("/learn/practice", data=data).status_code == 400
