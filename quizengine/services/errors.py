"""The one refusal every service raises, and the one catalogue of what each refusal code says.

The codes are the protocol's (docs/protocol.md, docs/learning.md). A refusal
may carry a detail (which field of a payload was wrong, say); its message is
always the catalogue's text for its code, with the detail after it. Sockets
and views turn a refusal into their reply; services never build replies.
"""

from __future__ import annotations

MESSAGES = {
    # any request
    "invalid_payload": "请求格式不正确",
    "unknown_event": "不支持的操作",
    "csrf_failed": "页面已过期或请求来源不可信，请刷新页面后重试",
    "not_found": "页面不存在",
    "too_large": "上传的文件太大",
    "rate_limited": "尝试次数过多，请一分钟后再试",
    "too_many_events": "操作过于频繁，请稍后再试",
    "server_busy": "服务器繁忙，请稍后重试",
    "server_error": "服务器出错，请重试",
    "not_saved": "未能保存，请重试",
    "forbidden": "您没有权限进行此操作",
    # joining and identity
    "contest_not_found": "没有这个参赛码的竞赛",
    "contest_not_open": "竞赛尚未开放或已经结束",
    "unknown_staff": "名单中没有这个工号，请核对或联系组织者",
    "wrong_name": "姓名与工号不符",
    "already_joined": "这个工号已在另一台手机上参赛",
    "invalid_token": "登录信息已失效，请重新输入工号和姓名",
    "kicked": "您已被组织者移出本场竞赛",
    "not_joined": "请先加入竞赛",
    "signed_out": "请先用工号和姓名登录",
    "self_paced": "这是自定进度的笔试，请打开“学习与考试”页面作答",
    "not_live": "自定进度的笔试没有主持台，请在竞赛管理页管理",
    # answering live
    "not_current": "这道题不是当前的题目",
    "late": "本题已结束作答",
    "not_open_yet": "题目还没有开始作答，请稍候",
    "invalid_response": "答案格式不正确",
    "no_response": "请先选择或填写答案",
    "false_start": "抢答过早（题目尚未开放）",
    "not_your_buzz": "其他选手已抢先作答",
    "invalid_stake": "无效的赌注",
    # the host
    "wrong_phase": "当前环节不能进行此操作",
    "no_more_questions": "所有题目都已出完",
    # papers (笔试)
    "not_self_paced": "这场竞赛不是自定进度的笔试",
    "window_not_open": "考试尚未开始",
    "window_closed": "考试已经截止",
    "no_attempts_left": "作答次数已用完",
    "attempt_closed": "本次作答已经交卷",
    "time_up": "作答时间已到，已按已保存的答案交卷",
    "no_attempt": "还没有开始作答",
    "unknown_item": "试卷中没有这道题",
    "not_your_group": "这场考试不面向您所在的组",
    "paper_error": "试卷无法抽题",
    # practice
    "page_expired": "页面已过期，请重新打开题目",
    "unknown_question": "没有这道练习题",
    # selections (评选), the 公示 and appeals
    "selection_frozen": "评选已冻结，不能修改；如需修改，请管理员先解除冻结",
    "selection_not_frozen": "评选尚未冻结",
    "selection_not_published": "评选尚未公示",
    "reason_required": "请填写原因",
    "deadline_passed": "截止时间应晚于现在",
    "appeal_closed": "异议期已经截止，不能再提出异议",
    "appeal_pending": "您对本次评选已有一条待处理的异议，请等待答复",
    "appeal_empty": "请填写异议内容",
    "appeal_too_long": "异议内容不能超过 1000 字",
    "appeal_handled": "这条异议已经处理",
    "reply_required": "请填写答复",
    # corrections after a dispute (复核)
    "not_correctable": "这道题现在不能复核",
    "invalid_correction": "复核内容不正确",
    # judging (成果评审)
    "invalid_review": "评审设置不正确",
    "invalid_score": "评分不正确",
    "review_not_open": "评审尚未开始或已经结束，不能评分",
    "review_started": "评审已经开始，评审表不能再修改",
    "review_not_closed": "请先结束评审，再向各中心公布成绩",
    "not_a_judge": "只能选择评委账号",
    "judge_conflict": "评委不能评审本中心或本局的材料（回避）",
    # requirements (应报材料), submissions and their attachments
    "requirement_invalid": "应报材料的设置不正确",
    "submission_invalid": "报送内容不完整或不正确",
    "submission_withdrawn": "这份材料已撤回，不能再修改",
    "attachment_refused": "附件不予接收",
    "attachment_too_large": "附件太大",
    # judged contests (岗位比武)
    "not_judged": "这场竞赛不是岗位比武（评委打分）",
    "judging_closed": "评分尚未开始或已经结束",
    "invalid_scores": "评分不完整或超出范围",
}


class Refused(Exception):
    """A refused request: a code from the catalogue, and optionally a detail for the person who sent it."""

    def __init__(self, code: str, detail: str | None = None):
        if code not in MESSAGES:
            raise ValueError(f"refusal code {code!r} is not in the catalogue")
        super().__init__(code)
        self.code = code
        self.detail = detail

    @property
    def message(self) -> str:
        """What the person is told."""
        return f"{MESSAGES[self.code]}：{self.detail}" if self.detail else MESSAGES[self.code]

    def as_error(self) -> dict:
        """The error object of every reply: {code, message}."""
        return {"code": self.code, "message": self.message}


def only(outcomes: list):
    """The outcome of a batch of one (the batched services answer a result or a refusal per request): its result,
    or its refusal raised."""
    (outcome,) = outcomes
    if isinstance(outcome, Refused):
        raise outcome
    return outcome
