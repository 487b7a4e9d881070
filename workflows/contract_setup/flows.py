"""ECS Check set-up, as two processes that follow the contracts domain (workflows.contract_setup.receivers):

- ContractSetupFlow, one per contract: created and being set up, until it goes live (the client starts it, or the
  daily run on its start date once a company accepted); in progress until it completes at its end date (the
  daily Prefect flow `contracts-daily`) or is cancelled.
- InvitationFlow, one per invited company, all of a contract's invitations in parallel: waiting for the answer
  (reminders by the daily run after 3, 7 and 11 days), then accepted, declined or expired.

The portal drives every step (the people are the client's and the companies' portal users); the back office
shows the cases and their charts.
"""

from viewflow import this
from viewflow.workflow import flow

from portal.accounts.access import LICENCE_TEAMS
from portal.contracts.models import ContractParty
from workflows.common.flows import JibCasework
from workflows.common.nodes import Switch
from workflows.contract_setup.models import ContractSetupProcess, InvitationProcess

CONTRACT_SUMMARY = "{{ process.contract.name }} ({{ process.contract.client.name }})"
INVITATION_SUMMARY = "{{ process.party.display_name }}: {{ process.party.contract.name }}"


class ContractSetupFlow(JibCasework, flow.Flow):
    """A contract from its creation to its completion."""

    jib_teams = LICENCE_TEAMS

    process_class = ContractSetupProcess
    process_title = "Contract set-up"
    process_summary_template = CONTRACT_SUMMARY

    start = flow.StartHandle(this.start_process).Annotation(title="Contract created").Next(this.set_up)
    set_up = flow.Handle(this.went_live).Annotation(title="Supply chain set up").Next(this.route)
    route = (
        Switch()
        .Case(this.in_progress, lambda activation: activation.process.contract_is_open(), label="live")
        .Default(this.closed)
    )
    in_progress = flow.Handle(this.ended).Annotation(title="Contract in progress").Next(this.closed)
    closed = flow.End()

    def went_live(self, activation):
        """Run when the contract goes live, or closes while still being set up."""

    def ended(self, activation):
        """Run when the contract completes at its end date or is cancelled."""


class InvitationFlow(JibCasework, flow.Flow):
    """One company's invitation: waits for its answer or its expiry."""

    jib_teams = LICENCE_TEAMS

    process_class = InvitationProcess
    process_title = "Supply-chain invitation"
    process_summary_template = INVITATION_SUMMARY

    invite = flow.StartHandle(this.start_process).Annotation(title="Company invited").Next(this.await_answer)
    await_answer = flow.Handle(this.answered).Annotation(title="Company answers").Next(this.route)
    route = (
        Switch()
        .Case(
            this.accepted,
            lambda activation: activation.process.answered(ContractParty.Status.ACCEPTED),
            label="accepted",
        )
        .Case(
            this.declined,
            lambda activation: activation.process.answered(ContractParty.Status.DECLINED),
            label="declined",
        )
        .Default(this.expired)
    )
    accepted = flow.End()
    declined = flow.End()
    expired = flow.End()

    def answered(self, activation):
        """Run when the company accepts or declines, or the invitation expires (or is withdrawn)."""
