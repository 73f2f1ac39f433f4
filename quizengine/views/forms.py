"""Web forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FloatField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from quizengine.core.access import ROLE_LABELS
from quizengine.core.paper import COUNTING_LABELS, LAYOUT_LABELS, RESULTS_LABELS
from quizengine.core.ranking import CENTER_RULE_LABELS


class LoginForm(FlaskForm):
    """Sign in."""

    username = StringField("用户名", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired(), Length(max=256)])


class PasswordForm(FlaskForm):
    """Change one's own password."""

    current = PasswordField("当前密码", validators=[DataRequired()])
    new = PasswordField("新密码", validators=[DataRequired(), Length(min=10, max=256)])
    confirm = PasswordField("再次输入新密码", validators=[EqualTo("new", message="两次输入的新密码不一致")])


class UserForm(FlaskForm):
    """Create an account."""

    username = StringField("用户名", validators=[DataRequired(), Length(min=2, max=64)])
    display_name = StringField("姓名/单位", validators=[Optional(), Length(max=100)])
    role = SelectField("角色", choices=[SelectChoice(key, label) for key, label in ROLE_LABELS.items()])
    groups = SelectMultipleField("负责的组（组织者）", choices=[])
    # The service checks the center by name (and says so when it is unknown).
    center = SelectField("所在中心（中心联络员必填；评委填写后不评本中心的材料）", choices=[], validate_choice=False)
    bureau = StringField("主管单位（评委：不评该单位所属中心的材料）", validators=[Optional(), Length(max=100)])


class UploadForm(FlaskForm):
    """Upload a bank or roster file."""

    file = FileField("文件", validators=[FileRequired("请选择文件")])


class BankUploadForm(UploadForm):
    """Upload a YAML bank."""

    file = FileField(
        "题库文件", validators=[FileRequired("请选择文件"), FileAllowed(["yaml", "yml"], "只接受 .yaml 文件")]
    )


class RosterUploadForm(UploadForm):
    """Upload a roster."""

    file = FileField(
        "名单文件",
        validators=[
            FileRequired("请选择文件"),
            FileAllowed(["xlsx", "csv", "yaml", "yml"], "只接受 xlsx、csv、yaml"),
        ],
    )


class StaffForm(FlaskForm):
    """Edit one staff member."""

    name = StringField("姓名", validators=[DataRequired(), Length(max=100)])
    center_id = SelectField("窗口单位", coerce=int)
    window_since = DateField("窗口工作起始日期", validators=[Optional()])
    at_window = BooleanField("目前在窗口工作")
    window_until = DateField("离开窗口日期（已离开窗口工作时填写）", validators=[Optional()])

    def validate_window_until(self, field) -> None:
        """A left date contradicts 目前在窗口工作, and cannot come before the start."""
        if field.data and self.at_window.data:
            raise ValidationError("填写了离开窗口日期，请取消“目前在窗口工作”")
        if field.data and self.window_since.data and field.data < self.window_since.data:
            raise ValidationError("离开窗口日期早于窗口工作起始日期")


class StaffLoginForm(FlaskForm):
    """Staff sign in on their phone with the roster's staff id and name."""

    staff_no = StringField("工号", validators=[DataRequired("请填写工号"), Length(max=64)])
    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=100)])


class ActionForm(FlaskForm):
    """A bare POST (enable/disable...), for its CSRF token."""


class ContestUploadForm(UploadForm):
    """Upload a contest definition file."""

    file = FileField(
        "竞赛文件", validators=[FileRequired("请选择文件"), FileAllowed(["yaml", "yml"], "只接受 .yaml 文件")]
    )


class ScoresUploadForm(UploadForm):
    """Upload the score sheet of an offline contest."""

    file = FileField(
        "成绩表",
        validators=[FileRequired("请选择文件"), FileAllowed(["xlsx", "csv"], "只接受 xlsx、csv")],
    )


class GroupForm(FlaskForm):
    """Rename a group or change its lead unit."""

    name = StringField("组名称", validators=[DataRequired(), Length(max=200)])
    lead_unit = StringField("牵头单位", validators=[Optional(), Length(max=200)])


class CenterForm(FlaskForm):
    """Rename a center or move it to another group."""

    name = StringField("中心名称", validators=[DataRequired(), Length(max=200)])
    group_id = SelectField("所属组", coerce=int)
    bureau = StringField("主管单位（评委回避用）", validators=[Optional(), Length(max=100)])


class ContestForm(FlaskForm):
    """Edit a contest that has not opened yet."""

    title = StringField("竞赛名称", validators=[DataRequired(), Length(max=200)])
    code = StringField(
        "参赛码", validators=[DataRequired(), Regexp(r"^[A-Za-z0-9]{4,12}$", message="4–12 位字母或数字")]
    )
    center_rule = SelectField("中心计分", choices=[SelectChoice(k, v) for k, v in CENTER_RULE_LABELS.items()])
    top_n = IntegerField("N（前 N 名平均）", validators=[NumberRange(1, 100)], default=3)


class PaperForm(FlaskForm):
    """A self-paced paper's window and settings (local time of QUIZ_TIMEZONE)."""

    opens_at = DateTimeLocalField("开放时间", format="%Y-%m-%dT%H:%M", validators=[DataRequired("请填写开放时间")])
    closes_at = DateTimeLocalField("截止时间", format="%Y-%m-%dT%H:%M", validators=[DataRequired("请填写截止时间")])
    time_limit = IntegerField("个人限时（分钟）", validators=[NumberRange(1, 600)])
    attempts = IntegerField("作答次数", validators=[NumberRange(1, 20)])
    counting = SelectField("多次作答计分", choices=[SelectChoice(k, v) for k, v in COUNTING_LABELS.items()])
    layout = SelectField("版式", choices=[SelectChoice(k, v) for k, v in LAYOUT_LABELS.items()])
    results = SelectField("成绩公布", choices=[SelectChoice(k, v) for k, v in RESULTS_LABELS.items()])


class LearningReportForm(FlaskForm):
    """The learning report's period and study-session threshold (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    group = SelectField("组", choices=[])
    first = DateField("从", validators=[DataRequired("请填写开始日期")])
    last = DateField("到", validators=[DataRequired("请填写结束日期")])
    share = FloatField("学习场次：当天参与人数至少占在岗人数的比例", validators=[NumberRange(0.01, 1)], default=0.5)


TIE_MODE_CHOICES = {
    "": "按评选文件（tie_mode）",
    "include": "末位并列全部入选并提示超出名额（include）",
    "tie_break": "按规定顺序决出名次（tie_break）",
}


class SelectionForm(FlaskForm):
    """Create or edit a selection: its YAML pasted or uploaded, and the tie mode (overrides the file's)."""

    source = TextAreaField(
        "评选定义（YAML）", validators=[Optional(), Length(max=256 * 1024, message="评选定义不能超过 262,144 个字符")]
    )
    file = FileField("或上传评选定义文件", validators=[FileAllowed(["yaml", "yml"], "只接受 .yaml 文件")])
    tie_mode = SelectField("末位并列", choices=[SelectChoice(k, v) for k, v in TIE_MODE_CHOICES.items()])


class ReasonForm(FlaskForm):
    """Reopen a frozen selection: the reason is required (it goes into the audit log)."""

    reason = StringField(
        "解除冻结的原因", validators=[DataRequired("请填写原因"), Length(max=500, message="原因不能超过 500 字")]
    )


class PublishForm(FlaskForm):
    """Publish (公示) a frozen selection with the deadline of appeals (local time of QUIZ_TIMEZONE)."""

    appeal_until = DateTimeLocalField(
        "异议截止时间", format="%Y-%m-%dT%H:%M", validators=[DataRequired("请填写异议截止时间")]
    )


class AppealForm(FlaskForm):
    """A staff member's appeal (异议) against a published selection."""

    text = TextAreaField(
        "异议内容", validators=[DataRequired("请填写异议内容"), Length(max=1000, message="异议内容不能超过 1000 字")]
    )


class ReplyForm(FlaskForm):
    """An organizer's reply that closes an appeal."""

    reply = TextAreaField(
        "答复", validators=[DataRequired("请填写答复"), Length(max=2000, message="答复不能超过 2000 字")]
    )


class EntrantsForm(FlaskForm):
    """Add the entrants of a judged contest (岗位比武) by staff id."""

    staff_numbers = TextAreaField(
        "选手工号（每行一个，或用逗号、空格分隔）", validators=[DataRequired(), Length(max=20000)]
    )


def rubric_form(categories, formdata=None, data=None) -> FlaskForm:
    """A judge's form for one entrant: one number per rubric category (core.judged.Category), 0 to its max."""

    class RubricForm(FlaskForm):
        comment = TextAreaField("评语（可选）", validators=[Optional(), Length(max=2000)])

    for c in categories:
        field = FloatField(
            f"{c.label}（满分 {c.max:g}，权重 {c.weight:g}）",
            validators=[InputRequired(message="请打分"), NumberRange(0, c.max, message=f"应在 0 到 {c.max:g} 之间")],
        )
        setattr(RubricForm, f"c_{c.key}", field)
    return RubricForm(formdata=formdata, data=data) if formdata is not None else RubricForm(data=data)
