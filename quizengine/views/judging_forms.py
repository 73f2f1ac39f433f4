"""The forms of judging (成果评审): the review with its rubric, and a judge's score (Flask-WTF: CSRF tokens)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from quizengine.core.judging import COMBINE_LABELS

# A rubric is edited as rows of inputs; empty rows are left out.
RUBRIC_ROWS = 8


class ReviewForm(FlaskForm):
    """A review's settings; its rubric's categories come as rows `cat-key-N`, `cat-label-N`, ... (RUBRIC_ROWS)."""

    title = StringField("评审名称", validators=[DataRequired("请填写评审名称"), Length(max=200)])
    requirement_id = SelectField("评审的材料", coerce=int, choices=[])
    blind = BooleanField("匿名评审（评委看不到单位、局和人员的名称）")
    combine = SelectField("合成方式", choices=[SelectChoice(k, v) for k, v in COMBINE_LABELS.items()])
    normalise_judges = BooleanField("先按评委标准化（z 分数），使评分严格和宽松的评委分量相同")
    min_judges = IntegerField(
        "每份材料至少几位评委评分（不足时提示）",
        validators=[NumberRange(1, 50, message="请填写 1 到 50 之间的整数")],
        default=3,
    )
    rubric_title = StringField("评审表名称", validators=[Optional(), Length(max=200)], default="评审表")


class JudgeScoreForm(FlaskForm):
    """A judge's comment; the points of each rubric category come as `score-<key>` (checked by the service)."""

    comment = TextAreaField("评语（可不填）", validators=[Optional(), Length(max=2000, message="评语不能超过 2000 字")])
