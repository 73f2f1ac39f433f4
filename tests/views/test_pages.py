"""The overview and entry pages render what is loaded, escaped."""

from __future__ import annotations

from quizengine.formats.roster import RosterData, StaffRow
from quizengine.services.roster import import_roster
from tests.conftest import store_banks
from tests.services.test_bank_import import EXAMPLE


def test_overview_lists_groups_centers_and_banks(client, db):
    store_banks(EXAMPLE)
    roster = RosterData(
        "r.yaml",
        staff=[StaffRow("PT001", "张三", "甘泉路街道社区事务受理服务中心", "community", None, True, 2)],
    )
    import_roster(roster)
    page = client.get("/").get_data(as_text=True)
    assert "第一组：各街镇社区事务受理中心" in page and "区民政局" in page
    assert "甘泉路街道社区事务受理服务中心（1 人）" in page
    assert "政务服务“好差评”（示例题库）" in page and "示例" in page


def test_names_from_files_are_rendered_escaped(client, db):
    center = "<script>alert(1)</script>中心"
    import_roster(RosterData("r.yaml", staff=[StaffRow("PT001", "张三", center, "community", None, True, 2)]))
    page = client.get("/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;中心" in page


def test_phone_entry_asks_for_the_join_code(client):
    response = client.get("/play/")
    assert response.status_code == 200
    assert "加入竞赛" in response.get_data(as_text=True)
    unknown = client.get("/play/NOSUCH")
    assert unknown.status_code == 404 and "没有参赛码为 NOSUCH 的竞赛" in unknown.get_data(as_text=True)


def host_links(client, path: str) -> int:
    return client.get(path).get_data(as_text=True).count('href="/host/"')


def test_the_navigation_shows_the_host_console_only_to_who_may_run_a_contest(app, accounts):
    from tests.conftest import login

    anonymous = app.test_client()
    assert host_links(anonymous, "/") == 0
    for user, shown in (("trainer", False), ("org1", True), ("admin", True)):
        client = app.test_client()
        login(client, accounts[user])
        for path in ("/", "/admin/"):
            assert (host_links(client, path) > 0) is shown, (user, path)
            if shown:
                assert client.get("/host/").status_code == 200


def test_staff_pages_have_no_organizer_links(client):
    for path in ("/play/", "/learn/login"):
        page = client.get(path).get_data(as_text=True)
        assert 'href="/host/"' not in page and 'href="/login"' not in page and 'href="/admin/"' not in page, path
        assert 'href="/play/"' in page and 'href="/learn/"' in page


def test_the_favicon_is_served_and_every_kind_of_page_links_it(client):
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
        assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    with client.get("/static/favicon.ico") as icon:
        assert icon.status_code == 200
    for path in ("/", "/login", "/play/", "/learn/login"):
        assert '<link rel="icon" href="/static/favicon.ico"' in client.get(path).get_data(as_text=True), path
