"""Who may do what: roles, their permissions, and group scope.

`admin` may do everything. `organizer` runs contests, rosters and results,
but only of the groups assigned to them. `trainer` maintains question banks.
Every view and socket handler asks `allowed` on the server.
"""

from __future__ import annotations

ROLES = ("admin", "organizer", "trainer")
ROLE_LABELS = {"admin": "管理员", "organizer": "组织者", "trainer": "出题人"}

PERMISSIONS = {
    "admin": frozenset({"*"}),
    "organizer": frozenset({"contest.run", "contest.edit", "roster.edit", "results.view", "bank.view"}),
    "trainer": frozenset({"bank.edit", "bank.view"}),
}

# Permissions whose objects belong to a group: an organizer needs that group.
GROUP_SCOPED = frozenset({"contest.run", "contest.edit", "roster.edit", "results.view"})


def allowed(role: str, permission: str, user_groups=(), target_groups=None) -> bool:
    """True when `role` holds `permission` for objects of `target_groups`.

    `target_groups` is the set of group keys the object belongs to (a contest
    may span several groups); None means "any group of mine", as for a list
    page that is then filtered. An organizer must hold every target group.
    """
    granted = PERMISSIONS.get(role, frozenset())
    if "*" in granted:
        return True
    if permission not in granted:
        return False
    if permission not in GROUP_SCOPED or target_groups is None:
        return True
    targets = set(target_groups)
    return bool(targets) and targets <= set(user_groups)
