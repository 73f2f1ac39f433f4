"""Web forms of requirements (应报材料), submissions and the booklet (kept apart from forms.py, which is long)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateTimeLocalField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from quizengine.core.submissions import CASE_CATEGORIES, REQUIREMENT_KINDS

MULTIPLE_CHOICES = {
    "auto": "按类别（工作案例、个人事迹可多份）",
    "yes": "每个中心可报多份",
    "no": "每个中心报一份",
}


class RequirementForm(FlaskForm):
    """Create or change a requirement: what the centers of some groups owe, by when."""

    title = StringField("名称", validators=[DataRequired("请填写名称"), Length(max=200)])
    kind = SelectField("材料类别", choices=[SelectChoice(k, v) for k, v in REQUIREMENT_KINDS.items()])
    description = TextAreaField("说明", validators=[Optional(), Length(max=5000)])
    due_at = DateTimeLocalField("截止时间", format="%Y-%m-%dT%H:%M", validators=[DataRequired("请填写截止时间")])
    # The service refuses groups not one's own, with a message that says so.
    groups = SelectMultipleField("报送的组", choices=[], validate_choice=False)
    multiple = SelectField("份数", choices=[SelectChoice(k, v) for k, v in MULTIPLE_CHOICES.items()])


class PlanForm(FlaskForm):
    """Create the contest plan's requirements (8/30, 9/30) for a year."""

    year = IntegerField(
        "年份", validators=[DataRequired("请填写年份"), NumberRange(2000, 2100, "年份应在 2000 到 2100 之间")]
    )
    groups = SelectMultipleField("报送的组", choices=[], validate_choice=False)


class SubmissionForm(FlaskForm):
    """A center's submission: title, category (cases), person (deeds), text, and optionally a first attachment."""

    title = StringField("标题", validators=[DataRequired("请填写标题"), Length(max=200)])
    # Both are checked by the service (a case's category, a deed's person of one's own center); other kinds lack them.
    category = SelectField("案例类别", choices=[SelectChoice(c, c) for c in CASE_CATEGORIES], validate_choice=False)
    staff_id = SelectField("事迹的主人公（本中心工作人员）", coerce=int, choices=[], validate_choice=False)
    text = TextAreaField("正文", validators=[Optional(), Length(max=50_000, message="正文不能超过 50000 字")])
    file = FileField("附件（PDF、Word 文档、PNG、JPEG）")


class AttachmentForm(FlaskForm):
    """Add one attachment to a submission."""

    file = FileField("附件（PDF、Word 文档、PNG、JPEG）", validators=[FileRequired("请选择文件")])
