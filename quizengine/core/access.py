"""Who may do what: roles, their permissions, and group scope.

`admin` may do everything. `organizer` runs contests, rosters and results,
but only of the groups assigned to them. `trainer` maintains question banks.
Every view and socket handler asks `allowed` on the server.

`results.correct` (复核: void a question or correct its key after a contest)
is held by organizers for their groups' contests and by trainers, who own the
keys: trainers have no groups and banks serve every group, so a trainer's
permissions are never group-scoped.
"""

from __future__ import annotations

ROLES = ("admin", "organizer", "trainer", "center_contact", "judge")
ROLE_LABELS = {
    "admin": "管理员",
    "organizer": "组织者",
    "trainer": "出题人",
    "center_contact": "中心联络员",
    "judge": "评委",
}

PERMISSIONS = {
    "admin": frozenset({"*"}),
    "organizer": frozenset(
        {"contest.run", "contest.edit", "roster.edit", "results.view", "results.correct", "bank.view", "judging.manage"}
    ),
    "trainer": frozenset({"bank.edit", "bank.view", "results.correct"}),
    # Scoped to their own center (User.center_id) by the services, not by groups.
    "center_contact": frozenset({"submission.own"}),
    # What a judge may see and score is filtered by their conflicts (回避) in services/judging.
    "judge": frozenset({"judging.score"}),
}

# Permissions whose objects belong to a group: an organizer needs that group.
GROUP_SCOPED = frozenset(
    {"contest.run", "contest.edit", "roster.edit", "results.view", "results.correct", "judging.manage"}
)
# Roles that hold groups; only their group-scoped permissions need the object's groups.
SCOPED_ROLES = frozenset({"organizer"})


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
    if permission not in GROUP_SCOPED or target_groups is None or role not in SCOPED_ROLES:
        return True
    targets = set(target_groups)
    return bool(targets) and targets <= set(user_groups)
