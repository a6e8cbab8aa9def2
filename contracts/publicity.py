"""What the public sees of contracts changes at coding and at revocation: the 直接交易 index and list. Called by the
services after the step's commit (transaction.on_commit)."""


def contract_public_changed(contract_id: int) -> None:
    """Re-index the contract in the 直接交易 search (coded and direct: listed; otherwise: removed)."""
    # Filled in by the direct-transactions work (search through the notices' engines); until then nothing is indexed.
    return None
