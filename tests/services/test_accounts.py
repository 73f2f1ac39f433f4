"""Center contact and judge accounts: a contact needs a center; a judge's center and bureau are kept for conflicts."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from quizengine.cli import cli
from quizengine.formats.roster import read_roster
from quizengine.models import AuditEvent, User
from quizengine.services.accounts import AccountError, create_user, home_path
from quizengine.services.roster import import_roster
from tests.conftest import REPO

CHANGSHOU = "长寿路街道社区事务受理服务中心"


@pytest.fixture
def roster(db):
    """The sample roster, in an app context."""
    data, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
    import_roster(data)
    return db


def test_a_center_contact_is_tied_to_their_center_and_lands_on_it(roster):
    user, _ = create_user("contact1", None, "center_contact", center_name=CHANGSHOU, bureau="ignored")
    assert (user.center.name, user.bureau, home_path(user)) == (CHANGSHOU, "", "/center/")
    event = roster.session.scalar(select(AuditEvent).where(AuditEvent.target == "contact1"))
    assert event.detail == {"role": "center_contact", "groups": "", "center": CHANGSHOU}


def test_a_center_contact_without_a_center_or_with_an_unknown_one_is_refused(roster):
    with pytest.raises(AccountError, match="中心联络员必须指定所在中心"):
        create_user("contact1", None, "center_contact")
    with pytest.raises(AccountError, match="名单中没有名为 不存在的中心 的中心"):
        create_user("contact1", None, "center_contact", center_name="不存在的中心")
    assert roster.session.scalar(select(User).where(User.username == "contact1")) is None


def test_a_judge_may_have_a_center_and_a_bureau_or_neither(roster):
    judge, _ = create_user("judge1", None, "judge", center_name=CHANGSHOU, bureau=" 区民政局 ")
    free, _ = create_user("judge2", None, "judge")
    assert (judge.center.name, judge.bureau, home_path(judge)) == (CHANGSHOU, "区民政局", "/judge/")
    assert (free.center_id, free.bureau) == (None, "")


def test_the_command_line_creates_a_center_contact_and_refuses_one_without_a_center(app, roster):
    runner = CliRunner()
    info = ScriptInfo(create_app=lambda: app)

    def invoke(*args):
        return runner.invoke(cli, list(args), obj=info)

    made = invoke("user", "create", "contact1", "--role", "center_contact", "--center", CHANGSHOU)
    assert made.exit_code == 0, made.output
    assert "已创建 contact1（中心联络员）" in made.output
    refused = invoke("user", "create", "contact2", "--role", "center_contact")
    assert refused.exit_code == 1 and "中心联络员必须指定所在中心" in refused.output
    judge = invoke("user", "create", "judge1", "--role", "judge", "--bureau", "区民政局")
    assert judge.exit_code == 0, judge.output
    listed = invoke("user", "list").output
    assert f"contact1             中心联络员 {CHANGSHOU}" in listed
