"""What every back-office process shares."""

from viewflow.workflow import lock

from portal.accounts.access import in_jib_team, is_case_manager


class JibCasework:
    """Mixed into each flow: a row lock on the process, the flow's teams see its cases (`jib_teams`, one of the
    team lists in portal.accounts.access), team leaders and managers manage them, and the start handle makes the
    case's record the process's artifact."""

    lock_impl = lock.select_for_update_lock
    jib_teams: tuple[str, ...] = ()

    def has_view_permission(self, user, obj=None):
        return in_jib_team(user, *self.jib_teams)

    def has_manage_permission(self, user, obj=None):
        return is_case_manager(user)

    def start_process(self, activation, artifact):
        activation.process.artifact = artifact
        activation.process.save()
