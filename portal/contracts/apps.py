import logging

from django.apps import AppConfig

logger = logging.getLogger(__name__)


class ContractsConfig(AppConfig):
    name = "portal.contracts"
    label = "contracts"
    verbose_name = "ECS Check contracts"

    def ready(self):
        from portal.contracts.services import EMAIL_KIND, contract_email_send
        from portal.core.background import background_handler_register

        background_handler_register(
            EMAIL_KIND,
            run=lambda ref: contract_email_send(ref=ref),
            fail=lambda ref, exc: logger.warning("Contract email %s could not be sent: %s", ref, exc),
        )
