"""Facts about ECS Check contracts that the contracts domain announces (the set-up process listens).

Each signal is sent inside the transaction of the change it reports (`sender` is the model class):

- contract_created(contract, actor): a client created a contract; it is being set up.
- party_invited(party, actor): a company was invited into a contract's supply chain (any tier).
- party_responded(party, actor): an invited company accepted or declined (party.status says which).
- party_expired(party): an invitation ended unanswered (passed its expiry date, or withdrawn).
- contract_went_live(contract, actor): the contract moved from being set up to in progress.
- contract_completed(contract): the contract reached its end date (or was cancelled: contract.status says which).
"""

from django.dispatch import Signal

contract_created = Signal()
party_invited = Signal()
party_responded = Signal()
party_expired = Signal()
contract_went_live = Signal()
contract_completed = Signal()
