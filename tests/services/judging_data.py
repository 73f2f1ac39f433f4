"""A small judged-work world for the judging tests: four centers, a case requirement, submissions, judges.

Centers 长寿路 and 曹家渡 belong to the bureau 区民政局; 不动产 and 医保 to others.
Judges: `own` sits at 长寿路 (its center), `bureau` is of 区民政局 (no center),
`free1`..`free3` have no conflict. The case of 长寿路 names its center, its short
form, its bureau and its person 何娜刚, as a real case would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from quizengine.extensions import db as _db
from quizengine.models import Attachment, Center, Group, Requirement, Staff, Submission, User
from quizengine.services import judging
from quizengine.services.accounts import create_user
from quizengine.services.roster import ensure_default_groups
from tests.conftest import PASSWORD

T0 = datetime(2021, 10, 8, 9, 0, tzinfo=UTC)
CHANGSHOU = "长寿路街道社区事务受理服务中心"
CAOJIADU = "曹家渡街道社区事务受理服务中心"
BUDONGCHAN = "区不动产登记中心"
YIBAO = "区医疗保障事务中心"
MINZHENG = "区民政局"
PERSON = "何娜刚"
CATEGORIES = [
    {"key": "innovation", "label": "创新性", "weight": 30, "max": 10},
    {"key": "effect", "label": "实效性", "weight": 50, "max": 20},
    {"key": "writing", "label": "文字表达", "weight": 20, "max": 5},
]
CASE_TEXT = (
    f"{CHANGSHOU}推出“高效办成一件事”套餐。长寿路街道窗口的{PERSON}牵头梳理材料，"
    f"{MINZHENG}给予指导，办理时限由5天压缩到1天。"
)


@dataclass
class World:
    """The ids the tests use."""

    requirement: int
    review: int
    submissions: dict[str, int]  # center short name -> submission id
    judges: dict[str, int]  # role in the story -> user id


def build(blind: bool = False, judges=("own", "bureau", "free1", "free2", "free3")) -> World:
    """Create the centers, the staff, a case requirement with one case per center, judges and a review."""
    ensure_default_groups()
    group = _db.session.scalar(select(Group).where(Group.key == "community"))
    centers = {
        "changshou": Center(name=CHANGSHOU, group=group, bureau=MINZHENG),
        "caojiadu": Center(name=CAOJIADU, group=group, bureau=MINZHENG),
        "budongchan": Center(name=BUDONGCHAN, group=group, bureau="区规划资源局"),
        "yibao": Center(name=YIBAO, group=group, bureau="区医保局"),
    }
    _db.session.add_all(centers.values())
    _db.session.add(Staff(staff_no="PTC0101", name=PERSON, center=centers["changshou"]))
    _db.session.add(Staff(staff_no="PTC0201", name="顾涛然", center=centers["caojiadu"]))
    requirement = Requirement(title="工作案例征集", kind="case", due_at=T0, multiple=True, groups=[group])
    _db.session.add(requirement)
    submissions = {}
    for key, center in centers.items():
        text = CASE_TEXT if key == "changshou" else f"{center.name}的“好差评”整改案例。"
        submissions[key] = Submission(
            requirement=requirement,
            center=center,
            title=f"{center.name}：一件事套餐",
            category="高效办成一件事",
            text=text,
        )
    _db.session.add_all(submissions.values())
    submissions["changshou"].attachments.append(
        Attachment(
            filename=f"{CHANGSHOU}案例.pdf", kind="pdf", size=1000, sha256="0" * 64, text=f"附件：{PERSON}的做法"
        )
    )
    _db.session.commit()
    users = {}
    for name in judges:
        user, _ = create_user(f"judge_{name}", PASSWORD, "judge", display_name=f"评委{name}")
        users[name] = user
    if "own" in users:
        users["own"].center_id = centers["changshou"].id
    if "bureau" in users:
        users["bureau"].bureau = MINZHENG
    _db.session.commit()
    review = judging.save_review(
        None,
        title="2021 年优秀工作案例评审",
        requirement_id=requirement.id,
        blind=blind,
        combine="mean",
        normalise_judges=False,
        min_judges=3,
        rubric_title="案例评审表",
        categories=CATEGORIES,
        scope=None,
    )
    judging.set_judges(review, [u.id for u in users.values()])
    return World(
        requirement.id, review.id, {k: s.id for k, s in submissions.items()}, {k: u.id for k, u in users.items()}
    )


def user(key_or_id) -> User:
    """A user by id."""
    return _db.session.get(User, key_or_id)
