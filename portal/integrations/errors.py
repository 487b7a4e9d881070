class ExternalServiceUnavailable(Exception):
    """An outside party did not answer usefully (time-out, refused, 5xx). Worth trying again later."""

    def __init__(self, party: str, reason: str):
        super().__init__(f"{party} is unavailable: {reason}")
        self.party = party
        self.reason = reason


class ExternalServiceRejected(Exception):
    """An outside party refused the request (4xx other than not found). Trying again will not help."""

    def __init__(self, party: str, reason: str):
        super().__init__(f"{party} refused the request: {reason}")
        self.party = party
        self.reason = reason
