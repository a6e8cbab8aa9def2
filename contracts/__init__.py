"""Contract online signing and coding (合同网签赋码): drafting, confirmation, review, coding, PDF + QR."""
