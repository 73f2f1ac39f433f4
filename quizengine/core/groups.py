"""The three default contest groups of the district plan (普府办〔2021〕31号)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GroupSpec:
    """A group's stable key, display name and lead unit (牵头单位)."""

    key: str
    name: str
    lead_unit: str


DEFAULT_GROUPS = (
    GroupSpec("community", "第一组：各街镇社区事务受理中心", "区民政局"),
    GroupSpec("market", "第二组：各街镇市场监督管理所", "区市场监管局"),
    GroupSpec("government", "第三组：区行政服务中心和各部门政务服务中心", "区府办"),
)
