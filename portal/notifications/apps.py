from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "portal.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from portal.core.background import background_handler_register
        from portal.notifications import receivers  # noqa: F401  (connects the receivers)
        from portal.notifications.services import SEND_KIND, notification_send, notification_send_failed

        # Sending in-process with ECS_RUN_JOBS_INLINE: a failure is final, as after Prefect's last retry.
        background_handler_register(
            SEND_KIND,
            run=lambda ref: notification_send(notification_id=int(ref)),
            fail=lambda ref, exc: notification_send_failed(
                notification_id=int(ref), reason=str(exc) or type(exc).__name__
            ),
        )
