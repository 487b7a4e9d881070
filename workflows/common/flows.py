"""What every back-office process shares."""

from viewflow.workflow import lock

from portal.accounts.services import is_case_manager


class JibCasework:
    """Mixed into each flow: a row lock on the process, JIB staff see the cases, team leaders and managers manage
    them, and the start handle makes the case's record the process's artifact."""

    lock_impl = lock.select_for_update_lock

    def has_view_permission(self, user, obj=None):
        return user.is_authenticated and user.is_jib_staff

    def has_manage_permission(self, user, obj=None):
        return is_case_manager(user)

    def start_process(self, activation, artifact):
        activation.process.artifact = artifact
        activation.process.save()
